import { describe, expect, it } from 'vitest';
import { hmacSigner } from '../../../shared/links/signing.ts';
import type { Workflow } from '../../../shared/ports/index.ts';
import {
  confirmDraft,
  createDraft,
  invitePartner,
  requestFiling,
  returnDraft,
  saveDraft,
  showDraft,
  type DraftPorts,
} from '../../../shared/use-cases/drafts.ts';
import type { Call } from '../../../shared/schemas/call.ts';
import { aCall } from '../../fixtures/domain.ts';
import { aDossier, LEAD_CONTACT, PARTNER_CONTACT } from '../../fixtures/dossier.ts';
import { FakeClock, FakeMailer } from '../../fixtures/fake-ports.ts';
import { MemoryRepository } from '../../fixtures/memory-repository.ts';

const BASE = 'https://fonds.example.org';

async function world(call: Partial<Call> = {}) {
  const repository = new MemoryRepository();
  await repository.putCall(
    aCall({ madPerEur: 10.8, closesAt: '2027-03-31T23:59:59Z', partnerConfirmationDays: 10, requirePartnerConfirmation: true, ...call }),
  );
  const mailer = new FakeMailer();
  const clock = new FakeClock('2027-01-10T09:00:00.000Z');
  const started: string[] = [];
  /** How many starts fail before one succeeds (the workflow service down for a moment). */
  const failing = { starts: 0 };
  const workflow: Workflow = {
    start: async (id) => {
      if (failing.starts > 0) {
        failing.starts -= 1;
        throw new Error('Step Functions unavailable');
      }
      started.push(id);
    },
    succeedTask: async () => undefined,
  };
  const ports: DraftPorts = { repository, mailer, clock, workflow, signer: hmacSigner(async () => 'a-test-signing-secret-of-32-chars!') };
  const created = await createDraft(ports, { body: { callId: '2027-T1', leadAuthority: aDossier().leadAuthority }, language: 'en', baseUrl: BASE });
  const leadSig = new URL(created.editUrl).searchParams.get('sig') ?? '';
  const as = (sig: string) => ({ id: created.id, sig, baseUrl: BASE });
  return { repository, mailer, clock, started, failing, ports, created, lead: as(leadSig), as };
}

const sigOf = (html: string, marker = '/drafts/') => {
  const match = new RegExp(`${marker}[^"?]+\\?sig=([^"&]+)`).exec(html.replaceAll('&amp;', '&'));
  return decodeURIComponent(match?.[1] ?? '');
};

describe('a draft from creation to filing', () => {
  it('the lead creates, both build, the lead asks to file, the partner confirms: the same id is filed and its workflow starts', async () => {
    const { repository, mailer, clock, started, ports, created, lead, as } = await world();
    expect(created).toMatchObject({ version: 1, status: 'DRAFT', editUrl: expect.stringMatching(`^${BASE}/drafts/${created.id}\\?sig=`) });
    expect(mailer.to(LEAD_CONTACT.email)).toHaveLength(1);
    expect(mailer.sent[0]?.subject).toMatch(/^Your application in preparation \/ Votre dossier en préparation/);

    expect(await saveDraft(ports, { ...lead, ifMatch: '"1"', body: { ...aDossier(), partnerAuthority: { name: 'Commune de Chefchaouen' } } })).toEqual({
      outcome: 'saved',
      version: 2,
    });
    await invitePartner(ports, { ...lead, body: { contact: PARTNER_CONTACT } });
    const partnerSig = sigOf(mailer.to(PARTNER_CONTACT.email)[0]?.html ?? '');
    const partner = as(partnerSig);
    expect((await showDraft(ports, partner)).role).toBe('partner');

    // The partner completes its own section; the lead's stale save is refused with what is stored now.
    clock.advance(60);
    expect(await saveDraft(ports, { ...partner, ifMatch: '"2"', body: { partnerAuthority: aDossier().partnerAuthority } })).toEqual({
      outcome: 'saved',
      version: 3,
    });
    const stale = await saveDraft(ports, { ...lead, ifMatch: '"2"', body: {} });
    expect(stale).toMatchObject({ outcome: 'stale', current: { version: 3, dossier: aDossier() } });

    // The partner may not ask to file; the lead may not confirm.
    await expect(requestFiling(ports, partner)).rejects.toMatchObject({ name: 'WrongRoleError' });
    expect(await requestFiling(ports, lead)).toEqual({ id: created.id, status: 'AWAITING_PARTNER' });
    await expect(confirmDraft(ports, lead)).rejects.toMatchObject({ name: 'WrongRoleError' });
    // No save while the partner decides.
    await expect(saveDraft(ports, { ...lead, ifMatch: '"3"', body: {} })).rejects.toMatchObject({ name: 'DraftStateError' });
    expect(mailer.to(PARTNER_CONTACT.email).map((m) => m.subject)).toEqual([
      expect.stringContaining('Invitation to complete a joint application'),
      expect.stringContaining('Your confirmation is awaited'),
    ]);

    const filed = await confirmDraft(ports, partner);
    expect(filed).toMatchObject({ id: created.id, status: 'SUBMITTED', trackingUrl: expect.stringContaining(`/applications/${created.id}?token=`) });
    expect(started).toEqual([created.id]);
    const app = await repository.getApplication(created.id);
    expect(app?.budget).toMatchObject({ totalCost: 120_000, requestedAmount: 60_000, funding: { fundMA: 324_000 } });
    expect(app).toMatchObject({ status: 'SUBMITTED', language: 'en', partnerAuthority: aDossier().partnerAuthority });
    // A replay answers the same; nothing more can be saved.
    expect(await confirmDraft(ports, partner)).toEqual(filed);
    expect(started).toEqual([created.id]);
    await expect(saveDraft(ports, { ...lead, ifMatch: '"3"', body: {} })).rejects.toMatchObject({ name: 'DraftGoneError' });

    const history = (await showDraft(ports, lead)).history;
    expect(history.map((e) => [e.action, e.role])).toEqual([
      ['created', 'lead'],
      ['saved', 'lead'],
      ['invited', 'lead'],
      ['saved', 'partner'],
      ['submit-requested', 'lead'],
      ['confirmed', 'partner'],
    ]);
    expect(history[3]).toMatchObject({ email: PARTNER_CONTACT.email, sections: ['partnerAuthority'] });
  });

  it('a filing that fails after the draft was marked filed is undone, and the partner’s retry files it, once', async () => {
    const { repository, mailer, started, failing, ports, lead, as, created } = await world({ requirePartnerConfirmation: true });
    await saveDraft(ports, { ...lead, ifMatch: '"1"', body: aDossier() });
    await invitePartner(ports, { ...lead, body: { contact: PARTNER_CONTACT } });
    await requestFiling(ports, lead);
    const partner = as(sigOf(mailer.to(PARTNER_CONTACT.email).at(-1)?.html ?? ''));
    failing.starts = 1;
    await expect(confirmDraft(ports, partner)).rejects.toThrow('Step Functions unavailable');
    // Marked filed, but no application without its workflow is left behind.
    expect((await repository.getDraft(created.id))?.status).toBe('SUBMITTED');
    expect(await repository.getApplication(created.id)).toBeUndefined();
    expect(started).toEqual([]);
    const filed = await confirmDraft(ports, partner);
    expect(filed).toMatchObject({ id: created.id, status: 'SUBMITTED' });
    expect(await repository.getApplication(created.id)).toMatchObject({ status: 'SUBMITTED' });
    expect(started).toEqual([created.id]);
    expect(await confirmDraft(ports, partner)).toEqual(filed);
    expect(started).toEqual([created.id]);
    expect((await showDraft(ports, lead)).history.filter((e) => e.action === 'confirmed')).toHaveLength(1);
  });

  it('the partner sends it back with a comment: DRAFT again, the lead emailed the comment with its link', async () => {
    const { mailer, ports, lead, as, created } = await world();
    await saveDraft(ports, { ...lead, ifMatch: '"1"', body: aDossier() });
    await requestFiling(ports, lead);
    const partner = as(sigOf(mailer.to(PARTNER_CONTACT.email)[0]?.html ?? ''));
    await expect(returnDraft(ports, { ...lead, body: { comment: 'x' } })).rejects.toMatchObject({ name: 'WrongRoleError' });
    await expect(returnDraft(ports, { ...partner, body: {} })).rejects.toMatchObject({ name: 'ValidationError' });
    expect(await returnDraft(ports, { ...partner, body: { comment: 'Le budget de l’année 2 est à revoir.' } })).toEqual({ id: created.id, status: 'DRAFT' });
    const returned = mailer.to(LEAD_CONTACT.email).at(-1);
    expect(returned?.text).toContain('Le budget de l’année 2 est à revoir.');
    expect((await showDraft(ports, lead)).returnComment).toBe('Le budget de l’année 2 est à revoir.');
    expect(await saveDraft(ports, { ...lead, ifMatch: '"2"', body: aDossier() })).toEqual({ outcome: 'saved', version: 3 });
  });

  it('an incomplete dossier is not asked to be filed: 422 with every missing field, nothing changed', async () => {
    const { repository, ports, lead, created } = await world();
    const error = await requestFiling(ports, lead).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DossierIncompleteError' });
    expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(expect.arrayContaining(['project', 'partnerAuthority', 'budget']));
    expect((await repository.getDraft(created.id))?.status).toBe('DRAFT');
  });

  it('a call that needs no confirmation files at the lead’s request', async () => {
    const { started, ports, lead, created } = await world({ requirePartnerConfirmation: false });
    await saveDraft(ports, { ...lead, ifMatch: '"1"', body: aDossier() });
    expect(await requestFiling(ports, lead)).toMatchObject({ id: created.id, status: 'SUBMITTED' });
    expect(started).toEqual([created.id]);
  });

  it('deadlines: no save after the close; a request made before it may be confirmed for the partner’s days', async () => {
    const { clock, mailer, ports, lead, as } = await world();
    await saveDraft(ports, { ...lead, ifMatch: '"1"', body: aDossier() });
    clock.set('2027-03-31T12:00:00.000Z');
    await requestFiling(ports, lead);
    const partner = as(sigOf(mailer.to(PARTNER_CONTACT.email)[0]?.html ?? ''));
    clock.set('2027-04-01T00:00:00.000Z');
    await expect(saveDraft(ports, { ...lead, ifMatch: '"2"', body: {} })).rejects.toMatchObject({ name: 'DraftStateError' });
    clock.set('2027-04-10T12:00:01.000Z');
    await expect(confirmDraft(ports, partner)).rejects.toMatchObject({ name: 'DraftGoneError' });
    clock.set('2027-04-10T11:59:00.000Z');
    expect(await confirmDraft(ports, partner)).toMatchObject({ status: 'SUBMITTED' });
  });

  it('links: forged, re-addressed or for another id → 403, lapsed → 410, a malformed id → 404; the call closed → no new draft', async () => {
    const { clock, ports, lead, created, mailer } = await world();
    await expect(showDraft(ports, { ...lead, sig: `${lead.sig.slice(0, -1)}${lead.sig.endsWith('A') ? 'B' : 'A'}` })).rejects.toMatchObject({
      name: 'BadSignatureError',
    });
    await expect(showDraft(ports, { ...lead, sig: lead.sig.replace('.l.', '.p.') })).rejects.toMatchObject({ name: 'BadSignatureError' });
    await expect(showDraft(ports, { ...lead, sig: undefined })).rejects.toMatchObject({ name: 'BadSignatureError' });
    // A link is checked before anything is read: one made for another draft is refused as such.
    await expect(showDraft(ports, { ...lead, id: 'x'.repeat(22) })).rejects.toMatchObject({ name: 'BadSignatureError' });
    await expect(showDraft(ports, { ...lead, id: '../../etc' })).rejects.toMatchObject({ name: 'NotFoundError' });
    // Re-inviting another partner takes the first one's link away.
    await invitePartner(ports, { ...lead, body: { contact: PARTNER_CONTACT } });
    const first = sigOf(mailer.to(PARTNER_CONTACT.email)[0]?.html ?? '');
    await invitePartner(ports, { ...lead, body: { contact: { name: 'Autre', email: 'autre@example.ma' } } });
    await expect(showDraft(ports, { ...lead, sig: first })).rejects.toMatchObject({ name: 'BadSignatureError' });
    clock.set('2027-04-11T00:00:00.000Z');
    await expect(showDraft(ports, lead)).rejects.toMatchObject({ name: 'DraftGoneError' });
    await expect(
      createDraft(ports, { body: { callId: '2027-T1', leadAuthority: aDossier().leadAuthority }, language: 'fr', baseUrl: BASE }),
    ).rejects.toMatchObject({
      name: 'CallClosedError',
    });
    await expect(
      createDraft(ports, { body: { callId: 'nope', leadAuthority: aDossier().leadAuthority }, language: 'fr', baseUrl: BASE }),
    ).rejects.toMatchObject({
      name: 'CallNotFoundError',
    });
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('a save', () => {
  it('replaces the sections it holds and keeps the others', async () => {
    const { ports, lead } = await world();
    await saveDraft(ports, { ...lead, ifMatch: '"1"', body: { project: { title: 'Eau potable' } } });
    const view = await showDraft(ports, lead);
    expect(view.dossier).toEqual({ leadAuthority: aDossier().leadAuthority, project: { title: 'Eau potable' } });
    expect(view.history.at(-1)?.sections).toEqual(['project']);
  });
});
