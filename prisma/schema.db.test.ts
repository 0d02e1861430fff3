// Proves that prisma/schema.prisma (through the client generated from it) matches the tables our own SQL migrations
// create: every model's table exists, every field has its column with a compatible type and nullability, and every
// column of those tables has a field. A migration that adds a column without the model makes this file fail.
import { readFile } from 'node:fs/promises';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrate, type Pool } from '../infra/db/index.ts';
import { createTestDatabase } from '../infra/testing/database.ts';
import { skillswap } from '../modules/index.ts';
import { Prisma, PrismaClient } from './generated/client.ts';

type FieldSpec = {
  model: string;
  field: string;
  column: string;
  type: string;
  required: boolean;
  list: boolean;
};
type ModelSpec = { model: string; table: string; fields: FieldSpec[] };
type ColumnRow = {
  table_name: string;
  column_name: string;
  is_nullable: 'YES' | 'NO';
  data_type: string;
  udt_name: string;
};

// The client's runtime data model names each model's table and each field's column and type, but (Prisma 7's
// `prisma-client` generator no longer ships `Prisma.dmmf`) it leaves out optionality, list-ness and Unsupported(...)
// fields. Those come from the schema text the client was generated from, which it also carries.
type RuntimeModel = {
  dbName: string | null;
  fields: { name: string; kind: string; type: string; dbName?: string }[];
};
type ClientInternals = {
  _runtimeDataModel: { models: Record<string, RuntimeModel> };
  _engineConfig: { inlineSchema: string };
};

type Declared = { field: string; type: string; required: boolean; list: boolean; column: string };

/** Each model's scalar fields as written in the schema text: `name Type[]? @map("column") ...`. */
function declaredFields(schema: string): Map<string, Declared[]> {
  const models = new Map<string, Declared[]>();
  for (const [, model, body] of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const fields: Declared[] = [];
    for (const line of body!.split('\n').map((l) => l.trim())) {
      const m = /^(\w+)\s+(\w+(?:\("[^"]*"\))?)(\[\])?(\?)?(.*)$/.exec(line);
      if (!m) continue; // blank, comment (//, ///) or block attribute (@@...)
      const [, field, type, list, optional, rest] = m;
      const column = /@map\("([^"]+)"\)/.exec(rest!)?.[1] ?? field!;
      fields.push({ field: field!, type: type!, list: Boolean(list), required: !optional, column });
    }
    models.set(model!, fields);
  }
  return models;
}

function clientModels(client: PrismaClient): ModelSpec[] {
  const internals = client as unknown as ClientInternals;
  const declared = declaredFields(internals._engineConfig.inlineSchema);
  return Object.entries(internals._runtimeDataModel.models).map(([model, runtime]) => {
    const written = declared.get(model) ?? [];
    const scalar = runtime.fields.filter((f) => f.kind === 'scalar');
    const fields: FieldSpec[] = scalar.map((f) => {
      const d = written.find((w) => w.field === f.name);
      if (!d) throw new Error(`${model}.${f.name} is in the client's data model but not in its schema text`);
      return {
        model,
        field: f.name,
        column: f.dbName ?? f.name,
        type: f.type,
        required: d.required,
        list: d.list,
      };
    });
    // Unsupported("...") fields are not part of the client's data model at all; they still name a column.
    for (const d of written.filter((w) => w.type.startsWith('Unsupported('))) fields.push({ model, ...d });
    return { model, table: runtime.dbName ?? model, fields };
  });
}

/** The PostgreSQL types (udt_name) each Prisma scalar type may map to. */
const COMPATIBLE: Record<string, string[]> = {
  String: ['text', 'varchar', 'bpchar', 'uuid'],
  Int: ['int4', 'int2'],
  BigInt: ['int8'],
  Float: ['float8', 'float4'],
  Decimal: ['numeric'],
  Boolean: ['bool'],
  DateTime: ['timestamptz', 'timestamp', 'date'],
  Json: ['jsonb', 'json'],
  Bytes: ['bytea'],
};
const compatibleTypes = (type: string) => {
  const unsupported = /^Unsupported\("(\w+)"\)$/.exec(type);
  return unsupported ? [unsupported[1]!] : (COMPATIBLE[type] ?? []);
};

async function columnsOf(pool: Pool, tables: string[]): Promise<ColumnRow[]> {
  const { rows } = await pool.query<ColumnRow>(
    `SELECT table_name, column_name, is_nullable, data_type, udt_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ANY($1) ORDER BY table_name, ordinal_position`,
    [tables],
  );
  return rows;
}

/** Every difference between the models and the database, one readable line each; none when they match. */
async function schemaDrift(pool: Pool, models: ModelSpec[]): Promise<string[]> {
  const columns = await columnsOf(
    pool,
    models.map((m) => m.table),
  );
  const problems: string[] = [];
  for (const { model, table, fields } of models) {
    const tableColumns = columns.filter((c) => c.table_name === table);
    if (tableColumns.length === 0) {
      problems.push(`${model}: table ${table} does not exist`);
      continue;
    }
    for (const f of fields) {
      const where = `${model}.${f.field} (${table}.${f.column})`;
      const c = tableColumns.find((col) => col.column_name === f.column);
      if (!c) {
        problems.push(`${where}: no such column`);
        continue;
      }
      if ((c.data_type === 'ARRAY') !== f.list)
        problems.push(`${where}: list ${f.list} but column is ${c.data_type}`);
      const udt = c.data_type === 'ARRAY' ? c.udt_name.replace(/^_/, '') : c.udt_name;
      if (!compatibleTypes(f.type).includes(udt))
        problems.push(`${where}: ${f.type} does not fit column type ${udt}`);
      // A list is never null in Prisma; its column must be NOT NULL too.
      const required = f.required || f.list;
      if (required !== (c.is_nullable === 'NO')) {
        problems.push(
          `${where}: ${required ? 'required' : 'optional'} but column is ${c.is_nullable === 'NO' ? 'NOT NULL' : 'nullable'}`,
        );
      }
    }
    for (const c of tableColumns) {
      if (!fields.some((f) => f.column === c.column_name)) {
        problems.push(`${table}.${c.column_name}: column has no field in model ${model}`);
      }
    }
  }
  return problems;
}

let url: string;
let pool: Pool;
let client: PrismaClient;

beforeAll(async () => {
  url = await createTestDatabase();
  pool = createPool(url);
  await migrate(pool);
  client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
});

afterAll(async () => {
  await client?.$disconnect();
  await pool?.end();
});

describe('the Prisma schema against the migrated database', () => {
  it('has a model for every read-model table', () => {
    // Given the tables the app's read-model projectors write
    const consumers = [...skillswap.readModels, ...skillswap.modules.flatMap((m) => m.consumers ?? [])];
    const projectorTables = consumers.flatMap((c) => (c.kind === 'read-model' ? c.tables : []));
    expect(projectorTables).toEqual(
      expect.arrayContaining(['member_profiles', 'skill_catalogue', 'skill_members']),
    );
    // When we list the tables the Prisma models map to
    const modelTables = clientModels(client).map((m) => m.table);
    // Then each projector table has a model
    expect(projectorTables.filter((t) => !modelTables.includes(t))).toEqual([]);
  });

  it('was generated from the schema file as it is now (run `node scripts/prisma-generate.ts` if not)', async () => {
    const onDisk = declaredFields(await readFile(new URL('./schema.prisma', import.meta.url), 'utf8'));
    const inClient = declaredFields((client as unknown as ClientInternals)._engineConfig.inlineSchema);
    expect([...inClient.entries()]).toEqual([...onDisk.entries()]);
    expect(Object.keys(Prisma.ModelName).sort()).toEqual([...onDisk.keys()].sort());
  });

  it('matches every table, column, type and nullability exactly', async () => {
    // Given a freshly migrated database and the generated client's models
    const models = clientModels(client);
    expect(models.length).toBeGreaterThanOrEqual(4);
    // When we compare them with information_schema
    // Then there is no difference
    expect(await schemaDrift(pool, models)).toEqual([]);
  });

  it('notices a column that a migration added without a field (the check can fail)', async () => {
    // Given a column added behind the model's back, as a new migration would
    await pool.query('ALTER TABLE skill_members ADD COLUMN added_later text');
    try {
      // When we compare
      const problems = await schemaDrift(pool, clientModels(client));
      // Then the drift names the column
      expect(problems).toEqual(['skill_members.added_later: column has no field in model SkillMember']);
    } finally {
      await pool.query('ALTER TABLE skill_members DROP COLUMN added_later');
    }
  });

  it('notices a nullability or type mismatch', async () => {
    // Given the model as it is, and a column whose nullability and type changed (of a table no analytics view
    // reads: PostgreSQL refuses to change the type of a column a view uses)
    await pool.query(
      'ALTER TABLE reputation_ratings ALTER COLUMN skill DROP NOT NULL, ALTER COLUMN rating TYPE bigint',
    );
    try {
      const problems = await schemaDrift(pool, clientModels(client));
      expect(problems).toEqual([
        'ReputationRating.skill (reputation_ratings.skill): required but column is nullable',
        'ReputationRating.rating (reputation_ratings.rating): Int does not fit column type int8',
      ]);
    } finally {
      await pool.query(
        'ALTER TABLE reputation_ratings ALTER COLUMN skill SET NOT NULL, ALTER COLUMN rating TYPE integer',
      );
    }
  });
});

describe('the generated client through @prisma/adapter-pg', () => {
  it('reads every model', async () => {
    // Given one row in each read-model table, written the way the projectors write them
    await pool.query(
      `INSERT INTO member_profiles (member_id, email, display_name, timezone, joined_at, skills_to_teach, teach_keys,
         average_rating) VALUES ('m1', 'm1@example.com', 'Ada', 'Europe/Berlin', '2026-01-02T03:04:05Z',
         '{TypeScript}', '{typescript}', 4.5)`,
    );
    await pool.query(`INSERT INTO skill_catalogue (skill_key, name, teachers, first_seen_at)
      VALUES ('typescript', 'TypeScript', 1, now())`);
    await pool.query(
      `INSERT INTO skill_members (skill_key, member_id, teaches) VALUES ('typescript', 'm1', true)`,
    );

    // When each model's findMany runs
    const counts: Record<string, number> = {};
    for (const name of Object.values(Prisma.ModelName)) {
      const delegate = client[(name[0]!.toLowerCase() + name.slice(1)) as 'skillMember'] as unknown as {
        findMany: () => Promise<unknown[]>;
      };
      counts[name] = (await delegate.findMany()).length;
    }

    // Then every query works (the tables without rows answer none) and decodes the values
    expect(counts).toMatchObject({
      ProjectionCheckpoint: 0,
      MemberProfile: 1,
      SkillCatalogueEntry: 1,
      SkillMember: 1,
    });
    const [ada] = await client.memberProfile.findMany();
    expect(ada).toMatchObject({
      memberId: 'm1',
      bio: '',
      avatarUrl: null,
      skillsToTeach: ['TypeScript'],
      skillsToLearn: [],
      roles: ['member'],
      suspended: false,
      joinedAt: new Date('2026-01-02T03:04:05Z'),
    });
    expect(ada!.averageRating?.toString()).toBe('4.5');
    const teachers = await client.skillMember.findMany({ where: { skillKey: 'typescript', teaches: true } });
    expect(teachers.map((t) => t.memberId)).toEqual(['m1']);
  });
});
