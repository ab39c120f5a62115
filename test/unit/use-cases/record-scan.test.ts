import { describe, expect, it } from 'vitest';
import type { DraftDocument } from '../../../shared/domain/documents.ts';
import { recordScan } from '../../../shared/use-cases/record-scan.ts';
import { anApplicationRecord } from '../../fixtures/domain.ts';
import { MemoryDocumentStore } from '../../fixtures/memory-documents.ts';
import { MemoryRepository } from '../../fixtures/memory-repository.ts';

const AT = '2027-01-11T08:00:00.000Z';
const accepted = (documentId: string): DraftDocument => ({
  documentId,
  type: 'budget',
  filename: 'budget.pdf',
  contentType: 'application/pdf',
  size: 2048,
  status: 'ACCEPTED',
  scan: 'pending',
  by: 'lead',
  uploadedAt: AT,
  checkedAt: AT,
});

async function setup() {
  const repository = new MemoryRepository();
  const documents = new MemoryDocumentStore();
  await repository.createApplication(anApplicationRecord({ id: 'app-7', documents: [accepted('doc-1'), accepted('doc-2')] }), {
    at: AT,
    status: 'SUBMITTED',
    actor: 'applicant',
  });
  for (const id of ['doc-1', 'doc-2']) documents.putDirectly(`applications/app-7/${id}`, new TextEncoder().encode('%PDF-1.7'), 'application/pdf');
  const ports = { repository, documents, clock: { now: () => new Date('2027-01-11T08:03:00.000Z') } };
  const statusOf = async (id: string) => (await repository.getApplication('app-7'))?.documents?.find((d) => d.documentId === id);
  return { repository, documents, ports, statusOf };
}

describe('recordScan: GuardDuty’s verdict after the fact', () => {
  it('a clean result makes the document clean (its download offered) and keeps the object', async () => {
    const { documents, ports, statusOf } = await setup();
    const result = await recordScan(ports, { key: 'applications/app-7/doc-1', result: 'NO_THREATS_FOUND' });
    expect(result).toMatchObject({ outcome: 'recorded', verdict: 'clean', application: 'recorded', draft: 'absent', removed: false });
    expect(await statusOf('doc-1')).toMatchObject({ status: 'ACCEPTED', scan: 'clean' });
    expect(documents.objects.has('applications/app-7/doc-1')).toBe(true);
    expect(documents.removed).toEqual([]);
  });

  it.each(['THREATS_FOUND', 'UNSUPPORTED', 'FAILED', undefined])('%s refuses the document (threat) and deletes its object', async (status) => {
    const { documents, ports, statusOf } = await setup();
    const result = await recordScan(ports, { key: 'applications/app-7/doc-2', result: status });
    expect(result).toMatchObject({ outcome: 'recorded', verdict: 'threat', application: 'recorded', removed: true });
    expect(await statusOf('doc-2')).toMatchObject({ status: 'REFUSED', reason: 'threat' });
    expect(await statusOf('doc-1')).toMatchObject({ status: 'ACCEPTED', scan: 'pending' });
    expect(documents.objects.has('applications/app-7/doc-2')).toBe(false);
  });

  it('a replayed event writes nothing more', async () => {
    const { repository, ports } = await setup();
    await recordScan(ports, { key: 'applications/app-7/doc-1', result: 'THREATS_FOUND' });
    const writes = repository.writes.length;
    expect(await recordScan(ports, { key: 'applications/app-7/doc-1', result: 'THREATS_FOUND' })).toMatchObject({ application: 'unchanged', draft: 'absent' });
    expect(await recordScan(ports, { key: 'applications/app-7/doc-1', result: 'NO_THREATS_FOUND' })).toMatchObject({ application: 'unchanged' });
    expect(repository.writes.length).toBe(writes);
  });

  it.each([
    'applications/app-7',
    'other/app-7/doc-1',
    'applications/app-7/doc-1/../../x',
    'applications/../doc-1',
    'malware-protection-resource-validation-object',
  ])('a key that names no document (%s) is reported, nothing written or deleted', async (key) => {
    const { repository, documents, ports } = await setup();
    expect(await recordScan(ports, { key, result: 'THREATS_FOUND' })).toEqual({ outcome: 'unknown-key', key });
    expect(repository.writes).toHaveLength(1);
    expect(documents.removed).toEqual([]);
  });

  it('a document no record names: nothing recorded, a flagged object is still deleted', async () => {
    const { documents, ports } = await setup();
    expect(await recordScan(ports, { key: 'applications/app-9/doc-1', result: 'THREATS_FOUND' })).toMatchObject({
      draft: 'absent',
      application: 'absent',
      removed: true,
    });
    expect(documents.removed).toEqual(['applications/app-9/doc-1']);
  });
});
