// What the audit-log query returns and GET /api/admin/audit-log answers with (zod once; the type derived).
import { z } from 'zod';

export const auditEntryView = z.object({
  id: z.string(),
  at: z.string(),
  /** Null when no member acted (the system, or the admin command line: the note says which). */
  actor: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  note: z.string(),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;
