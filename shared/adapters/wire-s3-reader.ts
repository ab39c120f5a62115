import type { Config } from '../config/load.ts';
import type { DocumentStore } from '../ports/index.ts';
import { credentialsFromEnv } from './sigv4.ts';

/**
 * Download links only (`wirePorts(…, { documents: s3Reader })`), for the functions whose row says
 * `documents: 'read'`: signed with `node:crypto` and the function's own credentials, so that their
 * bundles carry no S3 client (about 200 KB).
 */
export async function s3Reader(config: Config): Promise<DocumentStore> {
  const { s3DownloadLinks } = await import('./s3-download-links.ts');
  const bucket = config.documentsBucket;
  if (!bucket) throw new Error('DOCUMENTS_BUCKET must be set to use the documents port');
  const env = process.env;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('AWS_REGION must be set to sign download links');
  return s3DownloadLinks({
    bucket,
    region,
    ...(env.AWS_ENDPOINT_URL_S3 ? { endpoint: env.AWS_ENDPOINT_URL_S3 } : {}),
    // Read at each link: the runtime's credentials are those of the function's role.
    get credentials() {
      return credentialsFromEnv();
    },
  });
}
