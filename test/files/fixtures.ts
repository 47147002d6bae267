// Shared set-up for the files tests: a workspace with an editor and a viewer, a task and a document,
// and images made with sharp on the spot.

import sharp from 'sharp';
import { ImagePipeline } from '../../apps/server/src/core/files/image-pipeline.js';
import { addMember } from '../support/membership.js';
import type { TestServer } from '../support/server.js';

export async function filesTeam(server: TestServer) {
  const owner = await server.user('owner');
  const editor = await server.user('editor');
  const viewer = await server.user('viewer');
  const outsider = await server.user('outsider');
  const ws = await owner.workspaces.create({ name: 'Files' });
  await addMember(owner, ws.id, editor, 'editor');
  await addMember(owner, ws.id, viewer, 'viewer');
  const project = await owner.tracking.projects.create(ws.id, { name: 'Files', key: `F${Math.floor(Math.random() * 1e6)}` });
  const task = await owner.tracking.tasks.create(project.id, { title: 'Has attachments' });
  const doc = await owner.documents.create(ws.id, { title: 'Has images' });
  return { owner, editor, viewer, outsider, workspaceId: ws.id, projectId: project.id, taskId: task.id, documentId: doc.id };
}

/** A photo-like image: a gradient with a few shapes, so resized copies keep a similar dHash. */
export async function photo(
  width = 640,
  height = 480,
  opts: { hue?: number; exif?: Record<string, Record<string, string>>; orientation?: number } = {},
) {
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="hsl(${opts.hue ?? 200},70%,20%)"/><stop offset="1" stop-color="hsl(${opts.hue ?? 200},70%,85%)"/></linearGradient></defs>
      <rect width="100%" height="100%" fill="url(#g)"/>
      <circle cx="${width * 0.3}" cy="${height * 0.5}" r="${height * 0.25}" fill="#fff"/>
      <rect x="${width * 0.6}" y="${height * 0.2}" width="${width * 0.25}" height="${height * 0.5}" fill="#222"/>
    </svg>`,
  );
  let img = sharp(svg).jpeg({ quality: 90 });
  if (opts.exif || opts.orientation)
    img = img.withMetadata({ ...(opts.orientation ? { orientation: opts.orientation } : {}), ...(opts.exif ? { exif: opts.exif } : {}) });
  return img.toBuffer();
}

export const pipelineIdle = (server: TestServer) => server.app.get(ImagePipeline).idle();

/** A raw multipart POST /api/v1/files (for bodies the SDK would never send). */
export async function rawUpload(
  server: TestServer,
  token: string,
  body: Buffer | string,
  boundary = 'XyZ',
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${server.url}/api/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers },
    body,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null };
}

export function multipart(fields: Record<string, string>, file: { name: string; type?: string; bytes: Buffer }, boundary = 'XyZ') {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
    ),
  );
  parts.push(file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(parts);
}
