// Gamification's response shapes that no read model holds: the badge catalogue and the point rules (rules.ts).
import { z } from 'zod';

/** GET /api/badges: every badge with the rule that earns it, and how points are earned. */
export const badgeCatalogueSchema = z.object({
  items: z.array(z.object({ key: z.string(), name: z.string(), rule: z.string() })),
  points: z.array(z.object({ key: z.string(), rule: z.string() })),
});
export type BadgeCatalogue = z.infer<typeof badgeCatalogueSchema>;
