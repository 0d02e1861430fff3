// What the notifications queries return and GET /api/me/notifications answers with (zod once; types derived).
import { z } from 'zod';

export const notificationView = z.object({
  id: z.string(),
  kind: z.string(),
  sessionId: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});
export type NotificationView = z.infer<typeof notificationView>;

export const notificationPageView = z.object({
  items: z.array(notificationView),
  nextCursor: z.string().nullable(),
  unreadCount: z.number(),
});
export type NotificationPageView = z.infer<typeof notificationPageView>;
