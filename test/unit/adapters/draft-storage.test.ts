import { describe, expect, it } from 'vitest';
import { DRAFT_EVENTS_IN_ITEM } from '../../../shared/adapters/dynamodb-repository.ts';
import type { DraftEvent } from '../../../shared/domain/draft.ts';
import type { DraftSave } from '../../../shared/ports/index.ts';
import { aDossier, aDraft, LEAD_CONTACT, PARTNER_CONTACT } from '../../fixtures/dossier.ts';
import { bothRepositories } from '../../fixtures/repositories.ts';

/** The drafts' storage, the same promises over the in-memory repository and the DynamoDB adapter on dynalite. */
let n = 0;
const repositories = bothRepositories();

const LEAD_TAG = 'lead-tag-0000001';
const PARTNER_TAG = 'partner-tag-0001';

const event = (action: DraftEvent['action'], at: string, extra: Partial<DraftEvent> = {}): DraftEvent => ({
  at,
  role: 'lead',
  email: LEAD_CONTACT.email,
  action,
  ...extra,
});

/** A save by the lead (its link's tag) from `version`. */
const save = (version: number, sections: DraftSave['sections'], at: string, by: DraftSave['by'] = { role: 'lead', tag: LEAD_TAG }): DraftSave => ({
  expectedVersion: version,
  sections,
  by,
  at,
});

describe.each(repositories)('drafts in the repository %s', (_, make) => {
  async function created(overrides: Parameters<typeof aDraft>[0] = {}) {
    const repository = make();
    const draft = aDraft({ id: `draft-${++n}-${Date.now()}`, callId: `call-${n}`, linkTags: { lead: LEAD_TAG }, ...overrides });
    expect(await repository.createDraft(draft, event('created', draft.createdAt))).toBe('created');
    return { repository, draft };
  }

  it('creates a draft once, reads it back as it was stored', async () => {
    const { repository, draft } = await created();
    expect(await repository.createDraft({ ...draft, version: 7 }, event('created', draft.createdAt))).toBe('exists');
    expect(await repository.getDraft(draft.id)).toEqual(draft);
    expect(await repository.getDraft('nobody')).toBeUndefined();
  });

  it('a save replaces the sections it holds, at the version it started from and only there; history says who saved which sections', async () => {
    const { repository, draft } = await created();
    const saved = await repository.saveDraft(draft.id, save(1, { project: aDossier().project, budget: aDossier().budget }, '2027-01-11T08:00:00.000Z'));
    expect(saved).toEqual({ outcome: 'saved', version: 2 });
    const expected = { ...draft.dossier, project: aDossier().project, budget: aDossier().budget };
    const stale = await repository.saveDraft(draft.id, save(1, {}, '2027-01-11T08:00:01.000Z'));
    expect(stale).toEqual({ outcome: 'stale', current: expect.objectContaining({ version: 2, dossier: expected }) });
    expect(await repository.getDraft(draft.id)).toMatchObject({ version: 2, dossier: expected, updatedAt: '2027-01-11T08:00:00.000Z' });
    expect(await repository.getDraftHistory(draft.id)).toEqual([
      event('created', draft.createdAt),
      event('saved', '2027-01-11T08:00:00.000Z', { sections: ['project', 'budget'] }),
    ]);
    // Every section at once replaces the whole dossier.
    const whole = aDossier({ project: { ...aDossier().project, title: 'Tout' } });
    expect(await repository.saveDraft(draft.id, save(2, whole, '2027-01-11T08:00:02.000Z'))).toEqual({ outcome: 'saved', version: 3 });
    expect((await repository.getDraft(draft.id))?.dossier).toEqual(whole);
  });

  it('two saves from the same version at once: exactly one is taken, the other is told the current draft', async () => {
    const { repository, draft } = await created();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => repository.saveDraft(draft.id, save(1, { project: { title: `Titre ${i}` } }, `2027-01-11T08:00:0${i}.000Z`))),
    );
    expect(results.filter((r) => r.outcome === 'saved')).toEqual([{ outcome: 'saved', version: 2 }]);
    expect(results.filter((r) => r.outcome === 'stale')).toHaveLength(7);
    const stored = await repository.getDraft(draft.id);
    const winner = results.findIndex((r) => r.outcome === 'saved');
    expect(stored?.dossier).toEqual({ ...draft.dossier, project: { title: `Titre ${winner}` } });
    expect(await repository.getDraftHistory(draft.id)).toHaveLength(2);
  });

  it('a save is refused, with nothing written, for a link whose contact is not the role’s, after the close, or for an unknown draft', async () => {
    const { repository, draft } = await created({ closesAt: '2027-03-31T23:59:59.000Z' });
    const at = '2027-01-11T08:00:00.000Z';
    expect(await repository.saveDraft(draft.id, save(1, { project: { title: 'X' } }, at, { role: 'lead', tag: 'someone-else-000' }))).toMatchObject({
      outcome: 'refused',
      reason: 'contact',
    });
    // No partner yet: no partner link saves.
    expect(await repository.saveDraft(draft.id, save(1, { project: { title: 'X' } }, at, { role: 'partner', tag: PARTNER_TAG }))).toMatchObject({
      outcome: 'refused',
      reason: 'contact',
    });
    expect(await repository.saveDraft(draft.id, save(1, { project: { title: 'X' } }, '2027-03-31T23:59:59.000Z'))).toMatchObject({
      outcome: 'refused',
      reason: 'closed',
    });
    expect(await repository.saveDraft('nobody', save(1, {}, at))).toEqual({ outcome: 'refused', reason: 'missing' });
    expect(await repository.getDraft(draft.id)).toEqual(draft);
    expect(await repository.getDraftHistory(draft.id)).toHaveLength(1);

    // The call's close moved: the draft's moves with it, and the save is taken.
    await repository.moveDraftsClose(draft.callId, '2027-04-30T23:59:59+02:00');
    expect((await repository.getDraft(draft.id))?.closesAt).toBe('2027-04-30T21:59:59.000Z');
    expect(await repository.saveDraft(draft.id, save(1, { project: { title: 'X' } }, '2027-04-01T00:00:00.000Z'))).toEqual({ outcome: 'saved', version: 2 });
  });

  it('moves a status only from the one it names (and at the version it names), storing the patch', async () => {
    const { repository, draft } = await created();
    const at = '2027-01-12T08:00:00.000Z';
    expect(await repository.changeDraftStatus(draft.id, { from: 'DRAFT', to: 'AWAITING_PARTNER', version: 2 }, event('submit-requested', at))).toEqual({
      outcome: 'refused',
      current: expect.objectContaining({ status: 'DRAFT', version: 1 }),
    });
    const request = { from: 'DRAFT', to: 'AWAITING_PARTNER', version: 1 } as const;
    const partner = { contact: PARTNER_CONTACT, tag: PARTNER_TAG };
    expect(await repository.changeDraftStatus(draft.id, request, event('submit-requested', at), { submitRequestedAt: at, partner })).toEqual({
      outcome: 'changed',
    });
    expect(await repository.changeDraftStatus(draft.id, request, event('submit-requested', at), { submitRequestedAt: at, partner })).toEqual({
      outcome: 'unchanged',
    });
    expect(await repository.getDraft(draft.id)).toMatchObject({
      status: 'AWAITING_PARTNER',
      submitRequestedAt: at,
      updatedAt: at,
      partner: PARTNER_CONTACT,
      linkTags: { lead: LEAD_TAG, partner: PARTNER_TAG },
    });
    // A save is refused once the draft has left DRAFT: nothing written.
    expect(await repository.saveDraft(draft.id, save(1, {}, at))).toEqual({
      outcome: 'refused',
      reason: 'status',
      current: expect.objectContaining({ status: 'AWAITING_PARTNER' }),
    });

    const back = event('returned', '2027-01-13T08:00:00.000Z', { role: 'partner', email: PARTNER_CONTACT.email, comment: 'Budget à revoir' });
    expect(await repository.changeDraftStatus(draft.id, { from: 'AWAITING_PARTNER', to: 'DRAFT' }, back, { returnComment: 'Budget à revoir' })).toEqual({
      outcome: 'changed',
    });
    const returned = await repository.getDraft(draft.id);
    expect(returned).toMatchObject({ status: 'DRAFT', returnComment: 'Budget à revoir' });
    expect(returned?.submitRequestedAt).toBeUndefined();
    expect((await repository.getDraftHistory(draft.id)).map((e) => e.action)).toEqual(['created', 'submit-requested', 'returned']);
    expect((await repository.getDraftHistory(draft.id))[2]).toEqual(back);
    // The partner's link now saves, and the history names the partner.
    expect(
      await repository.saveDraft(draft.id, save(1, { project: { title: 'Y' } }, '2027-01-14T08:00:00.000Z', { role: 'partner', tag: PARTNER_TAG })),
    ).toEqual({
      outcome: 'saved',
      version: 2,
    });
    expect((await repository.getDraftHistory(draft.id)).at(-1)).toEqual({
      at: '2027-01-14T08:00:00.000Z',
      role: 'partner',
      email: PARTNER_CONTACT.email,
      action: 'saved',
      sections: ['project'],
    });
  });

  it('stores the partner’s contact and its tag on a DRAFT only', async () => {
    const { repository, draft } = await created();
    const partner = { contact: PARTNER_CONTACT, tag: PARTNER_TAG };
    expect(await repository.setDraftPartner(draft.id, partner, event('invited', '2027-01-12T08:00:00.000Z'))).toBe(true);
    expect(await repository.getDraft(draft.id)).toMatchObject({ partner: PARTNER_CONTACT, linkTags: { lead: LEAD_TAG, partner: PARTNER_TAG } });
    await repository.changeDraftStatus(draft.id, { from: 'DRAFT', to: 'SUBMITTED' }, event('confirmed', '2027-01-13T08:00:00.000Z'));
    expect(
      await repository.setDraftPartner(
        draft.id,
        { contact: { name: 'X', email: 'x@x.ma' }, tag: 'x-tag-0000000001' },
        event('invited', '2027-01-14T08:00:00.000Z'),
      ),
    ).toBe(false);
    expect((await repository.getDraft(draft.id))?.partner).toEqual(PARTNER_CONTACT);
  });

  it(`keeps every event when a draft is saved more than ${DRAFT_EVENTS_IN_ITEM} times, in order`, async () => {
    const { repository, draft } = await created();
    const saves = Math.round(DRAFT_EVENTS_IN_ITEM * 2.5);
    for (let i = 1; i <= saves; i++) {
      const at = new Date(Date.parse('2027-01-11T08:00:00.000Z') + i * 1000).toISOString();
      expect(await repository.saveDraft(draft.id, save(i, { project: { title: `Titre ${i}` } }, at))).toEqual({ outcome: 'saved', version: i + 1 });
    }
    const history = await repository.getDraftHistory(draft.id);
    expect(history).toHaveLength(saves + 1);
    expect(history.map((e) => e.at)).toEqual([...history.map((e) => e.at)].sort());
    expect(history.every((e) => e.email === LEAD_CONTACT.email)).toBe(true);
    expect((await repository.getDraft(draft.id))?.dossier.project?.title).toBe(`Titre ${saves}`);
  }, 60_000);

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
