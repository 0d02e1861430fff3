import type { z } from 'zod';

/**
 * An event type is data: a name, the current schema version, its zod schema, and one upcaster per older version
 * that lifts version n's data to version n + 1. Old events are never rewritten; they are upcast when read.
 */
export type EventDefinition<Type extends string = string, Schema extends z.ZodType = z.ZodType> = {
  type: Type;
  version: number;
  schema: Schema;
  upcasters: Record<number, (data: unknown) => unknown>;
  /** Personal data: which field names the person (`subject`), and each personal field with its placeholder. */
  personal?: PersonalFields;
};

/** Personal fields are stored encrypted with the subject's own key; once it is erased they read as placeholders. */
export type PersonalFields = { subject: string; fields: Record<string, unknown> };

export function defineEvent<Type extends string, Schema extends z.ZodType>(
  type: Type,
  version: number,
  schema: Schema,
  upcasters: Record<number, (data: unknown) => unknown> = {},
  options: { personal?: PersonalFields } = {},
): EventDefinition<Type, Schema> {
  for (let v = 1; v < version; v++) {
    if (!upcasters[v]) throw new Error(`${type} v${version} needs an upcaster from v${v}`);
  }
  return { type, version, schema, upcasters, ...(options.personal ? { personal: options.personal } : {}) };
}

export class UnknownEventTypeError extends Error {}

export type EventCatalog = {
  get: (type: string) => EventDefinition;
  has: (type: string) => boolean;
  /** Validates data for appending at the current version. */
  encode: (type: string, data: unknown) => { schemaVersion: number; data: unknown };
  /** Reads stored data of any version as the current version. */
  decode: (type: string, schemaVersion: number, data: unknown) => unknown;
  types: () => string[];
};

export function createCatalog(definitions: EventDefinition[]): EventCatalog {
  const byType = new Map<string, EventDefinition>();
  for (const d of definitions) {
    if (byType.has(d.type)) throw new Error(`event type ${d.type} is defined twice`);
    byType.set(d.type, d);
  }
  const get = (type: string) => {
    const d = byType.get(type);
    if (!d) throw new UnknownEventTypeError(`unknown event type ${type}`);
    return d;
  };
  return {
    get,
    has: (type) => byType.has(type),
    types: () => [...byType.keys()],
    encode: (type, data) => {
      const d = get(type);
      return { schemaVersion: d.version, data: d.schema.parse(data) };
    },
    decode: (type, schemaVersion, data) => {
      const d = get(type);
      let current = data;
      for (let v = schemaVersion; v < d.version; v++) current = d.upcasters[v]!(current);
      return d.schema.parse(current);
    },
  };
}
