import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials } from '../../local/services.ts';
import { LOCAL_REGION } from '../../local/template.ts';
import { s3DocumentStore } from '../../shared/adapters/s3-document-store.ts';
import { type DraftDocument, documentKey } from '../../shared/domain/documents.ts';
import { type AdminEnv, BASE_URL, startAdminEnv } from './support.ts';

/**
 * The CLI against the local stack's S3 (s3rver behind its POST-policy checker), documents uploaded
 * as the browser uploads them: the adapter's presigned POST, the form posted to the endpoint.
 */

let env: AdminEnv;
let client: S3Client;
let out: string;

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('délibération du conseil municipal'), Buffer.alloc(3000, 0x20)]);
const CSV = Buffer.from('poste;montant\nétude;10000\n');
const REFUSED = Buffer.from('MZ this is no PDF');

function aDocument(documentId: string, overrides: Partial<DraftDocument>): DraftDocument {
  return {
    documentId,
    type: 'deliberation-fr',
    filename: `${documentId}.pdf`,
    contentType: 'application/pdf',
    size: 0,
    status: 'ACCEPTED',
    scan: 'unscanned',
    by: 'lead',
    uploadedAt: `2025-02-01T09:00:0${documentId.length % 10}.000Z`,
    ...overrides,
  };
}

/** What the page's script does: the presigned fields, then the file, to the presigned URL. */
async function upload(applicationId: string, documentId: string, contentType: string, file: Buffer): Promise<void> {
  const store = s3DocumentStore(client, env.s3!.bucket, { scanned: false });
  const presigned = await store.presignUpload({ key: documentKey(applicationId, documentId), contentType, maxBytes: 10 * 2 ** 20, expiresInSeconds: 300 });
  const form = new FormData();
  for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(file)]), 'upload');
  const answer = await fetch(presigned.url, { method: 'POST', body: form, headers: { Origin: BASE_URL } });
  if (answer.status !== 201) throw new Error(`upload answered ${answer.status}: ${await answer.text()}`);
}

const versions = async (prefix: string) => {
  const listed = await client.send(new ListObjectVersionsCommand({ Bucket: env.s3!.bucket, Prefix: prefix }));
  return [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].map((v) => v.Key);
};

const docs = {
  deliberation: aDocument('doc-a', { filename: 'Délibération — conseil.pdf', size: PDF.length }),
  budget: aDocument('doc-b', { type: 'budget-sheet', filename: 'budget.csv', contentType: 'text/csv', size: CSV.length }),
  refused: (({ scan: _scan, ...refused }) => refused)(
    aDocument('doc-c', { filename: 'virus.pdf', status: 'REFUSED', reason: 'wrong-format', size: REFUSED.length }),
  ),
};

beforeAll(async () => {
  env = await startAdminEnv({ s3: true });
  client = new S3Client({ endpoint: env.s3!.url, forcePathStyle: true, region: LOCAL_REGION, credentials: localCredentials });
  out = await mkdtemp(join(tmpdir(), 'coopfund-fetched-'));
  await env.seed('docs-approved', 'APPROVED', { documents: [docs.deliberation, docs.budget, docs.refused] });
  await upload('docs-approved', 'doc-a', 'application/pdf', PDF);
  await upload('docs-approved', 'doc-b', 'text/csv', CSV);
  await upload('docs-approved', 'doc-c', 'application/pdf', REFUSED);
  // Another application's document, which nothing here may touch.
  await env.seed('docs-other', 'IN_REVIEW', { createdAt: '2025-03-01T10:00:00.000Z', documents: [aDocument('doc-z', { size: PDF.length })] });
  await upload('docs-other', 'doc-z', 'application/pdf', PDF);
});
afterAll(async () => {
  client?.destroy();
  await env?.stop();
  await rm(out, { recursive: true, force: true });
});

describe('documents through the admin CLI, on the local S3', () => {
  it('shows the documents of an application', async () => {
    const shown = await env.cli('applications', 'show', 'docs-approved');
    expect(shown.code).toBe(0);
    const block = shown.stdout.split('\nDocuments\n')[1]?.split('\n\n')[0]?.split('\n') ?? [];
    expect(block[0]).toMatch(/^TYPE\s+FILE\s+SIZE\s+STATUS\s+REASON\s+SCAN$/);
    expect(block.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      ['deliberation-fr', 'Délibération — conseil.pdf', '3 KB', 'ACCEPTED', 'unscanned'],
      ['budget-sheet', 'budget.csv', '27 B', 'ACCEPTED', 'unscanned'],
      ['deliberation-fr', 'virus.pdf', '17 B', 'REFUSED', 'wrong-format'],
    ]);
    expect(shown.stderr).toContain('applications documents docs-approved --to <folder>');
    expect((await env.cli('applications', 'show', 'docs-other')).stdout).not.toContain('\nNo documents');
  });

  it('exports the accepted documents and their count, the header in the language asked', async () => {
    const csv = (await env.cli('export', '--call', '2025-T1', '--lang', 'en')).stdout;
    expect(csv).toContain(',Accepted documents (count),Accepted documents\r\n');
    expect(csv).toContain(',2,"Délibération — conseil.pdf\nbudget.csv"\r\n');
    expect((await env.cli('export', '--call', '2025-T1', '--lang', 'ar')).stdout).toContain(',الوثائق المقبولة (العدد),الوثائق المقبولة\r\n');
  });

  it('fetches the accepted documents byte for byte, and keeps what is already there', async () => {
    const first = await env.cli('applications', 'documents', 'docs-approved', '--to', out);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^FILE\s+TYPE\s+SIZE\s+OUTCOME\n/);
    expect(first.stderr).toBe(`2 document(s) written to ${out}, 0 kept, 0 skipped; 1 upload(s) not accepted, not fetched\n`);
    expect((await readdir(out)).sort()).toEqual(['Délibération — conseil.pdf', 'budget.csv']);
    expect(await readFile(join(out, 'Délibération — conseil.pdf'))).toEqual(PDF);
    expect(await readFile(join(out, 'budget.csv'))).toEqual(CSV);

    const again = await env.cli('applications', 'documents', 'docs-approved', '--to', out, '--json');
    expect(JSON.parse(again.stdout).documents.map((d: { outcome: string }) => d.outcome)).toEqual(['kept', 'kept']);
    const forced = await env.cli('applications', 'documents', 'docs-approved', '--to', out, '--force', '--json');
    expect(JSON.parse(forced.stdout).documents.map((d: { outcome: string }) => d.outcome)).toEqual(['written', 'written']);
    expect(await readFile(join(out, 'budget.csv'))).toEqual(CSV);
  });

  it('needs a folder', async () => {
    expect(await env.cli('applications', 'documents', 'docs-approved')).toMatchObject({ code: 2, stderr: 'coopfund admin: --to <folder> is required\n' });
  });

  it('purges every object and version of a closed application, refused uploads included, and nothing else', async () => {
    expect(await versions('applications/docs-approved/')).toHaveLength(3);
    const result = await env.cli('purge', '--closed-before', '2025-06-01');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^APPLICATION\s+CALL\s+STATUS\s+CLOSED \(UTC\)\s+OBJECTS DELETED\ndocs-approved\s+2025-T1\s+APPROVED\s+.*\s3\n$/);
    expect(await versions('applications/docs-approved/')).toEqual([]);
    expect(await versions('applications/docs-other/')).toEqual(['applications/docs-other/doc-z']);
    // The record keeps the list of what was filed; fetching now finds nothing to write.
    const fetched = await env.cli('applications', 'documents', 'docs-approved', '--to', join(out, 'after'), '--json');
    expect(JSON.parse(fetched.stdout).documents.map((d: { reason: string }) => d.reason)).toEqual(['missing', 'missing']);
  });
});
