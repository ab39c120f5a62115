import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { assertPortFree, closeServer, localCredentials, type RunningService } from './services.ts';
import { LOCAL_REGION } from './template.ts';

/**
 * The local stack's S3: s3rver (an S3-compatible server, objects on disk under `<dataDir>/s3`)
 * behind a checker of our own on the endpoint that functions and browsers use.
 *
 * s3rver accepts a presigned POST but enforces none of its policy: a file over the size range,
 * another key, another content type or a forged signature are all stored. S3 refuses each of
 * them, and the upload of documents relies on it; so the checker verifies every POST to the
 * bucket as S3 does (the policy's SigV4 signature with the local credentials, its expiration, each
 * condition against the form's fields and the real size of the file) and answers S3's own XML
 * errors. It also answers ListObjectVersions, which s3rver lacks, as S3 does for a bucket without
 * versioning (each object one version, `null`). Everything else passes through unchanged.
 */

const require = createRequire(import.meta.url);

export interface LocalS3 extends RunningService {
  /** The bucket, as the functions know it (`DOCUMENTS_BUCKET`). */
  bucket: string;
}

export interface LocalS3Options {
  dataDir: string;
  bucket: string;
  /** Origins a browser may post from (the local site), as the bucket's CORS rule in AWS. */
  allowedOrigins: readonly string[];
  port?: number;
  host?: string;
  /** The clock the policy's expiration is checked against (tests). */
  now?: () => Date;
}

/** The largest POST body the checker reads (S3's own limit is 5 GB; documents are a few MB). */
export const MAX_POST_BYTES = 64 * 1024 * 1024;

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

/** The bucket's CORS rule: the site's origins may POST (the upload) and GET (a download), nothing else. */
export function corsXml(origins: readonly string[]): string {
  const allowed = origins.map((o) => `<AllowedOrigin>${o}</AllowedOrigin>`).join('');
  return `<CORSConfiguration><CORSRule>${allowed}<AllowedMethod>POST</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><ExposeHeader>Location</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}

export async function startS3(options: LocalS3Options): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? (() => new Date());
  if (options.port) await assertPortFree(options.port, host);
  const directory = join(options.dataDir, 's3');
  await mkdir(directory, { recursive: true });

  // s3rver knows one key pair; the functions and the admin CLI sign with the stack's own.
  const accounts = require('s3rver/lib/models/account.js') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };
  accounts.DUMMY_ACCOUNT.createKeyPair(localCredentials.accessKeyId, localCredentials.secretAccessKey);
  const S3rver = require('s3rver') as S3rverClass;
  const inner = new S3rver({
    port: 0,
    address: host,
    directory,
    silent: true,
    // Path-style only: `127.0.0.1` has no bucket subdomains.
    vhostBuckets: false,
    configureBuckets: [{ name: options.bucket, configs: [corsXml(options.allowedOrigins)] }],
  });
  const { port: innerPort } = await inner.run();

  const forward = (req: IncomingMessage, res: ServerResponse, body?: { path: string; data?: Buffer; transform?: (xml: string) => string }) => {
    const headers: IncomingHttpHeaders = { ...req.headers, host: `${host}:${innerPort}` };
    if (body?.data) headers['content-length'] = String(body.data.length);
    const upstream = httpRequest({ host, port: innerPort, method: req.method, path: body?.path ?? req.url, headers }, (answer) => {
      if (!body?.transform || (answer.statusCode ?? 500) >= 300) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const text = body.transform?.(Buffer.concat(chunks).toString('utf8')) ?? '';
        res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      });
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) sendError(res, req, options.allowedOrigins, { status: 500, code: 'InternalError', message: error.message });
      else res.destroy(error);
    });
    if (body?.data) upstream.end(body.data);
    else if (body) upstream.end();
    else req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname.replace(/\/$/, '');
    if (req.method === 'POST' && path === `/${options.bucket}` && url.search === '') {
      readBody(req, MAX_POST_BYTES).then(
        (data) => {
          const refusal = checkPost({ contentType: req.headers['content-type'], body: data, bucket: options.bucket, now: now() });
          if (refusal) return sendError(res, req, options.allowedOrigins, refusal);
          forward(req, res, { path: req.url ?? '/', data });
        },
        () =>
          sendError(res, req, options.allowedOrigins, {
            status: 400,
            code: 'EntityTooLarge',
            message: 'Your proposed upload exceeds the maximum allowed size',
          }),
      );
      return;
    }
    if (req.method === 'GET' && path === `/${options.bucket}` && url.searchParams.has('versions')) {
      // ListObjects (v1, by marker): s3rver's v2 continuation tokens need a cipher Node 24 no longer has.
      const list = new URLSearchParams();
      const prefix = url.searchParams.get('prefix') ?? '';
      const keyMarker = url.searchParams.get('key-marker') ?? '';
      const maxKeys = url.searchParams.get('max-keys') ?? '1000';
      if (prefix) list.set('prefix', prefix);
      if (keyMarker) list.set('marker', keyMarker);
      list.set('max-keys', maxKeys);
      forward(req, res, { path: `/${options.bucket}?${list}`, transform: (xml) => asVersions(xml, { bucket: options.bucket, prefix, keyMarker, maxKeys }) });
      return;
    }
    forward(req, res);
  });
  server.keepAliveTimeout = 65_000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve((server.address() as AddressInfo).port));
  });
  return {
    url: `http://${host}:${port}`,
    port,
    bucket: options.bucket,
    async stop() {
      await closeServer(server);
      await inner.close();
    },
  };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new Error('too large');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------------------------------------
// The POST policy, checked as S3 checks it

export interface Refusal {
  status: number;
  code: string;
  message: string;
  /** Extra elements of the error document (e.g. `MaxSizeAllowed`). */
  details?: Record<string, string | number>;
}

export interface FormPart {
  name: string;
  filename?: string;
  data: Buffer;
}

const malformed: Refusal = {
  status: 400,
  code: 'MalformedPOSTRequest',
  message: 'The body of your POST request is not well-formed multipart/form-data.',
};

/** The parts of a `multipart/form-data` body, in order; `undefined` when it is not one. */
export function parseMultipart(contentType: string | undefined, body: Buffer): FormPart[] | undefined {
  const boundary = /^multipart\/form-data;.*\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const mark = boundary?.[1] ?? boundary?.[2];
  if (!mark) return undefined;
  const delimiter = Buffer.from(`--${mark}`);
  const between = Buffer.from(`\r\n--${mark}`);
  let pos = body.indexOf(delimiter);
  if (pos !== 0) return undefined;
  pos += delimiter.length;
  const parts: FormPart[] = [];
  for (;;) {
    const after = body.subarray(pos, pos + 2).toString('latin1');
    if (after === '--') return parts;
    if (after !== '\r\n') return undefined;
    const headerEnd = body.indexOf('\r\n\r\n', pos + 2);
    if (headerEnd < 0) return undefined;
    const headers = body.subarray(pos + 2, headerEnd).toString('utf8');
    const next = body.indexOf(between, headerEnd + 4);
    if (next < 0) return undefined;
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return undefined;
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), data: body.subarray(headerEnd + 4, next) });
    pos = next + between.length;
  }
}

/** SigV4 of a POST policy: the policy's base64 text signed with the key derived for its credential scope. */
export function signPolicy(policyBase64: string, secretAccessKey: string, date: string, region: string): string {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), 's3'), 'aws4_request');
  return createHmac('sha256', signingKey).update(policyBase64, 'utf8').digest('hex');
}

/** Form fields the policy need not name (S3's own list). */
const UNCONDITIONED = new Set(['policy', 'x-amz-signature', 'file']);

const policyFailed = (condition: unknown): Refusal => ({
  status: 403,
  code: 'AccessDenied',
  message: `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`,
});

/**
 * Why S3 would refuse this POST to `bucket`, or `undefined` when it would store the file: the
 * SigV4 signature of the policy (local credentials), its expiration, every condition (exact
 * values, `starts-with`, `content-length-range` against the file's real size) and no form field
 * the policy does not name.
 */
export function checkPost(input: { contentType: string | undefined; body: Buffer; bucket: string; now: Date }): Refusal | undefined {
  const parts = parseMultipart(input.contentType, input.body);
  if (!parts) return malformed;
  const fileIndex = parts.findIndex((p) => p.name === 'file');
  if (fileIndex < 0) return { status: 400, code: 'InvalidArgument', message: 'POST requires exactly one file upload per request.' };
  const file = parts[fileIndex] as FormPart;
  // S3 ignores what follows the file. Field names are case-insensitive.
  const fields = new Map<string, string>();
  for (const part of parts.slice(0, fileIndex)) fields.set(part.name.toLowerCase(), part.data.toString('utf8'));
  fields.set('bucket', input.bucket);

  const policyText = fields.get('policy');
  const signature = fields.get('x-amz-signature');
  const credential = fields.get('x-amz-credential');
  if (!policyText || !signature || !credential) return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
    return { status: 400, code: 'InvalidArgument', message: 'Unsupported x-amz-algorithm' };
  }
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (accessKeyId !== localCredentials.accessKeyId) {
    return { status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
  }
  if (!date || region !== LOCAL_REGION || service !== 's3' || terminator !== 'aws4_request') {
    return { status: 400, code: 'AuthorizationQueryParametersError', message: `Invalid credential scope: ${credential}` };
  }
  const expected = Buffer.from(signPolicy(policyText, localCredentials.secretAccessKey, date, region));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    };
  }

  let policy: { expiration?: unknown; conditions?: unknown };
  try {
    policy = JSON.parse(Buffer.from(policyText, 'base64').toString('utf8')) as typeof policy;
  } catch {
    return { status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid JSON.' };
  }
  const expiration = typeof policy.expiration === 'string' ? Date.parse(policy.expiration) : Number.NaN;
  if (!Array.isArray(policy.conditions) || Number.isNaN(expiration)) {
    return { status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Policy missing expiration or conditions.' };
  }
  if (expiration < input.now.getTime()) return { status: 403, code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' };

  const named = new Set<string>();
  for (const condition of policy.conditions as unknown[]) {
    if (Array.isArray(condition)) {
      const [op, subject, value] = condition as [unknown, unknown, unknown];
      if (op === 'content-length-range') {
        const [min, max] = [Number(subject), Number(value)];
        const size = file.data.length;
        if (size < min)
          return {
            status: 400,
            code: 'EntityTooSmall',
            message: 'Your proposed upload is smaller than the minimum allowed size',
            details: { ProposedSize: size, MinSizeAllowed: min },
          };
        if (size > max)
          return {
            status: 400,
            code: 'EntityTooLarge',
            message: 'Your proposed upload exceeds the maximum allowed size',
            details: { ProposedSize: size, MaxSizeAllowed: max },
          };
        continue;
      }
      const field = typeof subject === 'string' && subject.startsWith('$') ? subject.slice(1).toLowerCase() : undefined;
      if (!field || typeof value !== 'string' || (op !== 'eq' && op !== 'starts-with')) {
        return { status: 400, code: 'InvalidPolicyDocument', message: `Invalid Policy: Invalid Condition: ${JSON.stringify(condition)}` };
      }
      named.add(field);
      const actual = fields.get(field) ?? '';
      if (op === 'eq' ? actual !== value : !actual.startsWith(value)) return policyFailed(condition);
      continue;
    }
    if (typeof condition !== 'object' || condition === null) {
      return { status: 400, code: 'InvalidPolicyDocument', message: `Invalid Policy: Invalid Condition: ${JSON.stringify(condition)}` };
    }
    for (const [name, value] of Object.entries(condition)) {
      const field = name.toLowerCase();
      named.add(field);
      if (fields.get(field) !== String(value)) return policyFailed(['eq', `$${name}`, value]);
    }
  }
  const extra = [...fields.keys()].filter((f) => !named.has(f) && !UNCONDITIONED.has(f) && !f.startsWith('x-ignore-'));
  if (extra.length > 0) return { status: 403, code: 'AccessDenied', message: `Invalid according to Policy: Extra input fields: ${extra.join(', ')}` };
  return undefined;
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function sendError(res: ServerResponse, req: IncomingMessage, origins: readonly string[], refusal: Refusal): void {
  const details = Object.entries(refusal.details ?? {})
    .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
    .join('');
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${escapeXml(refusal.message)}</Message>${details}<RequestId>${requestId}</RequestId></Error>`;
  const origin = req.headers.origin;
  res.writeHead(refusal.status, {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
    // As S3 does when the bucket's CORS rule allows the origin: the page can read why it failed.
    ...(origin && origins.includes(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {}),
    Connection: 'close',
  });
  res.end(body);
}

/** s3rver's ListObjects answer as ListObjectVersions of an unversioned bucket: one `null` version an object. */
export function asVersions(listXml: string, q: { bucket: string; prefix: string; keyMarker: string; maxKeys: string }): string {
  const tag = (xml: string, name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];
  const contents = [...listXml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map((m) => m[1] ?? '');
  const truncated = tag(listXml, 'IsTruncated') === 'true';
  const versions = contents
    .map(
      (c) =>
        `<Version><Key>${tag(c, 'Key') ?? ''}</Key><VersionId>null</VersionId><IsLatest>true</IsLatest><LastModified>${tag(c, 'LastModified') ?? ''}</LastModified><ETag>${tag(c, 'ETag') ?? ''}</ETag><Size>${tag(c, 'Size') ?? '0'}</Size><StorageClass>STANDARD</StorageClass></Version>`,
    )
    .join('');
  const lastKey = contents.length > 0 ? (tag(contents[contents.length - 1] as string, 'Key') ?? '') : '';
  const next = truncated ? `<NextKeyMarker>${lastKey}</NextKeyMarker><NextVersionIdMarker>null</NextVersionIdMarker>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${escapeXml(q.bucket)}</Name><Prefix>${escapeXml(q.prefix)}</Prefix><KeyMarker>${escapeXml(q.keyMarker)}</KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>${escapeXml(q.maxKeys)}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${next}${versions}</ListVersionsResult>`;
}
