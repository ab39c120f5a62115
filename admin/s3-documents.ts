import type { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { s3DocumentStore } from '../shared/adapters/s3-document-store.ts';
import type { AdminDocumentStore } from './use-cases/context.ts';

/** S3 answers 404 to a missing key: the SDK names it `NoSuchKey`. */
const isMissing = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
};

/**
 * The documents' bucket as the CLI uses it: the functions' adapter (purge: `removeAll`; the scan's
 * verdict: `inspect`), and a GetObject that hands the body over as it arrives, to be written to a
 * file without holding it whole. `scanned`: read GuardDuty's tag on `inspect` (a deployed stage; the
 * local S3 scans nothing).
 */
export function s3AdminDocuments(client: S3Client, bucket: string, options: { scanned: boolean }): AdminDocumentStore {
  return {
    ...s3DocumentStore(client, bucket, options),
    async download(key) {
      try {
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!got.Body) return undefined;
        return { size: got.ContentLength ?? 0, body: got.Body as Readable };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
  };
}

/** The client for the bucket: path-style at a local endpoint (no bucket subdomain on 127.0.0.1). */
export function adminS3Client(config: Record<string, unknown>, endpoint: string | undefined): S3Client {
  return new S3Client({ ...config, ...(endpoint ? { endpoint, forcePathStyle: true } : {}), maxAttempts: 3 });
}
