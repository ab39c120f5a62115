import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachmentDisposition, s3DocumentStore } from '../../../shared/adapters/s3-document-store.ts';
import type { DocumentStore } from '../../../shared/ports/index.ts';
import { checkPost, type LocalS3, startS3 } from '../../../local/s3.ts';
import { localCredentials } from '../../../local/services.ts';
import { LOCAL_REGION } from '../../../local/template.ts';

const BUCKET = 'coopfund-local-documents';
const SITE = 'http://localhost:3999';

let dataDir: string;
let s3: LocalS3 | undefined;
let client: S3Client;
let store: DocumentStore;
let clock: Date | undefined;

async function start(): Promise<LocalS3> {
  s3 = await startS3({ dataDir, bucket: BUCKET, allowedOrigins: [SITE], now: () => clock ?? new Date() });
  client = new S3Client({ endpoint: s3.url, forcePathStyle: true, region: LOCAL_REGION, credentials: localCredentials });
  store = s3DocumentStore(client, BUCKET, { scanned: false });
  return s3;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'coopfund-s3-'));
  clock = undefined;
  await start();
});
afterEach(async () => {
  client.destroy();
  await s3?.stop();
  s3 = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(491, 0x20)]);

/** What the page's script does: the presigned fields, then the file, posted to the presigned URL. */
async function post(upload: { url: string; fields: Record<string, string> }, file: Buffer, change: (form: FormData) => void = () => undefined) {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  change(form);
  form.append('file', new Blob([new Uint8Array(file)]), 'deliberation.pdf');
  return fetch(upload.url, { method: 'POST', body: form, redirect: 'manual', headers: { Origin: SITE } });
}

const presign = (key = 'applications/app-1/doc-1', extra: Partial<Parameters<DocumentStore['presignUpload']>[0]> = {}) =>
  store.presignUpload({ key, contentType: 'application/pdf', maxBytes: 1000, expiresInSeconds: 300, ...extra });

describe('the local S3 checks a presigned POST as S3 does', () => {
  it('accepts the upload the adapter presigned, at the local endpoint, and the browser may read the answer', async () => {
    const upload = await presign();
    expect(upload.url).toBe(`${s3?.url}/${BUCKET}`);
    expect(upload.url.startsWith('http://127.0.0.1:')).toBe(true);
    const answer = await post(upload, PDF);
    expect(answer.status).toBe(201);
    expect(answer.headers.get('access-control-allow-origin')).toBe(SITE);
    const stored = await store.inspect('applications/app-1/doc-1', 5);
    expect(stored).toEqual({ size: PDF.length, contentType: 'application/pdf', head: new Uint8Array(Buffer.from('%PDF-')), scan: 'unscanned' });
  });

  it('answers success_action_redirect with 303 to the page, naming bucket, key and etag', async () => {
    const upload = await presign('applications/app-1/doc-2', { redirect: `${SITE}/drafts/app-1/documents/doc-2/complete?sig=abc` });
    const answer = await post(upload, PDF);
    expect(answer.status).toBe(303);
    const location = new URL(answer.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(`${SITE}/drafts/app-1/documents/doc-2/complete`);
    expect(location.searchParams.get('sig')).toBe('abc');
    expect(location.searchParams.get('bucket')).toBe(BUCKET);
    expect(location.searchParams.get('key')).toBe('applications/app-1/doc-2');
    expect(location.searchParams.get('etag')).toMatch(/^"?[0-9a-f]{32}"?$/);
  });

  const refusals: Array<[string, (form: FormData) => void, Buffer, number, string]> = [
    ['a file over the size range', () => undefined, Buffer.alloc(1001, 1), 400, 'EntityTooLarge'],
    ['an empty file', () => undefined, Buffer.alloc(0), 400, 'EntityTooSmall'],
    ['another key', (f) => f.set('key', 'applications/app-2/doc-1'), PDF, 403, 'AccessDenied'],
    ['another content type', (f) => f.set('Content-Type', 'application/x-msdownload'), PDF, 403, 'AccessDenied'],
    ['a forged signature', (f) => f.set('X-Amz-Signature', '0'.repeat(64)), PDF, 403, 'SignatureDoesNotMatch'],
    ['a field the policy does not name', (f) => f.set('x-amz-meta-owner', 'someone'), PDF, 403, 'AccessDenied'],
    ['no signature at all', (f) => f.delete('X-Amz-Signature'), PDF, 403, 'AccessDenied'],
    ['another access key', (f) => f.set('X-Amz-Credential', (f.get('X-Amz-Credential') as string).replace(/^local/, 'other')), PDF, 403, 'InvalidAccessKeyId'],
  ];
  it.each(refusals)('refuses %s with S3 XML error, storing nothing', async (_, change, file, status, code) => {
    const answer = await post(await presign(), file, change);
    expect(answer.status).toBe(status);
    const text = await answer.text();
    expect(text).toContain(`<Code>${code}</Code>`);
    expect(answer.headers.get('content-type')).toBe('application/xml');
    expect(answer.headers.get('access-control-allow-origin')).toBe(SITE);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.KeyCount ?? 0).toBe(0);
  });

  it('refuses a policy past its expiration', async () => {
    const upload = await presign('applications/app-1/doc-1', { expiresInSeconds: 60 });
    clock = new Date(Date.now() + 61_000);
    const answer = await post(upload, PDF);
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain('Policy expired');
  });

  it('refuses a body that is not multipart and a POST with no file', () => {
    const now = new Date();
    expect(checkPost({ contentType: 'text/plain', body: Buffer.from('x'), bucket: BUCKET, now })?.code).toBe('MalformedPOSTRequest');
    const body = Buffer.from('--b\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--b--\r\n');
    expect(checkPost({ contentType: 'multipart/form-data; boundary=b', body, bucket: BUCKET, now })?.code).toBe('InvalidArgument');
  });
});

describe('the S3 document store against the local S3', () => {
  const put = (key: string, body: Buffer | string, contentType = 'application/pdf') =>
    client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: contentType }));

  it('inspects size, type and the first bytes only (a Range), and nothing for a missing key', async () => {
    await put('applications/a/doc', PDF);
    const stored = await store.inspect('applications/a/doc', 8);
    expect(stored?.size).toBe(PDF.length);
    expect(Buffer.from(stored?.head ?? []).toString()).toBe('%PDF-1.7');
    // Asking for more than there is gives what there is.
    await put('applications/a/tiny', 'abc', 'text/csv');
    expect(await store.inspect('applications/a/tiny', 8)).toMatchObject({ size: 3, contentType: 'text/csv', head: new Uint8Array(Buffer.from('abc')) });
    expect(await store.inspect('applications/a/none', 8)).toBeUndefined();
  });

  it('removes one object, not its neighbours whose key it prefixes', async () => {
    await put('applications/a/doc1', 'one');
    await put('applications/a/doc10', 'ten');
    await store.remove('applications/a/doc1');
    expect(await store.inspect('applications/a/doc1', 1)).toBeUndefined();
    expect(await store.inspect('applications/a/doc10', 1)).toBeDefined();
    // Nothing there: nothing to do, no error.
    await expect(store.remove('applications/a/none')).resolves.toBeUndefined();
  });

  it('removes everything under a prefix, page after page, and only there', async () => {
    for (let i = 0; i < 23; i++) await put(`applications/purged/doc-${i}`, `d${i}`);
    await put('applications/purged-not/doc', 'kept');
    await put('applications/kept/doc', 'kept');
    const paged = s3DocumentStore(client, BUCKET, { scanned: false, pageSize: 5 });
    expect(await paged.removeAll('applications/purged/')).toBe(23);
    const left = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect((left.Contents ?? []).map((o) => o.Key).sort()).toEqual(['applications/kept/doc', 'applications/purged-not/doc']);
    await expect(store.removeAll('')).rejects.toThrow(/needs a prefix/);
  });

  it('presigns a download as an attachment under its name, byte for byte', async () => {
    await put('applications/a/doc', PDF);
    const url = await store.presignDownload('applications/a/doc', 'Délibération "conseil".pdf', 60);
    expect(url.startsWith(`${s3?.url}/${BUCKET}/applications/a/doc?`)).toBe(true);
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(Buffer.from(await answer.arrayBuffer()).equals(PDF)).toBe(true);
    expect(answer.headers.get('content-disposition')).toBe(
      `attachment; filename="D_lib_ration _conseil_.pdf"; filename*=UTF-8''D%C3%A9lib%C3%A9ration%20%22conseil%22.pdf`,
    );
  });

  it('keeps the objects across a restart (data under DATA_DIR)', async () => {
    await put('applications/a/doc', PDF);
    client.destroy();
    await s3?.stop();
    await start();
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'applications/a/doc' }));
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(PDF)).toBe(true);
  });
});

describe('Content-Disposition of a download', () => {
  it('never carries a line break, a quote or a control character from the name', () => {
    const header = attachmentDisposition('a\r\nSet-Cookie: x=1\u0000"b.pdf');
    for (const forbidden of ['\r', '\n', '\u0000']) expect(header.includes(forbidden)).toBe(false);
    expect(header).toBe(`attachment; filename="aSet-Cookie: x=1_b.pdf"; filename*=UTF-8''aSet-Cookie%3A%20x%3D1%22b.pdf`);
    expect(attachmentDisposition('\r\n')).toBe(`attachment; filename="document"; filename*=UTF-8''document`);
    expect(attachmentDisposition("budget (v2)*'.xlsx")).toBe(`attachment; filename="budget (v2)*'.xlsx"; filename*=UTF-8''budget%20%28v2%29%2A%27.xlsx`);
  });
});
