import { describe, expect, it } from 'vitest';
import { multipartBody, s3ClientOnlyWhereWritten, s3ClientRows, throughput, uploadSize } from '../../../bench/documents.ts';
import { documentVerdicts } from '../../../bench/report.ts';
import { parseMultipart } from '../../../local/s3.ts';

const MB = 2 ** 20;

describe('upload throughput', () => {
  it('is MB (2^20 bytes) per second of the median time, and the POST is compared with the PUT', () => {
    expect(throughput(8 * MB, 500)).toBe(16);
    expect(throughput(MB, 0)).toBeNaN();
    const size = uploadSize(8 * MB, { post: [400, 500, 9000], put: [450, 400, 420], form: [800, 800, 800] });
    expect(size.postMBps).toBe(16);
    expect(size.putMBps).toBeCloseTo(8 / 0.42, 6);
    expect(size.ratio).toBeCloseTo(0.84, 6);
    expect(size.formMBps).toBe(10);
  });

  it('posts a body the local checker reads as the browser form: the fields in order, then the file', () => {
    const file = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0, 255, 13, 10]);
    const { contentType, body } = multipartBody({ key: 'applications/a/b', 'Content-Type': 'application/pdf', Policy: 'eyJ9' }, file);
    const parts = parseMultipart(contentType, body);
    expect(parts?.map((p) => p.name)).toEqual(['key', 'Content-Type', 'Policy', 'file']);
    expect(parts?.[0]?.data.toString()).toBe('applications/a/b');
    expect(new Uint8Array(parts?.[3]?.data ?? [])).toEqual(file);
  });
});

describe('the S3 client in bundles', () => {
  const sized = (name: string, clients: string[]) => ({ name, bytes: 1, contributors: clients.map((c) => ({ name: c, bytes: 100 })) });

  it('is only where the catalogue declares documents changed (written or removed)', () => {
    const declared = (name: string) => ({ 'draft-documents': 'write' as const, 'record-scan': 'remove' as const, 'show-draft': 'read' as const })[name];
    const good = s3ClientRows(
      [
        sized('draft-documents', ['@aws-sdk/client-s3']),
        sized('record-scan', ['@aws-sdk/client-s3']),
        sized('show-draft', ['@aws-sdk/client-dynamodb']),
        sized('health', []),
      ],
      declared,
    );
    expect(good).toEqual([
      { name: 'draft-documents', holdsClient: true, documents: 'write' },
      { name: 'record-scan', holdsClient: true, documents: 'remove' },
      { name: 'show-draft', holdsClient: false, documents: 'read' },
      { name: 'health', holdsClient: false },
    ]);
    expect(s3ClientOnlyWhereWritten(good)).toBe(true);
    // A reading function that pulled the client in, or one with no documents port: missed.
    expect(
      s3ClientOnlyWhereWritten(s3ClientRows([sized('draft-documents', ['@aws-sdk/client-s3']), sized('show-draft', ['@aws-sdk/client-s3'])], declared)),
    ).toBe(false);
    expect(s3ClientOnlyWhereWritten(s3ClientRows([sized('draft-documents', ['@aws-sdk/client-s3']), sized('health', ['@aws-sdk/client-s3'])], declared))).toBe(
      false,
    );
    // No function holding it at all means the bundles were not measured right.
    expect(s3ClientOnlyWhereWritten(s3ClientRows([sized('draft-documents', [])], declared))).toBe(false);
  });
});

describe('the verdicts of §8', () => {
  const result = (ratios: number[], over: boolean) => ({
    uploads: ratios.map((ratio, i) => ({ ...uploadSize((i + 1) * MB, { post: [100], put: [100], form: [100] }), ratio })),
    presignMs: { n: 1, min: 1, median: 1, p99: 1, max: 1, mean: 1 },
    bundles: {
      baseline: { commit: 'e326155', measuredAt: '2026-12-04T00:00:00Z', commitDate: '2026-12-03T00:00:00Z', esbuild: '0.28.2', node: 'v24', how: '' },
      esbuild: '0.28.2',
      growth: { limit: 0.1, rows: [{ name: 'show-task', bytes: 120, baselineBytes: 100, growth: over ? 0.2 : 0.05, over, grew: [] }], removed: [], met: !over },
      s3Client: [{ name: 'draft-documents', holdsClient: true, documents: 'write' as const }],
    },
  });

  it('meets the upload target only when every size reaches 0.9×', () => {
    const [upload, growth, client] = documentVerdicts(result([0.95, 0.91], false));
    expect(upload?.[2]).toBe('✅ met');
    expect(upload?.[1]).toContain('1 MB: 0.95×');
    expect(growth).toEqual(['§8 no bundle grows > 10 % since e326155', 'largest show-task +5.0 %; 0 of 1 over; 0 new functions', '✅ met']);
    expect(client?.[2]).toBe('✅ met');
    const [missed, grown] = documentVerdicts(result([0.95, 0.89], true));
    expect(missed?.[2]).toBe('❌ missed');
    expect(grown?.[1]).toContain('1 of 1 over (show-task +20.0 %)');
    expect(grown?.[2]).toBe('❌ missed');
  });
});
