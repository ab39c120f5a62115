import { describe, expect, it } from 'vitest';
import type { DraftEvent } from '../../../shared/domain/draft.ts';
import { aDossier, aDraft, LEAD_CONTACT, PARTNER_CONTACT } from '../../fixtures/dossier.ts';
import { bothRepositories } from '../../fixtures/repositories.ts';

/** The drafts' storage, the same promises over the in-memory repository and the DynamoDB adapter on dynalite. */
let n = 0;
const repositories = bothRepositories();

const event = (action: DraftEvent['action'], at: string, extra: Partial<DraftEvent> = {}): DraftEvent => ({
  at,
  role: 'lead',
  email: LEAD_CONTACT.email,
  action,
  ...extra,
});

describe.each(repositories)('drafts in the repository %s', (_, make) => {
  async function created(overrides: Parameters<typeof aDraft>[0] = {}) {
    const repository = make();
    const draft = aDraft({ id: `draft-${++n}-${Date.now()}`, callId: `call-${n}`, ...overrides });
    expect(await repository.createDraft(draft, event('created', draft.createdAt))).toBe('created');
    return { repository, draft };
  }

  it('creates a draft once, reads it back as it was stored', async () => {
    const { repository, draft } = await created();
    expect(await repository.createDraft({ ...draft, version: 7 }, event('created', draft.createdAt))).toBe('exists');
    expect(await repository.getDraft(draft.id)).toEqual(draft);
    expect(await repository.getDraft('nobody')).toBeUndefined();
  });

  it('a save is taken at the version it started from, and only there; history says who saved which sections', async () => {
    const { repository, draft } = await created();
    const saved = await repository.saveDraft(draft.id, 1, aDossier(), event('saved', '2027-01-11T08:00:00.000Z', { sections: ['project', 'budget'] }));
    expect(saved).toEqual({ outcome: 'saved', version: 2 });
    const stale = await repository.saveDraft(draft.id, 1, {}, event('saved', '2027-01-11T08:00:01.000Z', { role: 'partner', email: PARTNER_CONTACT.email }));
    expect(stale).toEqual({ outcome: 'stale', current: expect.objectContaining({ version: 2, dossier: aDossier() }) });
    expect(await repository.getDraft(draft.id)).toMatchObject({ version: 2, dossier: aDossier(), updatedAt: '2027-01-11T08:00:00.000Z' });
    expect(await repository.getDraftHistory(draft.id)).toEqual([
      event('created', draft.createdAt),
      event('saved', '2027-01-11T08:00:00.000Z', { sections: ['project', 'budget'] }),
    ]);
  });

  it('two saves from the same version at once: exactly one is taken, the other is told the current draft', async () => {
    const { repository, draft } = await created();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        repository.saveDraft(draft.id, 1, { project: { title: `Titre ${i}` } }, event('saved', `2027-01-11T08:00:0${i}.000Z`, { sections: ['project'] })),
      ),
    );
    expect(results.filter((r) => r.outcome === 'saved')).toEqual([{ outcome: 'saved', version: 2 }]);
    expect(results.filter((r) => r.outcome === 'stale')).toHaveLength(7);
    const stored = await repository.getDraft(draft.id);
    const winner = results.findIndex((r) => r.outcome === 'saved');
    expect(stored?.dossier).toEqual({ project: { title: `Titre ${winner}` } });
    expect(await repository.getDraftHistory(draft.id)).toHaveLength(2);
  });

  it('moves a status only from the one it names (and at the version it names), storing the patch', async () => {
    const { repository, draft } = await created();
    const at = '2027-01-12T08:00:00.000Z';
    expect(await repository.changeDraftStatus(draft.id, { from: 'DRAFT', to: 'AWAITING_PARTNER', version: 2 }, event('submit-requested', at))).toEqual({
      outcome: 'refused',
      current: expect.objectContaining({ status: 'DRAFT', version: 1 }),
    });
    const request = { from: 'DRAFT', to: 'AWAITING_PARTNER', version: 1 } as const;
    expect(await repository.changeDraftStatus(draft.id, request, event('submit-requested', at), { submitRequestedAt: at })).toEqual({ outcome: 'changed' });
    expect(await repository.changeDraftStatus(draft.id, request, event('submit-requested', at), { submitRequestedAt: at })).toEqual({ outcome: 'unchanged' });
    expect(await repository.getDraft(draft.id)).toMatchObject({ status: 'AWAITING_PARTNER', submitRequestedAt: at, updatedAt: at });
    // A save is refused once the draft has left DRAFT: nothing written.
    expect(await repository.saveDraft(draft.id, 1, {}, event('saved', at))).toEqual({
      outcome: 'gone',
      current: expect.objectContaining({ status: 'AWAITING_PARTNER' }),
    });
    expect(await repository.saveDraft('nobody', 1, {}, event('saved', at))).toEqual({ outcome: 'gone' });

    const back = event('returned', '2027-01-13T08:00:00.000Z', { role: 'partner', email: PARTNER_CONTACT.email, comment: 'Budget à revoir' });
    expect(await repository.changeDraftStatus(draft.id, { from: 'AWAITING_PARTNER', to: 'DRAFT' }, back, { returnComment: 'Budget à revoir' })).toEqual({
      outcome: 'changed',
    });
    const returned = await repository.getDraft(draft.id);
    expect(returned).toMatchObject({ status: 'DRAFT', returnComment: 'Budget à revoir' });
    expect(returned?.submitRequestedAt).toBeUndefined();
    expect((await repository.getDraftHistory(draft.id)).map((e) => e.action)).toEqual(['created', 'submit-requested', 'returned']);
    expect((await repository.getDraftHistory(draft.id))[2]).toEqual(back);
  });

  it('stores the partner’s contact on a DRAFT only', async () => {
    const { repository, draft } = await created();
    expect(await repository.setDraftPartner(draft.id, PARTNER_CONTACT, event('invited', '2027-01-12T08:00:00.000Z'))).toBe(true);
    expect((await repository.getDraft(draft.id))?.partner).toEqual(PARTNER_CONTACT);
    await repository.changeDraftStatus(draft.id, { from: 'DRAFT', to: 'SUBMITTED' }, event('confirmed', '2027-01-13T08:00:00.000Z'));
    expect(await repository.setDraftPartner(draft.id, { name: 'X', email: 'x@x.ma' }, event('invited', '2027-01-14T08:00:00.000Z'))).toBe(false);
    expect((await repository.getDraft(draft.id))?.partner).toEqual(PARTNER_CONTACT);
  });

  it('lists a call’s drafts, oldest first, whatever their status, and no other call’s', async () => {
    const { repository, draft } = await created({ createdAt: '2027-01-10T09:00:00.000Z' });
    const later = aDraft({ id: `${draft.id}-b`, callId: draft.callId, createdAt: '2027-01-11T09:00:00.000Z', status: 'AWAITING_PARTNER' });
    await repository.createDraft(later, event('created', later.createdAt));
    await repository.createDraft(aDraft({ id: `${draft.id}-c`, callId: `${draft.callId}-other` }), event('created', later.createdAt));
    expect((await repository.listDrafts(draft.callId)).map((d) => [d.id, d.status])).toEqual([
      [draft.id, 'DRAFT'],
      [later.id, 'AWAITING_PARTNER'],
    ]);
  });
});
