import { TEST_ENV } from './env.ts';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pathTo } from '../../../shared/catalogue/routes.ts';
import { textsFor } from '../../../shared/i18n/index.ts';
import { flatten } from '../../../shared/pages/fields.ts';
import type { Call } from '../../../shared/schemas/call.ts';
import { bodyOf } from '../../fixtures/api-event.ts';
import { ports, request, started } from './in-process.ts';
import { NOW, sampleCall, sampleInput } from './samples.ts';

/**
 * `POST /applications` with the one-page body, on a call where the Moroccan partner confirms before
 * anything is filed: the production handlers in process, routed by the catalogue, on in-memory ports
 * shared by every request (what one stores, the next reads), as the lead and the partner use them.
 */

vi.mock('../../../shared/adapters/wiring.ts', async () => {
  const { ports: inMemory } = await import('./in-process.ts');
  return { wirePorts: () => inMemory, resetWiring: () => undefined };
});

const LEAD = sampleInput().leadAuthority.contact.email;
const PARTNER = sampleInput().partnerAuthority.contact.email;
const JSON_BODY = { 'Content-Type': 'application/json' };

/** Both sides of the fund: the partner confirms, by default. */
const jointCall = (overrides: Partial<Call> = {}) =>
  sampleCall({
    envelopes: { FR: { amount: 750_000, currency: 'EUR' }, MA: { amount: 8_100_000, currency: 'MAD' } },
    madPerEur: 10.8,
    ...overrides,
  });

const submit = (body: unknown, headers: Record<string, string> = {}) =>
  request('POST', pathTo('submitApplication'), { headers: { ...JSON_BODY, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** The draft links in the last email to `address`. */
function draftLinksTo(address: string): string[] {
  const email = ports.mailer.to(address).at(-1);
  return [...(email?.text ?? '').matchAll(/https?:\/\/[^\s<>"')]+\/drafts\/[^\s<>"')]+/g)].map((m) => m[0]);
}

/** An action of the draft, through the `sig` of an edit link. */
const act = (link: string, route: 'confirmDraft' | 'returnDraft', body: unknown = {}) => {
  const url = new URL(link);
  const id = url.pathname.split('/').at(-1) ?? '';
  return request('POST', pathTo(route, { id }, { sig: url.searchParams.get('sig') ?? '' }), { headers: JSON_BODY, body: JSON.stringify(body) });
};

beforeAll(async () => {
  await ports.repository.putCall(jointCall());
  await ports.repository.putCall(sampleCall({ id: 'OLD-2027' }));
  await ports.repository.putCall(jointCall({ id: 'CLOSED-2026', opensAt: '2026-01-01T00:00:00.000Z', closesAt: '2026-03-31T23:59:59.000Z' }));
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  ports.mailer.sent.length = 0;
  started.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('POST /applications, the partner confirming first', () => {
  it('202 awaiting the partner, whose email holds its link; its confirmation files the application (201) with the body’s totals, its workflow started', async () => {
    const res = await submit(sampleInput());
    expect(res.statusCode).toBe(202);
    const body = bodyOf(res) as { id: string; status: string };
    expect(body).toEqual({ id: expect.stringMatching(/^[\w-]{22}$/), status: 'AWAITING_PARTNER' });
    expect(await ports.repository.getApplication(body.id)).toBeUndefined();
    expect(started).toEqual([]);
    expect(ports.mailer.to(LEAD)).toHaveLength(1);

    const [link] = draftLinksTo(PARTNER);
    expect(link).toMatch(`${TEST_ENV.BASE_URL}/drafts/${body.id}?sig=`);
    // The partner reads the dossier through its link.
    const page = await request('GET', link ?? '', { headers: { Accept: 'application/json' } });
    expect(page.statusCode).toBe(200);
    expect(bodyOf(page)).toMatchObject({ id: body.id, status: 'AWAITING_PARTNER', role: 'partner', dossier: { project: sampleInput().project } });

    const confirmed = await act(link ?? '', 'confirmDraft');
    expect(confirmed.statusCode).toBe(201);
    const filed = bodyOf(confirmed) as { id: string; status: string; trackingUrl: string };
    expect(filed).toMatchObject({ id: body.id, status: 'SUBMITTED' });
    expect(started).toEqual([body.id]);
    const app = await ports.repository.getApplication(body.id);
    expect(app).toMatchObject({ status: 'SUBMITTED', callId: '2027-T1', leadAuthority: sampleInput().leadAuthority });
    expect(app?.budget).toMatchObject({ totalCost: 120_000, requestedAmount: 50_000, lines: [{ amount: 120_000 }], funding: { fundFR: 50_000, fundMA: 0 } });
    // Its tracking page answers.
    expect((await request('GET', filed.trackingUrl, { headers: { Accept: 'application/json' } })).statusCode).toBe(200);
  });

  it('the partner sends it back instead: DRAFT, the lead emailed the comment with its own link, nothing filed', async () => {
    const { id } = bodyOf(await submit(sampleInput())) as { id: string };
    const [link] = draftLinksTo(PARTNER);
    const returned = await act(link ?? '', 'returnDraft', { comment: 'Détaillez le budget par année.' });
    expect(returned.statusCode).toBe(200);
    expect(bodyOf(returned)).toEqual({ id, status: 'DRAFT' });
    const email = ports.mailer.to(LEAD).at(-1);
    expect(email?.text).toContain('Détaillez le budget par année.');
    expect(draftLinksTo(LEAD)).toEqual([expect.stringContaining(`/drafts/${id}?sig=`)]);
    expect(await ports.repository.getApplication(id)).toBeUndefined();
    expect(started).toEqual([]);
  });

  it('Idempotency-Key: the same body answers the same id and emails nobody again; another body → 422', async () => {
    const first = await submit(sampleInput(), { 'Idempotency-Key': 'legacy-replay-1' });
    const replay = await submit(sampleInput(), { 'Idempotency-Key': 'legacy-replay-1' });
    expect(replay.statusCode).toBe(202);
    expect(bodyOf(replay)).toEqual(bodyOf(first));
    expect(ports.mailer.sent).toHaveLength(2);
    const other = await submit(sampleInput({ budget: { totalCost: 120_000, requestedAmount: 60_000 } }), { 'Idempotency-Key': 'legacy-replay-1' });
    expect(other.statusCode).toBe(422);
  });

  it('refuses as before, storing nothing: a bad body (400), a closed call (409)', async () => {
    const drafts = async () => (await ports.repository.listDrafts('2027-T1')).length + (await ports.repository.listDrafts('CLOSED-2026')).length;
    const before = await drafts();
    const bad = await submit({ ...sampleInput(), budget: { totalCost: 100, requestedAmount: 200 } }, { 'Idempotency-Key': 'legacy-bad-1' });
    expect(bad.statusCode).toBe(400);
    expect(bodyOf(bad)).toMatchObject({ error: 'VALIDATION_FAILED' });
    const closed = await submit(sampleInput({ callId: 'CLOSED-2026' }), { 'Idempotency-Key': 'legacy-closed-1' });
    expect(closed.statusCode).toBe(409);
    expect(await drafts()).toBe(before);
    expect(ports.repository.idempotencyKeys.has('legacy-bad-1') || ports.repository.idempotencyKeys.has('legacy-closed-1')).toBe(false);
    expect(ports.mailer.sent).toEqual([]);
  });

  it('the form without JavaScript: 303 to the lead’s own page of the dossier, saying it waits for the partner’s confirmation', async () => {
    const fields = { ...flatten(sampleInput()), idempotencyKey: 'form-legacy-0000001' } as Record<string, string>;
    const res = await request('POST', pathTo('submitApplication', {}, { lang: 'en' }), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
      body: new URLSearchParams(fields).toString(),
    });
    expect(res.statusCode).toBe(303);
    const location = String(res.headers?.Location);
    expect(location).toMatch(new RegExp(`^${TEST_ENV.BASE_URL}/drafts/[\\w-]{22}\\?sig=[^&]+\\.l\\.[^&]+&lang=en&notice=requested$`));
    const page = await request('GET', location, { headers: { Accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(textsFor('en').draft.notices.requested);
    expect(ports.mailer.to(PARTNER)).toHaveLength(1);
  });
});

describe('POST /applications on a call written before the joint dossier', () => {
  it('files at once as it always did: 201 SUBMITTED with its tracking URL, its workflow started, nobody emailed', async () => {
    const res = await submit(sampleInput({ callId: 'OLD-2027' }));
    expect(res.statusCode).toBe(201);
    const body = bodyOf(res) as { id: string; status: string; trackingUrl: string };
    expect(body).toMatchObject({ status: 'SUBMITTED', trackingUrl: expect.stringContaining(`/applications/${body.id}?token=`) });
    expect(started).toEqual([body.id]);
    expect((await ports.repository.getApplication(body.id))?.budget).toEqual({ totalCost: 120_000, requestedAmount: 50_000 });
    expect(ports.mailer.sent).toEqual([]);
  });
});
