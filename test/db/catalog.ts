// A normalized description of a database schema (tables, columns, types, defaults, constraints,
// indexes, enums), so two databases can be compared for exact equality whatever built them.
import pg from 'pg';

export async function describeSchema(url: string): Promise<Record<string, string[]>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = async (sql: string) => (await c.query(sql)).rows.map((r) => Object.values(r).join(' | '));
    return {
      columns: await q(`
        SELECT table_name, column_name, data_type, udt_name, is_nullable, coalesce(column_default, ''),
               coalesce(character_maximum_length::text, ''), coalesce(collation_name, ''), is_generated
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_tandem_migrations'
        ORDER BY table_name, column_name`),
      constraints: await q(`
        SELECT cl.relname, con.conname, pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
        WHERE n.nspname = 'public' AND cl.relname <> '_tandem_migrations' ORDER BY 1, 2`),
      indexes: await q(`
        SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' AND tablename <> '_tandem_migrations' ORDER BY 1, 2`),
      enums: await q(`
        SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY 1`),
      functions: await q(`
        SELECT p.proname, pg_get_function_identity_arguments(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' ORDER BY 1, 2`),
      triggers: await q(`SELECT event_object_table, trigger_name, action_statement FROM information_schema.triggers ORDER BY 1, 2`),
    };
  } finally {
    await c.end();
  }
}
