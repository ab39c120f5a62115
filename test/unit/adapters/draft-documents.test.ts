import { describe, expect, it } from 'vitest';
import { aDocument } from '../../fixtures/documents.ts';
import { aDraft } from '../../fixtures/dossier.ts';
import { bothRepositories } from '../../fixtures/repositories.ts';

/** A draft's documents in the repository: the same promises over the in-memory repository and the DynamoDB adapter on dynalite. */
let n = 0;
const repositories = bothRepositories();
const AT = '2027-01-11T08:00:00.000Z';

describe.each(repositories)('draft documents in the repository %s', (_, make) => {
  async function created(overrides: Parameters<typeof aDraft>[0] = {}) {
    const repository = make();
    const draft = aDraft({ id: `draft-doc-${++n}-${Date.now()}`, ...overrides });
    await repository.createDraft(draft, { at: draft.createdAt, role: 'lead', email: draft.lead.email, action: 'created' });
    return { repository, draft };
  }

  it('adds a document once, to a draft that never had one and to one that has, and reads them back', async () => {
    const { repository, draft } = await created();
    expect(await repository.addDraftDocument(draft.id, aDocument('doc-1'), { max: 20, at: AT })).toEqual({ outcome: 'done' });
    expect(await repository.addDraftDocument(draft.id, aDocument('doc-2', { type: 'deliberation' }), { max: 20, at: AT })).toEqual({ outcome: 'done' });
    expect(await repository.addDraftDocument(draft.id, aDocument('doc-1', { filename: 'other.xlsx' }), { max: 20, at: AT })).toMatchObject({
      outcome: 'refused',
      reason: 'exists',
    });
    const stored = await repository.getDraft(draft.id);
    expect(stored?.documents).toEqual({ 'doc-1': aDocument('doc-1'), 'doc-2': aDocument('doc-2', { type: 'deliberation' }) });
    // The dossier's version is the saves': documents do not make a save stale.
    expect(stored?.version).toBe(draft.version);
  });

  it('refuses a document beyond the limit, on a draft no longer a DRAFT, after the close, or on no draft: nothing written', async () => {
    const { repository, draft } = await created();
    for (let i = 0; i < 3; i++) await repository.addDraftDocument(draft.id, aDocument(`doc-${i}`), { max: 3, at: AT });
    expect(await repository.addDraftDocument(draft.id, aDocument('doc-4'), { max: 3, at: AT })).toMatchObject({ outcome: 'refused', reason: 'full' });
    expect(await repository.addDraftDocument(draft.id, aDocument('doc-5'), { max: 20, at: '2027-04-01T00:00:00.000Z' })).toMatchObject({
      outcome: 'refused',
      reason: 'closed',
    });
    expect(await repository.addDraftDocument('nobody', aDocument('doc-6'), { max: 20, at: AT })).toEqual({ outcome: 'refused', reason: 'missing' });
    expect(Object.keys((await repository.getDraft(draft.id))?.documents ?? {})).toEqual(['doc-0', 'doc-1', 'doc-2']);
    const filed = await created({ status: 'AWAITING_PARTNER' });
    expect(await filed.repository.addDraftDocument(filed.draft.id, aDocument('doc-7'), { max: 20, at: AT })).toMatchObject({
      outcome: 'refused',
      reason: 'status',
    });
    expect((await filed.repository.getDraft(filed.draft.id))?.documents).toBeUndefined();
  });

  it('settles an uploaded document once; a second settlement says it was settled and changes nothing', async () => {
    const { repository, draft } = await created();
    await repository.addDraftDocument(draft.id, aDocument('doc-1'), { max: 20, at: AT });
    await repository.addDraftDocument(draft.id, aDocument('doc-2'), { max: 20, at: AT });
    const later = '2027-01-11T08:05:00.000Z';
    expect(await repository.settleDraftDocument(draft.id, 'doc-1', { status: 'ACCEPTED', scan: 'unscanned', size: 1200, at: later })).toEqual({
      outcome: 'done',
    });
    expect(await repository.settleDraftDocument(draft.id, 'doc-2', { status: 'REFUSED', reason: 'wrong-format', size: 77, at: later })).toEqual({
      outcome: 'done',
    });
    const again = await repository.settleDraftDocument(draft.id, 'doc-1', { status: 'REFUSED', reason: 'threat', size: 1, at: later });
    expect(again).toMatchObject({ outcome: 'refused', reason: 'settled' });
    expect(await repository.settleDraftDocument(draft.id, 'doc-9', { status: 'ACCEPTED', scan: 'clean', size: 1, at: later })).toMatchObject({
      outcome: 'refused',
      reason: 'absent',
    });
    const documents = (await repository.getDraft(draft.id))?.documents;
    expect(documents?.['doc-1']).toEqual(aDocument('doc-1', { status: 'ACCEPTED', scan: 'unscanned', size: 1200, checkedAt: later }));
    expect(documents?.['doc-2']).toEqual(aDocument('doc-2', { status: 'REFUSED', reason: 'wrong-format', size: 77, checkedAt: later }));
  });

  it('removes a document of a DRAFT once; then it is absent; a draft with none left reads as one that never had any', async () => {
    const { repository, draft } = await created();
    await repository.addDraftDocument(draft.id, aDocument('doc-1'), { max: 20, at: AT });
    expect(await repository.removeDraftDocument(draft.id, 'doc-1', AT)).toEqual({ outcome: 'done' });
    expect(await repository.removeDraftDocument(draft.id, 'doc-1', AT)).toMatchObject({ outcome: 'refused', reason: 'absent' });
    expect(await repository.settleDraftDocument(draft.id, 'doc-1', { status: 'ACCEPTED', scan: 'clean', size: 1, at: AT })).toMatchObject({
      outcome: 'refused',
      reason: 'absent',
    });
    expect((await repository.getDraft(draft.id))?.documents).toBeUndefined();
    expect(await repository.removeDraftDocument('nobody', 'doc-1', AT)).toEqual({ outcome: 'refused', reason: 'missing' });
  });

  it('twenty-one uploads at once into room for twenty: exactly twenty stored', async () => {
    const { repository, draft } = await created();
    const results = await Promise.all(Array.from({ length: 21 }, (_, i) => repository.addDraftDocument(draft.id, aDocument(`doc-${i}`), { max: 20, at: AT })));
    expect(results.filter((r) => r.outcome === 'done')).toHaveLength(20);
    expect(results.filter((r) => r.outcome === 'refused' && r.reason === 'full')).toHaveLength(1);
    expect(Object.keys((await repository.getDraft(draft.id))?.documents ?? {})).toHaveLength(20);
  });
});
