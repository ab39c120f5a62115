import { describe, expect, it } from 'vitest';
import type { DraftDocument } from '../../../shared/domain/documents.ts';
import { anApplicationRecord } from '../../fixtures/domain.ts';
import { aDocument } from '../../fixtures/documents.ts';
import { aDraft } from '../../fixtures/dossier.ts';
import { bothRepositories } from '../../fixtures/repositories.ts';

/** The scan's verdict recorded after the fact: the same promises over the in-memory repository and the DynamoDB adapter on dynalite. */
let n = 0;
const repositories = bothRepositories();
const AT = '2027-01-11T08:00:00.000Z';
const LATER = '2027-01-11T08:05:00.000Z';

const anAccepted = (documentId: string, overrides: Partial<DraftDocument> = {}): DraftDocument =>
  aDocument(documentId, { status: 'ACCEPTED', scan: 'pending', checkedAt: AT, ...overrides });

describe.each(repositories)('recordDocumentScan in the repository %s', (_, make) => {
  async function aDraftWith(documents: DraftDocument[]) {
    const repository = make();
    const id = `scan-${++n}-${Date.now()}`;
    const draft = aDraft({ id });
    await repository.createDraft(draft, { at: draft.createdAt, role: 'lead', email: draft.lead.email, action: 'created' });
    for (const d of documents) {
      const { status, scan, checkedAt, size, ...uploaded } = d;
      await repository.addDraftDocument(id, { ...uploaded, size, status: 'UPLOADED' }, { max: 20, at: AT });
      if (status === 'ACCEPTED') await repository.settleDraftDocument(id, d.documentId, { status, scan: scan ?? 'pending', size, at: AT });
      if (status === 'REFUSED') await repository.settleDraftDocument(id, d.documentId, { status, reason: d.reason ?? 'wrong-format', size, at: AT });
    }
    return { repository, id };
  }

  it('records a clean scan on an accepted document of a draft, once: a replay changes nothing', async () => {
    const { repository, id } = await aDraftWith([anAccepted('doc-1'), anAccepted('doc-2')]);
    expect(await repository.recordDocumentScan(id, 'doc-1', 'clean', LATER)).toEqual({ draft: 'recorded', application: 'absent' });
    expect(await repository.recordDocumentScan(id, 'doc-1', 'clean', LATER)).toEqual({ draft: 'unchanged', application: 'absent' });
    const documents = (await repository.getDraft(id))?.documents;
    expect(documents?.['doc-1']).toMatchObject({ status: 'ACCEPTED', scan: 'clean' });
    expect(documents?.['doc-2']).toMatchObject({ status: 'ACCEPTED', scan: 'pending' });
  });

  it('refuses a flagged document (reason threat), whatever it was, and never makes a refused one clean again', async () => {
    const { repository, id } = await aDraftWith([anAccepted('doc-1', { scan: 'clean' }), anAccepted('doc-2', { status: 'REFUSED', reason: 'wrong-format' })]);
    expect(await repository.recordDocumentScan(id, 'doc-1', 'threat', LATER)).toEqual({ draft: 'recorded', application: 'absent' });
    expect(await repository.recordDocumentScan(id, 'doc-1', 'threat', LATER)).toEqual({ draft: 'unchanged', application: 'absent' });
    expect(await repository.recordDocumentScan(id, 'doc-1', 'clean', LATER)).toEqual({ draft: 'unchanged', application: 'absent' });
    expect(await repository.recordDocumentScan(id, 'doc-2', 'threat', LATER)).toEqual({ draft: 'unchanged', application: 'absent' });
    const documents = (await repository.getDraft(id))?.documents;
    expect(documents?.['doc-1']).toMatchObject({ status: 'REFUSED', reason: 'threat', checkedAt: LATER });
    expect(documents?.['doc-1']?.scan).toBeUndefined();
    expect(documents?.['doc-2']).toMatchObject({ status: 'REFUSED', reason: 'wrong-format' });
  });

  it('keeps a clean verdict that came before the upload was completed (complete then reads the scan pending)', async () => {
    const { repository, id } = await aDraftWith([anAccepted('doc-1', { status: 'UPLOADED', scan: undefined, checkedAt: undefined })]);
    expect(await repository.recordDocumentScan(id, 'doc-1', 'clean', LATER)).toEqual({ draft: 'recorded', application: 'absent' });
    expect(await repository.settleDraftDocument(id, 'doc-1', { status: 'ACCEPTED', scan: 'pending', size: 1234, at: LATER })).toEqual({ outcome: 'done' });
    expect((await repository.getDraft(id))?.documents?.['doc-1']).toMatchObject({ status: 'ACCEPTED', scan: 'clean' });
  });

  it('records the verdict on the filed application too, and says absent for an unknown id or document', async () => {
    const { repository, id } = await aDraftWith([anAccepted('doc-1')]);
    await repository.createApplication(anApplicationRecord({ id, documents: [anAccepted('doc-0', { scan: 'clean' }), anAccepted('doc-1')] }), {
      at: AT,
      status: 'SUBMITTED',
      actor: 'applicant',
    });
    expect(await repository.recordDocumentScan(id, 'doc-1', 'threat', LATER)).toEqual({ draft: 'recorded', application: 'recorded' });
    expect(await repository.recordDocumentScan(id, 'doc-1', 'threat', LATER)).toEqual({ draft: 'unchanged', application: 'unchanged' });
    const app = await repository.getApplication(id);
    expect(app?.documents?.map((d) => [d.documentId, d.status, d.reason ?? d.scan])).toEqual([
      ['doc-0', 'ACCEPTED', 'clean'],
      ['doc-1', 'REFUSED', 'threat'],
    ]);
    expect(await repository.recordDocumentScan(id, 'doc-9', 'clean', LATER)).toEqual({ draft: 'absent', application: 'absent' });
    expect(await repository.recordDocumentScan(`nobody-${n}`, 'doc-1', 'clean', LATER)).toEqual({ draft: 'absent', application: 'absent' });
  });
});
