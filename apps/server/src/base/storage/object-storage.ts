// Stored bytes: one interface, two adapters (a local directory under TANDEM_DATA_DIR by default,
// S3/MinIO when S3_* is set). Keys are made by the server (content addresses), never from client
// names. The rest of the code asks for `ObjectStorage` and never knows which adapter runs.
import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  size: number;
  /** When the object was last written (listing and stat; used to spare fresh uploads from cleanup). */
  modifiedAt?: Date;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export abstract class ObjectStorage {
  abstract readonly kind: 'local' | 's3';
  /** Writes `body` under `key` (replacing nothing: an existing key is kept as it is). */
  abstract put(key: string, body: Readable, size?: number): Promise<StoredObject>;
  /** The object's bytes (or a range of them); rejects with AppError not_found when absent. */
  abstract get(key: string, range?: ByteRange): Promise<Readable>;
  /** Size of the object, or null when absent. */
  abstract stat(key: string): Promise<StoredObject | null>;
  /** Removes the object; absent keys are not an error. */
  abstract delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix` (for backups and orphan cleanup). */
  abstract list(prefix?: string): AsyncIterable<StoredObject>;
  /**
   * Gives the object at `from` the key `to` and removes `from`. When `to` already exists it is kept
   * as it is (identical content under a content address) and `from` is simply removed.
   */
  abstract move(from: string, to: string): Promise<void>;
  /** Throws when the store cannot be reached (health checks, doctor). */
  abstract check(): Promise<void>;
}

/** Keys are server-made: lowercase letters, digits, `/`, `-`, `_` and `.`, no `..`, no leading `/`. */
export function assertKey(key: string): void {
  if (!/^[a-z0-9][a-z0-9/_.-]*$/.test(key) || key.includes('..') || key.includes('//') || key.length > 512) {
    throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
  }
}
