import type { Config } from '../config/load.ts';
import type { DocumentStore } from '../ports/index.ts';

/**
 * The documents in the S3 bucket `DOCUMENTS_BUCKET` (`wirePorts(…, { documents: s3 })`). Locally
 * `AWS_ENDPOINT_URL_S3` points the client at the local server, addressed by path (no bucket
 * subdomain on 127.0.0.1); the links it signs then lead there too.
 */
export async function s3(config: Config): Promise<DocumentStore> {
  const [{ S3Client }, { s3DocumentStore }] = await Promise.all([import('@aws-sdk/client-s3'), import('./s3-document-store.ts')]);
  const bucket = config.documentsBucket;
  if (!bucket) throw new Error('DOCUMENTS_BUCKET must be set to use the documents port');
  const client = new S3Client({
    forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 },
  });
  return s3DocumentStore(client, bucket, { scanned: config.documentsScanned });
}
