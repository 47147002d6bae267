// Object storage on S3 (MinIO, AWS or any S3-compatible service) through the minio client. Objects
// are written under a temporary key by the caller and moved to their content address, so a key is
// complete or absent; reads stream through the server so our safety headers always apply.
import type { Readable } from 'node:stream';
import { Client } from 'minio';
import type { Config } from '../config/config.js';
import { AppError } from '../errors/app-error.js';
import { assertKey, type ByteRange, ObjectStorage, type StoredObject } from './object-storage.js';

type S3Settings = NonNullable<Config['s3']>;

/** Multipart part size for uploads: also the most one upload holds in memory. */
const PART_BYTES = 16 * 1024 * 1024;

const missing = (err: unknown) => {
  const code = (err as { code?: string }).code;
  return code === 'NotFound' || code === 'NoSuchKey' || code === 'NoSuchObject';
};

export class S3ObjectStorage extends ObjectStorage {
  readonly kind = 's3' as const;
  private readonly client: Client;
  private readonly bucket: string;

  constructor(s3: S3Settings) {
    super();
    const url = new URL(s3.endpoint);
    const useSSL = url.protocol === 'https:';
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
      region: s3.region,
      pathStyle: true,
    });
    this.bucket = s3.bucket;
  }

  /** Creates the bucket when it does not exist yet (first start). */
  async open(): Promise<this> {
    if (!(await this.client.bucketExists(this.bucket))) {
      await this.client.makeBucket(this.bucket).catch(async (err) => {
        // Another node may have created it at the same moment.
        if (!(await this.client.bucketExists(this.bucket))) throw err;
      });
    }
    return this;
  }

  async put(key: string, body: Readable, _size?: number): Promise<StoredObject> {
    assertKey(key);
    const existing = await this.stat(key);
    if (existing) {
      body.resume();
      return existing;
    }
    // At most one part in memory: a body shorter than a part is one PUT; a longer one goes up as a
    // multipart upload part by part (the minio client alone would buffer ~500 MB parts for a
    // stream of unknown size).
    let uploadId: string | null = null;
    const etags: { part: number; etag: string }[] = [];
    let pending: Buffer[] = [];
    let pendingSize = 0;
    const flushPart = async () => {
      uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, key, {});
      const part = etags.length + 1;
      const payload = Buffer.concat(pending);
      pending = [];
      pendingSize = 0;
      const res = await this.client.uploadPart(
        { bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber: part, headers: { 'Content-Length': payload.length } },
        payload,
      );
      etags.push({ part, etag: res.etag });
    };
    try {
      for await (const chunk of body) {
        pending.push(chunk as Buffer);
        pendingSize += (chunk as Buffer).length;
        if (pendingSize >= PART_BYTES) await flushPart();
      }
      if (uploadId === null) {
        await this.client.putObject(this.bucket, key, Buffer.concat(pending));
      } else {
        if (pendingSize > 0) await flushPart();
        await this.client.completeMultipartUpload(this.bucket, key, uploadId, etags);
      }
    } catch (err) {
      if (uploadId) await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => undefined);
      throw err;
    }
    const s = await this.stat(key);
    if (!s) throw new Error(`object ${key} missing right after it was written`);
    return s;
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertKey(key);
    try {
      return range
        ? await this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1)
        : await this.client.getObject(this.bucket, key);
    } catch (err) {
      if (missing(err)) throw AppError.notFound('File');
      throw err;
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    assertKey(key);
    try {
      const s = await this.client.statObject(this.bucket, key);
      return { key, size: s.size, modifiedAt: s.lastModified };
    } catch (err) {
      if (missing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.client.removeObject(this.bucket, key);
  }

  async move(from: string, to: string): Promise<void> {
    assertKey(from);
    assertKey(to);
    if (!(await this.stat(to))) {
      // The plain (x-amz-copy-source) form: S3, MinIO and s3rver all answer it.
      await this.client.copyObject(this.bucket, to, `/${this.bucket}/${from}`);
    }
    await this.client.removeObject(this.bucket, from);
  }

  async *list(prefix = ''): AsyncIterable<StoredObject> {
    const stream = this.client.listObjectsV2(this.bucket, prefix, true);
    for await (const item of stream as AsyncIterable<{ name?: string; size: number; lastModified?: Date }>) {
      if (item.name) yield { key: item.name, size: item.size, modifiedAt: item.lastModified };
    }
  }

  async check(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) throw new Error(`bucket ${this.bucket} does not exist`);
  }
}
