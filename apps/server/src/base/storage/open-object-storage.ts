import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { LocalObjectStorage } from './local-storage.js';
import type { ObjectStorage } from './object-storage.js';
import { S3ObjectStorage } from './s3-storage.js';

/** The store this node uses: S3 when S3_* is configured, else the local directory under the data dir. */
export async function openObjectStorage(config: Config): Promise<ObjectStorage> {
  if (config.s3) return new S3ObjectStorage(config.s3).open();
  const local = new LocalObjectStorage(join(config.dataDir, 'files'));
  await local.check();
  return local;
}
