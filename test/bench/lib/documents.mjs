// Document fixtures written straight to PostgreSQL in Tandem's storage format (a snapshot row is
// a Yjs update of the whole document): large or numerous documents that would take minutes to type.
import { join } from 'node:path';
import * as Y from 'yjs';
import { ROOT } from './servers.mjs';

const LINE = 'The quick brown fox jumps over the lazy dog while the team edits the same page together. ';

/** A TipTap-shaped document (paragraphs in the `default` fragment) whose encoded state is ≥ `bytes`. */
export function buildState(bytes) {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment('default');
  // One insert per batch: inserting at an index walks the list, so one call per paragraph is quadratic.
  const add = (paragraphs) => {
    for (let done = 0; done < paragraphs; done += 1000) {
      const batch = Array.from({ length: Math.min(1000, paragraphs - done) }, () => {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText(LINE.repeat(2))]);
        return p;
      });
      fragment.insert(fragment.length, batch);
    }
  };
  add(10);
  const perParagraph = Y.encodeStateAsUpdate(doc).length / 10;
  // Encoding is linear in the document: estimate once, then top up, instead of re-encoding per batch.
  add(Math.max(0, Math.ceil(bytes / perParagraph) - 10));
  let state = Y.encodeStateAsUpdate(doc);
  while (state.length < bytes) {
    add(Math.ceil((bytes - state.length) / perParagraph) + 1);
    state = Y.encodeStateAsUpdate(doc);
  }
  doc.destroy();
  return state;
}

/** Stores `state` as compaction would: in parts of the server's snapshot part size when it is large. */
export async function putSnapshot(client, documentId, state) {
  const [{ splitUpdate }, { SNAPSHOT_PART_BYTES }] = await Promise.all([serverModule('state-parts.js'), serverModule('document-store.js')]);
  const parts = splitUpdate(state, SNAPSHOT_PART_BYTES);
  return client.query(
    `INSERT INTO "DocumentSnapshot" ("documentId", state, parts, "upToUpdateId", size, "updatedAt") VALUES ($1, $2, $3, 0, $4, now())
     ON CONFLICT ("documentId") DO UPDATE SET state = EXCLUDED.state, parts = EXCLUDED.parts, size = EXCLUDED.size, "updatedAt" = now()`,
    [documentId, Buffer.from(parts[0]), parts.slice(1).map((p) => Buffer.from(p)), parts.reduce((n, p) => n + p.length, 0)],
  );
}

const serverModule = (file) => import(join(ROOT, 'apps', 'server', 'dist', 'core', 'collab', file));

/** `count` documents in a workspace, each with the same small content. Returns their ids. */
export async function insertDocuments(client, { workspaceId, createdById, count, state }) {
  const { rows } = await client.query(
    `INSERT INTO "Document" (id, "workspaceId", title, rank, "createdById", "updatedAt")
     SELECT gen_random_uuid(), $1, 'Bench page ' || g, lpad(g::text, 8, '0'), $2, now() FROM generate_series(1, $3) g
     RETURNING id`,
    [workspaceId, createdById, count],
  );
  await client.query(
    `INSERT INTO "DocumentSnapshot" ("documentId", state, "upToUpdateId", size, "updatedAt")
     SELECT id, $2, 0, $3, now() FROM unnest($1::uuid[]) AS id`,
    [rows.map((r) => r.id), Buffer.from(state), state.length],
  );
  return rows.map((r) => r.id);
}
