// The database half of a backup: every table of the schema copied out inside one REPEATABLE READ
// transaction (a consistent snapshot while the server keeps writing), and copied back in.

import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

export interface TableDump {
  name: string;
  columns: string[];
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Every table of the public schema with its columns in order. */
export async function listTables(client: pg.ClientBase): Promise<TableDump[]> {
  const { rows } = await client.query<{ table: string; columns: string[] }>(
    `SELECT c.relname AS table, array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE c.relkind = 'r'
      GROUP BY c.relname ORDER BY c.relname`,
  );
  return rows.map((r) => ({ name: r.table, columns: r.columns }));
}

/** Copies one table out in PostgreSQL's text COPY format. */
export async function copyOut(client: pg.ClientBase, table: TableDump, into: Writable): Promise<void> {
  const cols = table.columns.map(ident).join(', ');
  await pipeline(client.query(copyTo(`COPY ${ident(table.name)} (${cols}) TO STDOUT`)) as Readable, into);
}

export async function copyIn(client: pg.ClientBase, table: TableDump, from: Readable): Promise<void> {
  const cols = table.columns.map(ident).join(', ');
  await pipeline(from, client.query(copyFrom(`COPY ${ident(table.name)} (${cols}) FROM STDIN`)));
}

/** Drops every table, enum type and function of the public schema (extensions' own objects stay). */
export async function dropSchemaObjects(client: pg.ClientBase): Promise<void> {
  const tables = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
  if (tables.rowCount) await client.query(`DROP TABLE ${tables.rows.map((t) => ident(t.name)).join(', ')} CASCADE`);
  const fns = await client.query<{ sig: string }>(
    `SELECT p.oid::regprocedure::text AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
  );
  for (const f of fns.rows) await client.query(`DROP FUNCTION IF EXISTS ${f.sig} CASCADE`);
  const types = await client.query<{ name: string }>(
    `SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' AND t.typtype = 'e'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')`,
  );
  for (const t of types.rows) await client.query(`DROP TYPE IF EXISTS ${ident(t.name)} CASCADE`);
}

/**
 * Loads rows without ordering them by their references: foreign keys are dropped for the load and
 * added back (and so checked) before the transaction commits; user triggers stay off meanwhile.
 */
export async function withConstraintsDeferred(client: pg.ClientBase, tables: string[], load: () => Promise<void>): Promise<void> {
  const { rows: fks } = await client.query<{ table: string; name: string; def: string }>(
    `SELECT c.conrelid::regclass::text AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = 'public' AND c.contype = 'f'`,
  );
  for (const fk of fks) await client.query(`ALTER TABLE ${fk.table} DROP CONSTRAINT ${ident(fk.name)}`);
  for (const t of tables) await client.query(`ALTER TABLE ${ident(t)} DISABLE TRIGGER USER`);
  await load();
  for (const t of tables) await client.query(`ALTER TABLE ${ident(t)} ENABLE TRIGGER USER`);
  for (const fk of fks) await client.query(`ALTER TABLE ${fk.table} ADD CONSTRAINT ${ident(fk.name)} ${fk.def}`);
  // Identity/serial columns continue after the restored rows.
  const { rows: seqs } = await client.query<{ table: string; column: string; seq: string }>(
    `SELECT c.relname AS table, a.attname AS column, pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS seq
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relkind = 'r' AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL`,
  );
  for (const s of seqs) {
    await client.query(`SELECT setval($1::regclass, COALESCE((SELECT max(${ident(s.column)}) FROM ${ident(s.table)}), 0) + 1, false)`, [
      s.seq,
    ]);
  }
}
