// What the skill search returns and GET /api/skills answers with (zod once; the type derived).
import { z } from 'zod';

export const skillView = z.object({ name: z.string(), teachers: z.number(), learners: z.number() });
export type SkillView = z.infer<typeof skillView>;
