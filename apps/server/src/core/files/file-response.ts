// How stored bytes go out. Only raster images, audio/video and plain text may show inline; anything
// a browser could run (HTML, SVG, XML, scripts, unknown types) is an attachment. Every file
// response carries nosniff and a CSP that sandboxes it, so even a file opened directly runs nothing.
import { INLINE_SAFE_MIME } from '@tandem/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../base/errors/app-error.js';
import type { ByteRange, ObjectStorage } from '../../base/storage/object-storage.js';
import { contentDisposition } from './file-names.js';

export const FILE_CSP = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox";

/** The single byte range a `Range` header asks for; null for the whole file; 'unsatisfiable' when out of bounds. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // several ranges or a malformed one: the whole file
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export async function sendStored(
  req: FastifyRequest,
  reply: FastifyReply,
  storage: ObjectStorage,
  o: { key: string; size: number; mime: string; name: string; etag: string },
): Promise<void> {
  const range = parseRange(req.headers.range, o.size);
  if (range === 'unsatisfiable') {
    throw new AppError('range_not_satisfiable', 'The requested range is outside the file', undefined, {
      'Content-Range': `bytes */${o.size}`,
    });
  }
  const body = req.headers['if-none-match'] === `"${o.etag}"` ? null : await storage.get(o.key, range ?? undefined);
  const inline = INLINE_SAFE_MIME.has(o.mime);
  void reply
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', FILE_CSP)
    .header('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', o.name))
    .header('Content-Type', inline ? (o.mime === 'text/plain' ? 'text/plain; charset=utf-8' : o.mime) : 'application/octet-stream')
    .header('Cache-Control', 'private, max-age=300')
    .header('ETag', `"${o.etag}"`)
    .header('Accept-Ranges', 'bytes');
  if (!body) {
    await reply.status(304).send();
    return;
  }
  if (range) {
    void reply
      .status(206)
      .header('Content-Range', `bytes ${range.start}-${range.end}/${o.size}`)
      .header('Content-Length', String(range.end - range.start + 1));
  } else {
    void reply.status(200).header('Content-Length', String(o.size));
  }
  await reply.send(body);
}
