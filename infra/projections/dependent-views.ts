import type { PoolClient } from '../db/pool.ts';

// A view is bound to its tables by OID, not by name: a rebuild that swaps a table (DROP TABLE, then the fresh copy
// moved in under the same name) is refused while a view reads the old one, and the view would not see the new
// one anyway. So the swap takes the views on its tables (and views on those views) down and puts them back, from
// their own definitions, with their options, owner, privileges and comments, inside the swap's transaction: a
// reader of a view sees the old tables or the new ones, never a missing view.

export type DependentView = {
  name: string;
  definition: string;
  options: string[];
  owner: string;
  grants: string[];
  comments: string[];
  depth: number;
};

const quote = (ident: string) => `"${ident.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Every view that reads `tables` (in public), directly or through other views, deepest last. */
export async function dependentViews(client: PoolClient, tables: string[]): Promise<DependentView[]> {
  const { rows: before } = await client.query<{ path: string }>(
    `SELECT current_setting('search_path') AS path`,
  );
  // With nothing but pg_catalog on the path, the definitions name every table with its schema: once the fresh
  // tables have taken the old ones' names, the same text reads them.
  await client.query(`SELECT set_config('search_path', 'pg_catalog', true)`);
  try {
    const { rows } = await client.query<{
      oid: number;
      name: string;
      definition: string;
      options: string[] | null;
      owner: string;
      comment: string | null;
      depth: number;
    }>(
      `WITH RECURSIVE readers(oid, depth) AS (
         SELECT r.ev_class, 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
          WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
            AND d.refobjid = ANY (SELECT ('public.' || quote_ident(t))::regclass FROM unnest($1::text[]) t)
            AND r.ev_class <> d.refobjid
         UNION
         SELECT r.ev_class, readers.depth + 1 FROM readers
           JOIN pg_depend d ON d.refobjid = readers.oid AND d.refclassid = 'pg_class'::regclass
                           AND d.classid = 'pg_rewrite'::regclass
           JOIN pg_rewrite r ON r.oid = d.objid AND r.ev_class <> readers.oid
          WHERE readers.depth < 32
       )
       SELECT c.oid::int AS oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name,
              pg_get_viewdef(c.oid) AS definition, c.reloptions AS options,
              pg_get_userbyid(c.relowner) AS owner, obj_description(c.oid, 'pg_class') AS comment,
              max(readers.depth)::int AS depth
         FROM readers JOIN pg_class c ON c.oid = readers.oid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'v'
        GROUP BY c.oid, n.nspname, c.relname
        ORDER BY depth, name`,
      [tables],
    );
    const views: DependentView[] = [];
    for (const v of rows) {
      const { rows: acl } = await client.query<{ grant: string }>(
        `SELECT format('GRANT %s%s ON %s TO %s%s', a.privilege_type,
                       coalesce(' (' || quote_ident(att.attname) || ')', ''), $2::text,
                       CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                       CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) AS grant
           FROM (SELECT NULL::name AS attname, c.relacl AS acl FROM pg_class c WHERE c.oid = $1
                 UNION ALL
                 SELECT attname, attacl FROM pg_attribute WHERE attrelid = $1 AND attacl IS NOT NULL) att,
                aclexplode(att.acl) a
          WHERE a.grantee <> (SELECT relowner FROM pg_class WHERE oid = $1)`,
        [v.oid, v.name],
      );
      const { rows: columns } = await client.query<{ comment: string }>(
        `SELECT format('COMMENT ON COLUMN %s.%s IS %L', $2::text, quote_ident(attname), col_description($1, attnum))
                AS comment
           FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND col_description($1, attnum) IS NOT NULL`,
        [v.oid, v.name],
      );
      views.push({
        name: v.name,
        definition: v.definition,
        options: v.options ?? [],
        owner: v.owner,
        grants: acl.map((a) => a.grant),
        comments: [
          ...(v.comment === null ? [] : [`COMMENT ON VIEW ${v.name} IS ${literal(v.comment)}`]),
          ...columns.map((c) => c.comment),
        ],
        depth: v.depth,
      });
    }
    return views;
  } finally {
    await client.query(`SELECT set_config('search_path', $1, true)`, [before[0]!.path]);
  }
}

/** Drops the views, readers of other views first. Waits, like any DDL, for queries that are reading them. */
export async function dropViews(client: PoolClient, views: DependentView[]): Promise<void> {
  for (const v of [...views].sort((a, b) => b.depth - a.depth)) await client.query(`DROP VIEW ${v.name}`);
}

/** Creates the views again as they were, views read by other views first. */
export async function recreateViews(client: PoolClient, views: DependentView[]): Promise<void> {
  const { rows } = await client.query<{ me: string }>('SELECT current_user AS me');
  for (const v of [...views].sort((a, b) => a.depth - b.depth)) {
    const options = v.options.length > 0 ? ` WITH (${v.options.join(', ')})` : '';
    await client.query(`CREATE VIEW ${v.name}${options} AS ${v.definition}`);
    if (v.owner !== rows[0]!.me) await client.query(`ALTER VIEW ${v.name} OWNER TO ${quote(v.owner)}`);
    for (const statement of [...v.grants, ...v.comments]) await client.query(statement);
  }
}
