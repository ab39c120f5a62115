import { describe, expect, it } from 'vitest';
import { LEGACY_LINE_LABEL } from '../../../shared/domain/budget.ts';
import { hmacSigner } from '../../../shared/links/signing.ts';
import type { Workflow } from '../../../shared/ports/index.ts';
import type { ApplicationInput } from '../../../shared/schemas/application.ts';
import type { Call } from '../../../shared/schemas/call.ts';
import { confirmDraft, returnDraft, showDraft } from '../../../shared/use-cases/drafts.ts';
import { submitApplication, type SubmitApplicationPorts } from '../../../shared/use-cases/submit-application.ts';
import { aCall, anApplication } from '../../fixtures/domain.ts';
import { FakeClock, FakeMailer } from '../../fixtures/fake-ports.ts';
import { MemoryRepository } from '../../fixtures/memory-repository.ts';

/**
 * `POST /applications` with its one-page body on a call where the Moroccan partner confirms first:
 * nothing is filed; the body becomes a joint dossier awaiting the partner, who confirms it (then it
 * is filed through the drafts' path) or sends it back. Calls that need no confirmation file as before.
 */

const BASE = 'https://fonds.example.org';
const LEAD = 'claire.martin@example.org';
const PARTNER = 'youssef.alaoui@example.org';

/** A call with both sides of the fund: the partner confirms unless the call says otherwise. */
const jointCall = (overrides: Partial<Call> = {}): Call =>
  aCall({
    envelopes: { FR: { amount: 300_000, currency: 'EUR' }, MA: { amount: 3_240_000, currency: 'MAD' } },
    madPerEur: 10.8,
    partnerConfirmationDays: 10,
    ...overrides,
  });

async function world(call: Call = jointCall()) {
  const repository = new MemoryRepository();
  await repository.putCall(call);
  const mailer = new FakeMailer();
  const clock = new FakeClock('2027-01-10T09:00:00.000Z');
  const started: string[] = [];
  const workflow: Workflow = { start: async (id) => void started.push(id), succeedTask: async () => undefined };
  let ids = 0;
  const ports: SubmitApplicationPorts = {
    repository,
    mailer,
    clock,
    workflow,
    signer: hmacSigner(async () => 'a-test-signing-secret-of-32-chars!'),
    newId: () => `legacy${String(++ids).padStart(16, '0')}`,
  };
  const submit = (body: unknown = anApplication(), idempotencyKey?: string) =>
    submitApplication(ports, { body, idempotencyKey, language: 'en', baseUrl: BASE });
  return { repository, mailer, clock, started, ports, submit };
}

/** The `sig` of the first draft link in an email. */
const sigIn = (html: string | undefined) => {
  const match = /\/drafts\/[^"?]+\?sig=([^"&]+)/.exec((html ?? '').replaceAll('&amp;', '&'));
  return decodeURIComponent(match?.[1] ?? '');
};

describe('POST /applications on a call where the partner confirms', () => {
  it('files nothing: the body becomes a dossier awaiting the partner, who is emailed its link; its confirmation files it with the mapped budget', async () => {
    const { repository, mailer, started, ports, submit } = await world();
    const result = await submit();
    expect(result).toEqual({
      id: 'legacy0000000000000001',
      status: 'AWAITING_PARTNER',
      editUrl: expect.stringMatching(`^${BASE}/drafts/legacy0000000000000001\\?sig=`),
    });
    const { id } = result;
    expect(await repository.getApplication(id)).toBeUndefined();
    expect(started).toEqual([]);

    // The partner is asked to confirm, with its own link; the lead is told the request went to the partner.
    expect(mailer.to(PARTNER).map((m) => m.subject)).toEqual([expect.stringContaining('Your confirmation is awaited')]);
    expect(mailer.to(LEAD).map((m) => m.subject)).toEqual([expect.stringContaining('Request to file sent to the partner')]);
    const partner = { id, sig: sigIn(mailer.to(PARTNER)[0]?.html), baseUrl: BASE };
    const lead = { id, sig: new URL(result.status === 'AWAITING_PARTNER' ? result.editUrl : '').searchParams.get('sig') ?? '', baseUrl: BASE };

    // The dossier both see: the body as given, its budget as an application stored with its totals reads.
    const seen = await showDraft(ports, partner);
    expect(seen).toMatchObject({ status: 'AWAITING_PARTNER', role: 'partner', callId: '2027-T1' });
    expect(seen.dossier).toEqual({
      project: anApplication().project,
      leadAuthority: anApplication().leadAuthority,
      partnerAuthority: anApplication().partnerAuthority,
      budget: {
        lines: [{ year: 1, category: 'other', label: LEGACY_LINE_LABEL, amount: 120_000 }],
        funding: { lead: { cash: 70_000, inKind: 0 }, partner: { cash: 0, inKind: 0 }, fundFR: 50_000, fundMA: 0, others: [] },
      },
    });
    expect(seen.history.map((e) => [e.action, e.role, e.email])).toEqual([
      ['created', 'lead', LEAD],
      ['submit-requested', 'lead', LEAD],
    ]);
    expect((await showDraft(ports, lead)).role).toBe('lead');
    // The lead may not confirm its own request.
    await expect(confirmDraft(ports, lead)).rejects.toMatchObject({ name: 'WrongRoleError' });

    const filed = await confirmDraft(ports, partner);
    expect(filed).toMatchObject({ id, status: 'SUBMITTED', trackingUrl: expect.stringContaining(`/applications/${id}?token=`) });
    expect(started).toEqual([id]);
    const app = await repository.getApplication(id);
    expect(app).toMatchObject({ status: 'SUBMITTED', language: 'en', project: anApplication().project, partnerAuthority: anApplication().partnerAuthority });
    // The totals everything downstream reads are the body's.
    expect(app?.budget).toMatchObject({ totalCost: 120_000, requestedAmount: 50_000, funding: { fundFR: 50_000, fundMA: 0 } });
  });

  it('the partner sends it back: DRAFT again, the lead emailed the comment with its own link', async () => {
    const { mailer, ports, submit, started } = await world();
    const { id } = await submit();
    const partner = { id, sig: sigIn(mailer.to(PARTNER)[0]?.html), baseUrl: BASE };
    expect(await returnDraft(ports, { ...partner, body: { comment: 'Le budget est à détailler par année.' } })).toEqual({ id, status: 'DRAFT' });
    const returned = mailer.to(LEAD).at(-1);
    expect(returned?.text).toContain('Le budget est à détailler par année.');
    const leadSig = sigIn(returned?.html);
    expect((await showDraft(ports, { id, sig: leadSig })).role).toBe('lead');
    expect(started).toEqual([]);
  });

  it('with an Idempotency-Key: a replay answers the same id and emails nobody again; another body is refused; after the confirmation, the filed application', async () => {
    const { repository, mailer, ports, submit } = await world();
    const first = await submit(anApplication(), 'k-1');
    expect(await submit(anApplication(), 'k-1')).toEqual(first);
    expect(mailer.sent).toHaveLength(2);
    expect(await repository.listDrafts('2027-T1')).toHaveLength(1);
    await expect(submit(anApplication({ budget: { totalCost: 120_000, requestedAmount: 60_000 } }), 'k-1')).rejects.toMatchObject({
      name: 'IdempotencyConflictError',
    });

    await confirmDraft(ports, { id: first.id, sig: sigIn(mailer.to(PARTNER)[0]?.html), baseUrl: BASE });
    expect(await submit(anApplication(), 'k-1')).toEqual({
      id: first.id,
      status: 'SUBMITTED',
      trackingUrl: expect.stringContaining(`/applications/${first.id}?token=`),
    });
  });

  it('a replay after the partner sent it back is refused (409): the lead goes on through its own link', async () => {
    const { mailer, ports, submit } = await world();
    const { id } = await submit(anApplication(), 'k-2');
    await returnDraft(ports, { id, sig: sigIn(mailer.to(PARTNER)[0]?.html), baseUrl: BASE, body: { comment: 'À revoir.' } });
    await expect(submit(anApplication(), 'k-2')).rejects.toMatchObject({ name: 'DraftStateError' });
  });

  it('an email that failed is sent by the retry with the same key, and the one that went out is not sent again', async () => {
    const { mailer, submit } = await world();
    mailer.failNext(new Error('SES throttled'));
    await expect(submit(anApplication(), 'k-3')).rejects.toThrow('SES throttled');
    expect(mailer.sent).toHaveLength(0);
    expect(await submit(anApplication(), 'k-3')).toMatchObject({ status: 'AWAITING_PARTNER' });
    expect(mailer.to(PARTNER)).toHaveLength(1);
    expect(mailer.to(LEAD)).toHaveLength(1);
    expect(await submit(anApplication(), 'k-3')).toMatchObject({ status: 'AWAITING_PARTNER' });
    expect(mailer.sent).toHaveLength(2);
  });

  it('refuses as before: an invalid body (400) or a closed call (409) stores nothing and emails nobody', async () => {
    const { repository, mailer, clock, submit } = await world();
    const { budget: _, ...noBudget } = anApplication();
    await expect(submit(noBudget as ApplicationInput, 'k-4')).rejects.toMatchObject({ name: 'ValidationError' });
    clock.set('2027-04-01T00:00:00.000Z');
    await expect(submit(anApplication(), 'k-5')).rejects.toMatchObject({ name: 'CallClosedError' });
    expect(await repository.listDrafts('2027-T1')).toEqual([]);
    expect(repository.idempotencyKeys.size).toBe(0);
    expect(mailer.sent).toEqual([]);
  });
});

describe('POST /applications on a call that needs no confirmation', () => {
  it.each([
    ['written before the joint dossier (no Moroccan side)', aCall()],
    ['with both envelopes, saying so', jointCall({ requirePartnerConfirmation: false })],
  ])('files at once, as before: %s', async (_, call) => {
    const { repository, mailer, started, submit } = await world(call);
    const result = await submit();
    expect(result).toEqual({
      id: 'legacy0000000000000001',
      status: 'SUBMITTED',
      trackingUrl: expect.stringContaining('/applications/legacy0000000000000001?token='),
    });
    expect(started).toEqual([result.id]);
    expect((await repository.getApplication(result.id))?.budget).toEqual({ totalCost: 120_000, requestedAmount: 50_000 });
    expect(await repository.listDrafts('2027-T1')).toEqual([]);
    expect(mailer.sent).toEqual([]);
  });
});
