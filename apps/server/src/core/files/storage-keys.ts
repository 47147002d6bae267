// Server-made storage keys. Bytes live at their SHA-256 (identical bytes are stored once);
// thumbnails at the SHA-256 of their source; uploads in flight under a random temporary key.
import { randomUUID } from 'node:crypto';

export const BLOB_PREFIX = 'blobs/';
export const THUMB_PREFIX = 'thumbs/';
export const TMP_PREFIX = 'tmp/';

export const blobKey = (sha256: string) => `${BLOB_PREFIX}${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
export const thumbKey = (sha256: string) => `${THUMB_PREFIX}${sha256.slice(0, 2)}/${sha256}.webp`;
export const tmpKey = () => `${TMP_PREFIX}${randomUUID()}`;
