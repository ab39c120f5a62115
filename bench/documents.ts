import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { version as esbuildVersion } from 'esbuild';
import { s3DocumentStore } from '../shared/adapters/s3-document-store.ts';
import { entryOf, FUNCTIONS, type FunctionName, functionNames } from '../shared/catalogue/functions.ts';
import { startS3 } from '../local/s3.ts';
import { localCredentials } from '../local/services.ts';
import { LOCAL_REGION } from '../local/template.ts';
import { sdkClientsOf } from './bundles.ts';
import { type BundleBaseline, type BundleGrowth, type BundleSize, bundleGrowth, bundleSizes } from './lib/bundle-sizes.ts';
import { repoRoot } from './lib/node.ts';
import { sectionMain, type Log } from './lib/section.ts';
import { interleave, median, summarize, type Summary } from './lib/stats.ts';

/**
 * §8 Documents. Two targets:
 * (a) an upload through the presigned POST (the adapter's `presignUpload`, the fields and the file
 *     posted as a multipart form to the local S3 endpoint, through its POST-policy checker, as the
 *     browser does) against a PutObject of the same bytes to the same endpoint, sample by sample,
 *     at each size: median throughput and the ratio;
 * (b) every function's bundle against the sizes at the commit before the documents work
 *     (bench/baseline/bundles-e326155.json), and the S3 client only in functions declared to change
 *     documents (`documents: 'write'` or `'remove'`): a function that only reads signs its links
 *     without it.
 */

export const DOCUMENT_TARGETS = { postVsPut: 0.9, bundleGrowth: 0.1 } as const;
export const DOCUMENTS_BASELINE = 'bench/baseline/bundles-e326155.json';
export const S3_CLIENT = '@aws-sdk/client-s3';

const BUCKET = 'coopfund-bench-documents';
const SITE = 'http://localhost:3999';
const MB = 2 ** 20;

export interface UploadSize {
  bytes: number;
  rounds: number;
  /** Milliseconds per upload, the presign excluded (the page has it before the file is sent). */
  post: Summary;
  put: Summary;
  /** The same POST with the body encoded by Node's FormData as it is sent. */
  form: Summary;
  /** Median MB/s (MB = 2^20 bytes) of each. */
  postMBps: number;
  putMBps: number;
  formMBps: number;
  /** `postMBps / putMBps`. */
  ratio: number;
}

export interface S3ClientRow {
  name: string;
  holdsClient: boolean;
  documents?: DocumentAccess;
}

/** What a function's catalogue row declares of the documents' bucket. */
export type DocumentAccess = 'read' | 'write' | 'remove';

export interface DocumentsResult {
  uploads: UploadSize[];
  /** A presign's median time (signing only: no request leaves the process). */
  presignMs: Summary;
  bundles: { baseline: Omit<BundleBaseline, 'functions'>; esbuild: string; growth: BundleGrowth; s3Client: S3ClientRow[] };
}

/** MB/s (MB = 2^20 bytes) of `bytes` in `ms`. */
export const throughput = (bytes: number, ms: number): number => (ms > 0 ? bytes / MB / (ms / 1000) : Number.NaN);

/** One size's figures from its samples (ms); the throughput of the median time. */
export function uploadSize(bytes: number, samples: { post: readonly number[]; put: readonly number[]; form: readonly number[] }): UploadSize {
  const postMBps = throughput(bytes, median(samples.post));
  const putMBps = throughput(bytes, median(samples.put));
  return {
    bytes,
    rounds: samples.post.length,
    post: summarize(samples.post),
    put: summarize(samples.put),
    form: summarize(samples.form),
    postMBps,
    putMBps,
    formMBps: throughput(bytes, median(samples.form)),
    ratio: putMBps > 0 ? postMBps / putMBps : Number.NaN,
  };
}

/** Which functions' bundles hold the S3 client, beside what the catalogue declares of the bucket. */
export function s3ClientRows(sizes: readonly BundleSize[], declared: (name: string) => DocumentAccess | undefined): S3ClientRow[] {
  return sizes.map((f) => {
    const documents = declared(f.name);
    return { name: f.name, holdsClient: sdkClientsOf(f.contributors).includes(S3_CLIENT), ...(documents ? { documents } : {}) };
  });
}

/** The S3 client is where it must be: every function holding it declared to change documents (write or remove), and at least one holds it. */
export const s3ClientOnlyWhereWritten = (rows: readonly S3ClientRow[]): boolean =>
  rows.some((r) => r.holdsClient) && rows.every((r) => !r.holdsClient || r.documents === 'write' || r.documents === 'remove');

/**
 * The body a browser sends for the form: each presigned field, then the file (`multipart/form-data`,
 * RFC 7578). Built before the clock starts: a browser encodes it natively as it sends, while
 * Node's FormData encodes it in JavaScript (the `form` variant measures that too).
 */
export function multipartBody(fields: Record<string, string>, file: Uint8Array, filename = 'upload.pdf'): { contentType: string; body: Buffer } {
  const boundary = `----coopfundBench${randomBytes(12).toString('hex')}`;
  const head = Object.entries(fields)
    .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join('');
  const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${fields['Content-Type'] ?? 'application/octet-stream'}\r\n\r\n`;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([Buffer.from(head + fileHead), file, Buffer.from(`\r\n--${boundary}--\r\n`)]),
  };
}

async function send(url: string, init: RequestInit): Promise<void> {
  const answer = await fetch(url, { ...init, method: 'POST', headers: { ...(init.headers as Record<string, string>), Origin: SITE } });
  const text = await answer.text();
  if (answer.status !== 201) throw new Error(`the presigned POST answered ${answer.status}: ${text.slice(0, 200)}`);
}

function formOf(fields: Record<string, string>, file: Uint8Array): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([file as Uint8Array<ArrayBuffer>], { type: fields['Content-Type'] }), 'upload.pdf');
  return form;
}

export async function benchDocuments(options: { sizesMB: readonly number[]; rounds: number; warmup: number; log: Log }): Promise<DocumentsResult> {
  const { log } = options;
  const workDir = await mkdtemp(join(tmpdir(), 'coopfund-bench-documents-'));
  const stops: Array<() => Promise<void>> = [];
  try {
    const s3 = await startS3({ dataDir: workDir, bucket: BUCKET, allowedOrigins: [SITE] });
    stops.push(() => s3.stop());
    // The client as shared/adapters/wire-s3.ts sets it up against the local endpoint.
    const client = new S3Client({ endpoint: s3.url, forcePathStyle: true, region: LOCAL_REGION, credentials: localCredentials });
    stops.push(async () => client.destroy());
    const store = s3DocumentStore(client, BUCKET, { scanned: false });
    const contentType = 'application/pdf';

    const presignTimes: number[] = [];
    const uploads: UploadSize[] = [];
    for (const sizeMB of options.sizesMB) {
      const bytes = Math.round(sizeMB * MB);
      // Random bytes after a PDF signature: nothing compresses, as a scanned deliberation does not.
      const file = new Uint8Array(randomBytes(bytes));
      file.set(new TextEncoder().encode('%PDF-1.7\n'));
      const post = async (round: number, encoded: boolean) => {
        const key = `applications/bench-${sizeMB}/${encoded ? 'post' : 'form'}-${round}`;
        const signed = performance.now();
        const { url, fields } = await store.presignUpload({ key, contentType, maxBytes: bytes, expiresInSeconds: 900 });
        presignTimes.push(performance.now() - signed);
        const init: RequestInit = encoded
          ? (({ contentType: type, body }) => ({ body: new Uint8Array(body), headers: { 'Content-Type': type } }))(multipartBody(fields, file))
          : {};
        const start = performance.now();
        await send(url, encoded ? init : { body: formOf(fields, file) });
        return performance.now() - start;
      };
      const put = async (round: number) => {
        const start = performance.now();
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `applications/bench-${sizeMB}/put-${round}`, Body: file, ContentType: contentType }));
        return performance.now() - start;
      };
      log(`${sizeMB} MB: warming up (${options.warmup} of each)…`);
      for (let i = 0; i < options.warmup; i++) {
        await post(-1 - i, true);
        await put(-1 - i);
        await post(-1 - i, false);
      }
      log(`${sizeMB} MB: ${options.rounds} presigned POSTs and PutObjects, alternating…`);
      const samples = await interleave(
        ['post', 'put', 'form'] as const,
        options.rounds,
        (variant, round) => (variant === 'put' ? put(round) : post(round, variant === 'post')),
        { budgetMs: 120_000, minRounds: 5 },
      );
      const size = uploadSize(bytes, samples);
      log(
        `${sizeMB} MB: POST ${size.postMBps.toFixed(1)} MB/s, PUT ${size.putMBps.toFixed(1)} MB/s (${size.ratio.toFixed(2)}×); ` +
          `POST encoded by FormData ${size.formMBps.toFixed(1)} MB/s`,
      );
      uploads.push(size);
      // Keep the data folder small between sizes.
      for (let round = -options.warmup; round < options.rounds; round++) {
        for (const kind of ['post', 'put', 'form'])
          await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `applications/bench-${sizeMB}/${kind}-${round}` }));
      }
    }

    log('bundling every function with FUNCTION_BUNDLING…');
    const baseline = JSON.parse(await readFile(join(repoRoot, DOCUMENTS_BASELINE), 'utf8')) as BundleBaseline;
    const sizes = await bundleSizes({
      root: repoRoot,
      workDir: join(workDir, 'bundles'),
      functions: functionNames.map((name) => ({ name, entry: entryOf(name) })),
    });
    const growth = bundleGrowth(sizes, baseline.functions, DOCUMENT_TARGETS.bundleGrowth);
    const s3Client = s3ClientRows(sizes, (name) => (FUNCTIONS[name as FunctionName] as { documents?: DocumentAccess }).documents);
    const { functions: _f, ...about } = baseline;
    return {
      uploads,
      presignMs: summarize(presignTimes),
      bundles: {
        baseline: about,
        esbuild: esbuildVersion,
        growth: { ...growth, rows: growth.rows.map((r) => ({ ...r, grew: r.grew.slice(0, 4) })) },
        s3Client,
      },
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  await sectionMain(({ quick, log }) => benchDocuments({ sizesMB: [1, 8], rounds: quick ? 6 : 20, warmup: quick ? 1 : 3, log }));
}
