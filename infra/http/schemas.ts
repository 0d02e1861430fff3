import { z } from 'zod';

/** API.md's error body, for the OpenAPI document of every route. */
export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** A page of a keyset-paginated list (API.md's Pagination): listOf's answer, by type. */
export type Page<T> = { items: T[]; nextCursor: string | null };
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** The error answers a route can give, for its `response` schema. */
export const errors = (...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 429 | 503)[]) =>
  Object.fromEntries(statuses.map((s) => [s, errorBody])) as Record<number, typeof errorBody>;
