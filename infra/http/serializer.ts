import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Answers are written by a serializer compiled once per route and status from the route's zod response schema
 * (zod → JSON Schema → fast-json-stringify), not by a zod pass over every answer: that pass was most of a
 * signed-in request's own cost (docs/BENCHMARKS.md, issue 15). The compiled serializer writes only the fields the
 * schema names, as zod's parse did (a field a query returns but the schema leaves out never reaches a member).
 *
 * With `checkAnswers` (NODE_ENV=test) every answer is also parsed by its zod schema, as before, and what the
 * compiled serializer wrote must equal zod's own output, byte for byte: a route whose answer breaks its schema
 * fails its tests with the route and the reason, and so would a schema the compiled serializer reads differently.
 */
export function compiledSerializer(options: { checkAnswers: boolean }): FastifySerializerCompiler<unknown> {
  return ({ schema, method, url }) => {
    const zodSchema = schema as z.ZodType;
    const stringify = fastJson(serializerSchema(zodSchema) as Parameters<typeof fastJson>[0]);
    if (!options.checkAnswers) return stringify;
    return (data: unknown) => {
      const parsed = zodSchema.safeParse(data);
      if (!parsed.success) throw new ResponseSerializationError(method, url, { cause: parsed.error });
      const written = stringify(data);
      const expected = JSON.stringify(parsed.data);
      if (written !== expected) {
        throw new Error(
          `${method} ${url}: the compiled serializer wrote ${written.slice(0, 500)} where the schema gives ${expected.slice(0, 500)}`,
        );
      }
      return written;
    };
  };
}

/** The JSON Schema fast-json-stringify compiles: what an answer is once written (zod's output side). */
export function serializerSchema(schema: z.ZodType): unknown {
  return nullableFirst(z.toJSONSchema(schema, { io: 'output', target: 'draft-7', unrepresentable: 'any' }));
}

/**
 * `X | null` comes out of zod as `anyOf: [X, {type: 'null'}]`, which fast-json-stringify serialises by running a
 * schema validator over the value to pick the branch, for every nullable field of every item. `nullable: true`
 * on X says the same and costs one comparison.
 */
function nullableFirst(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableFirst);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema') continue;
    out[key] =
      key === 'properties' || key === 'definitions' ? mapValues(value, nullableFirst) : nullableFirst(value);
  }
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const isNull = (s: unknown) =>
      (s as { type?: unknown }).type === 'null' && Object.keys(s as object).length === 1;
    const other = anyOf.find((s) => !isNull(s)) as Record<string, unknown> | undefined;
    if (other && anyOf.some(isNull) && other.anyOf === undefined && other.$ref === undefined) {
      const { anyOf: _, ...rest } = out;
      return { ...rest, ...other, nullable: true };
    }
  }
  return out;
}

function mapValues(value: unknown, f: (v: unknown) => unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, f(v)]));
}
