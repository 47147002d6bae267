// A document and everything under it as a zip of Markdown, streamed as it is written: one
// `<title>.md` per document, its children in the folder `<title>/`, and its uploaded files in
// `<title>.files/`, with the Markdown's file links (`/api/v1/files/<id>`) pointing at those copies.
// Reading the root is enough: a share or a workspace role covers the subtree. Trashed documents
// stay out. Bytes are read from storage one file at a time, while the zip is being sent.
import { Injectable } from '@nestjs/common';
import yazl from 'yazl';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { ObjectStorage } from '../../base/storage/object-storage.js';
import type { Actor } from '../auth/current-user.js';
import { cleanFileName } from '../files/file-names.js';
import { PermissionPolicy } from '../permission/policy.js';
import { DocumentHistoryService } from './document-history.service.js';

/** A subtree larger than this is exported in parts (from lower documents). */
export const MAX_EXPORT_DOCUMENTS = 2_000;
/** Names in the archive: safe on Windows, macOS and Linux, and short enough for deep trees. */
const MAX_NAME = 80;

export function archiveName(title: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters never belong in a path
  const name = cleanFileName(title.replace(/[<>:"/\\|?*\u0000-\u001f]/g, ' ').replace(/\s+/g, ' ')).replace(/[. ]+$/, '');
  const chars = Array.from(name);
  const short = (chars.length > MAX_NAME ? chars.slice(0, MAX_NAME).join('').trimEnd() : name) || 'Untitled';
  // Names Windows reserves for devices.
  return /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(short) ? `_${short}` : short;
}

/** `name`, or `name (2)`, `name (3)` … : unique among `taken` (case-insensitively). */
function unique(name: string, taken: Set<string>, ext = ''): string {
  let candidate = name + ext;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${name} (${n})${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

interface Node {
  id: string;
  title: string;
  parentId: string | null;
  updatedAt: Date;
}

@Injectable()
export class DocumentZipExport {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly storage: ObjectStorage,
    private readonly history: DocumentHistoryService,
  ) {}

  /** Checks access and gathers the subtree; the returned function streams the zip. */
  async prepare(actor: Actor, rootId: string): Promise<{ fileName: string; stream: () => NodeJS.ReadableStream }> {
    const access = await this.policy.authorize(actor.id, { document: rootId }, 'document.read');
    if (access.trashed) throw AppError.notFound('Document');
    const nodes = await this.prisma.$queryRaw<Node[]>`
      WITH RECURSIVE down AS (
        SELECT id, title, "parentId", "updatedAt", rank, 0 AS depth FROM "Document" WHERE id = ${rootId}::uuid AND "deletedAt" IS NULL
        UNION ALL
        SELECT d.id, d.title, d."parentId", d."updatedAt", d.rank, down.depth + 1 FROM "Document" d JOIN down ON d."parentId" = down.id
        WHERE d."deletedAt" IS NULL AND down.depth < 100
      ) SELECT id, title, "parentId", "updatedAt" FROM down ORDER BY depth, rank, id LIMIT ${MAX_EXPORT_DOCUMENTS + 1}`;
    if (nodes.length > MAX_EXPORT_DOCUMENTS)
      throw AppError.badRequest(`More than ${MAX_EXPORT_DOCUMENTS} documents: export a part of this tree at a time`);
    const files = await this.prisma.file.findMany({
      where: { documentId: { in: nodes.map((n) => n.id) }, deletedAt: null },
      select: { id: true, documentId: true, name: true, storageKey: true, createdAt: true },
      orderBy: { createdAt: 'asc' },
    });
    const root = nodes.find((n) => n.id === rootId)!;
    return { fileName: `${archiveName(root.title)}.zip`, stream: () => this.write(actor, root, nodes, files) };
  }

  private write(
    actor: Actor,
    root: Node,
    nodes: Node[],
    files: { id: string; documentId: string | null; name: string; storageKey: string; createdAt: Date }[],
  ): NodeJS.ReadableStream {
    const zip = new yazl.ZipFile();
    zip.on('error', (err: Error) => zip.outputStream.emit('error', err));
    // Siblings in their tree order (the query's order), so a name clash always resolves the same way.
    const children = new Map<string, Node[]>();
    for (const n of nodes) if (n.parentId) children.set(n.parentId, [...(children.get(n.parentId) ?? []), n]);
    const add = async (node: Node, folder: string, taken: Set<string>) => {
      const base = unique(archiveName(node.title), taken);
      taken.add(`${base}.md`.toLowerCase());
      // Each document's files, under names unique in its `.files` folder; links point at them.
      const own = files.filter((f) => f.documentId === node.id);
      const fileNames = new Set<string>();
      const paths = new Map<string, string>();
      for (const f of own) {
        const name = cleanFileName(f.name);
        const dot = name.lastIndexOf('.');
        const stored = dot > 0 ? unique(name.slice(0, dot), fileNames, name.slice(dot)) : unique(name, fileNames);
        paths.set(f.id, `${base}.files/${stored}`);
        zip.addReadStreamLazy(`${folder}${base}.files/${stored}`, { mtime: f.createdAt }, (cb) => {
          this.storage.get(f.storageKey).then(
            (s) => cb(null, s),
            (err) => cb(err, undefined as never),
          );
        });
      }
      let markdown = (await this.history.content(actor, node.id, 'markdown')).body as string;
      markdown = markdown.replace(/\/api\/v1\/files\/([0-9a-f-]{36})/gi, (m, id: string) => {
        const p = paths.get(id.toLowerCase());
        return p ? encodeURI(p) : m;
      });
      zip.addBuffer(Buffer.from(markdown, 'utf8'), `${folder}${base}.md`, { mtime: node.updatedAt });
      const kids = children.get(node.id) ?? [];
      if (kids.length) {
        const inner = new Set<string>();
        for (const k of kids) await add(k, `${folder}${base}/`, inner);
      }
    };
    add(root, '', new Set())
      .then(() => zip.end())
      .catch((err) => {
        // Headers are sent: the only honest signal left is a broken download.
        zip.outputStream.emit('error', err);
      });
    return zip.outputStream;
  }
}
