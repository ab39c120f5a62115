import type { DocumentStore } from '../ports/index.ts';
import { attachmentDisposition } from './s3-document-attachment.ts';
import { amzDateOf, sha256Hex, sigV4Signature } from './sigv4.ts';

export interface DownloadLinkSigner {
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Locally, the S3 endpoint (`AWS_ENDPOINT_URL_S3`), addressed by path; in AWS, the bucket's own host. */
  endpoint?: string;
  now?: () => Date;
}

/** RFC 3986 percent-encoding, as SigV4 wants it. */
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A presigned GetObject URL (SigV4 in the query string, as S3's presigner makes it), computed
 * with `node:crypto` alone: the functions that only hand out download links carry no S3 client.
 */
export function presignGet(signer: DownloadLinkSigner, key: string, options: { disposition: string; expiresInSeconds: number }): string {
  const { bucket, region, credentials } = signer;
  const base = signer.endpoint ? new URL(`${signer.endpoint.replace(/\/$/, '')}/${bucket}/`) : new URL(`https://${bucket}.s3.${region}.amazonaws.com/`);
  const path = `${base.pathname}${key.split('/').map(encode).join('/')}`;
  const amzDate = amzDateOf(signer.now?.() ?? new Date());
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;
  const query: Record<string, string> = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(options.expiresInSeconds),
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
    'X-Amz-SignedHeaders': 'host',
    'response-content-disposition': options.disposition,
    // As the SDK's GetObject asks since its checksums became the default: S3 answers them too.
    'x-amz-checksum-mode': 'ENABLED',
    'x-id': 'GetObject',
  };
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${encode(k)}=${encode(query[k] as string)}`)
    .join('&');
  const canonicalRequest = ['GET', path, canonicalQuery, `host:${base.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = sigV4Signature(credentials.secretAccessKey, { day, region, service: 's3' }, stringToSign);
  return `${base.protocol}//${base.host}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}

/**
 * The document store of a function that only reads documents (`documents: 'read'`): it signs
 * download links, nothing else. Uploads, inspection and deletion belong to a writer.
 */
export function s3DownloadLinks(signer: DownloadLinkSigner): DocumentStore {
  const readOnly = async (): Promise<never> => {
    throw new Error('this function only reads documents (documents: read): it signs download links, nothing else');
  };
  return {
    presignUpload: readOnly,
    inspect: readOnly,
    remove: readOnly,
    removeAll: readOnly,
    async presignDownload(key, filename, expiresInSeconds) {
      return presignGet(signer, key, { disposition: attachmentDisposition(filename), expiresInSeconds });
    },
  };
}
