import '../unit/api/env.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoRepository } from '../../shared/adapters/dynamodb-repository.ts';
import type { ApplicationRecord } from '../../shared/domain/application.ts';
import type { Repository } from '../../shared/ports/index.ts';
import { ENVELOPE_EXHAUSTED, SIDE_EXHAUSTED } from '../../shared/use-cases/award-grant.ts';
import type { AwardGrantOutput } from '../../shared/workflow/contract.ts';
import { TEST_ENV } from '../unit/api/env.ts';
import { n, plan, record } from './support/figures.ts';
import { startCountingTable, type CountingTable } from './support/table.ts';
import { applicationRecord, openCall } from './support/world.ts';

/**
 * Point 3 of SECURITY.md: the award-grant function, unchanged, against a real DynamoDB (dynalite):
 * 50 committees approve at once against an envelope that fits exactly 10 grants. The envelope is
 * the call item's `committed` total and `awarded` set, moved by one conditional write per award.
 * With two envelopes, the Moroccan side's are `committedMA` and `awardedMA` on the same item, each
 * side reserved by its own conditional write (and released by one when the other side is short).
 */
plan(['money', 'award-grant on dynalite'], ['money', 'two envelopes on dynalite']);

type AwardHandler = (event: unknown) => Promise<AwardGrantOutput>;

const GRANT = 10_000;
const FITS = 10;
const APPLICATIONS = 50;
const CALL_ID = 'MONEY-2099';

let table: CountingTable;
let repository: Repository;
let award: AwardHandler;

beforeAll(async () => {
  table = await startCountingTable(TEST_ENV.TABLE_NAME);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = table.endpoint;
  repository = dynamoRepository(table.doc, table.tableName);
  award = (await import('../../functions/award-grant/handler.ts')).handler as AwardHandler;
});
afterAll(async () => {
  await table?.stop();
});

async function inCommittee(count: number, callId: string): Promise<ApplicationRecord[]> {
  const apps = Array.from({ length: count }, () => applicationRecord({ callId, status: 'IN_COMMITTEE' }));
  await Promise.all(apps.map((app) => repository.createApplication(app, { at: app.createdAt, status: 'IN_COMMITTEE', actor: 'workflow' })));
  return apps;
}

/** Both co-chairs approve: France grants `GRANT` euros, Morocco (asked nothing on these calls) 0. */
const bothApprove = (applicationId: string) => ({
  applicationId,
  decisions: [
    { decision: 'approve', grantedFR: GRANT },
    { decision: 'approve', grantedMA: 0 },
  ],
});

describe('the envelope under 50 concurrent awards', () => {
  it(`approves exactly ${FITS}, refuses the other ${APPLICATIONS - FITS} with the reason, never commits above the envelope`, async () => {
    const envelope = GRANT * FITS;
    await repository.putCall(openCall({ id: CALL_ID, envelope, grant: { min: 1_000, max: GRANT } }));
    const apps = await inCommittee(APPLICATIONS, CALL_ID);

    // A reader polls the call item throughout the race: the committed total must never pass the envelope.
    let racing = true;
    let highest = 0;
    let reads = 0;
    const watcher = (async () => {
      while (racing) {
        const call = await repository.getCall(CALL_ID);
        highest = Math.max(highest, call?.committed ?? 0);
        reads += 1;
      }
    })();
    // Five of them awarded twice at once, as Step Functions or Lambda may retry a task.
    const twice = apps.slice(0, 5);
    const invocations = [...apps, ...twice].map((app) => award(bothApprove(app.id)).then((out) => ({ id: app.id, out })));
    const results = await Promise.all(invocations);
    racing = false;
    await watcher;

    const byApp = new Map<string, AwardGrantOutput[]>();
    for (const { id, out } of results) byApp.set(id, [...(byApp.get(id) ?? []), out]);
    // An application awarded twice got the same answer twice.
    for (const app of twice) expect(new Set(byApp.get(app.id)?.map((o) => o.status)).size).toBe(1);

    const outcomes = [...byApp.values()].map((outs) => outs[0] as AwardGrantOutput);
    const approved = outcomes.filter((o) => o.status === 'APPROVED');
    const rejected = outcomes.filter((o) => o.status === 'REJECTED');
    expect(approved).toHaveLength(FITS);
    expect(approved.every((o) => o.grantedFR === GRANT)).toBe(true);
    expect(rejected).toHaveLength(APPLICATIONS - FITS);
    expect(rejected.every((o) => o.reason === ENVELOPE_EXHAUSTED)).toBe(true);

    // What is stored agrees: the envelope, the statuses, the decisions and their reasons.
    const call = await repository.getCall(CALL_ID);
    expect(call?.committed).toBe(envelope);
    expect(highest).toBeLessThanOrEqual(envelope);
    const stored = await Promise.all(apps.map((app) => repository.getApplication(app.id)));
    const approvedIds = stored.filter((a) => a?.status === 'APPROVED').map((a) => a?.id);
    expect(new Set(call?.awarded)).toEqual(new Set(approvedIds));
    expect(stored.filter((a) => a?.status === 'REJECTED').every((a) => a?.decision?.reason === ENVELOPE_EXHAUSTED)).toBe(true);
    for (const app of stored.filter((a) => a?.status === 'REJECTED')) {
      expect((await repository.getHistory(app?.id ?? '')).at(-1)).toMatchObject({ status: 'REJECTED', reason: ENVELOPE_EXHAUSTED });
    }

    // Awarded again later (a retried task): the stored decision, nothing counted twice.
    const again = await Promise.all(apps.map((app) => award(bothApprove(app.id))));
    expect(again.filter((o) => o.status === 'APPROVED')).toHaveLength(FITS);
    expect((await repository.getCall(CALL_ID))?.committed).toBe(envelope);

    record({
      point: 'money',
      label: 'award-grant on dynalite',
      short: `${APPLICATIONS} awards vs an envelope of ${FITS} → ${approved.length} approved, ${rejected.length} refused; committed ≤ envelope throughout; none counted twice`,
      text: `${APPLICATIONS} concurrent awards (+5 duplicates) vs an envelope of ${FITS} → ${approved.length} APPROVED, ${rejected.length} REJECTED "${ENVELOPE_EXHAUSTED}"; committed ${n(call?.committed ?? 0)} of ${n(envelope)} € (highest of ${n(reads)} reads ${n(highest)}); awarded twice → counted once`,
    });
  });

  it('the same application awarded twice, one after the other, is counted once', async () => {
    const callId = 'MONEY-TWICE';
    await repository.putCall(openCall({ id: callId, envelope: 100_000, grant: { min: 1_000, max: GRANT } }));
    const [app] = (await inCommittee(1, callId)) as [ApplicationRecord];
    const first = await award(bothApprove(app.id));
    const scan = await table.scan();
    table.resetCounts();
    const second = await award(bothApprove(app.id));
    expect(second).toEqual(first);
    expect(table.writeAttempts()).toBe(0);
    expect(await table.scan()).toEqual(scan);
    const call = await repository.getCall(callId);
    expect(call).toMatchObject({ committed: GRANT, awarded: [app.id] });
  });
});

describe('two envelopes under 50 concurrent awards', () => {
  /** Morocco grants this many dirhams (10 800 at 10.8 MAD for 1 €: the same 1 000 € of value). */
  const GRANT_MA = 108_000;

  /** A call with both envelopes and IN_COMMITTEE applications each asking GRANT € of France and GRANT_MA MAD of Morocco. */
  async function race(callId: string, fitsFR: number, fitsMA: number) {
    const envelopes = { FR: { amount: GRANT * fitsFR, currency: 'EUR' as const }, MA: { amount: GRANT_MA * fitsMA, currency: 'MAD' as const } };
    await repository.putCall(openCall({ id: callId, envelope: envelopes.FR.amount, grant: { min: 1_000, max: GRANT }, madPerEur: 10.8, envelopes }));
    const budget = {
      totalCost: 40_000,
      requestedAmount: 20_000,
      lines: [{ year: 1, category: 'personnel' as const, label: 'Chef de projet', amount: 40_000 }],
      funding: { lead: { cash: 10_000, inKind: 0 }, partner: { cash: 10_000, inKind: 0 }, fundFR: GRANT, fundMA: GRANT_MA, others: [] },
    };
    const apps = Array.from({ length: APPLICATIONS }, () => applicationRecord({ callId, status: 'IN_COMMITTEE', budget } as Partial<ApplicationRecord>));
    await Promise.all(apps.map((app) => repository.createApplication(app, { at: app.createdAt, status: 'IN_COMMITTEE', actor: 'workflow' })));
    const input = (applicationId: string) => ({
      applicationId,
      decisions: [
        { decision: 'approve', grantedFR: GRANT },
        { decision: 'approve', grantedMA: GRANT_MA },
      ],
    });

    // A reader polls the call item throughout: neither side's committed total may pass its envelope.
    let racing = true;
    const highest = { FR: 0, MA: 0 };
    const watcher = (async () => {
      while (racing) {
        const call = await repository.getCall(callId);
        highest.FR = Math.max(highest.FR, call?.committed ?? 0);
        highest.MA = Math.max(highest.MA, call?.committedMA ?? 0);
      }
    })();
    const twice = apps.slice(0, 5);
    const results = await Promise.all([...apps, ...twice].map((app) => award(input(app.id)).then((out) => ({ id: app.id, out }))));
    racing = false;
    await watcher;

    const call = await repository.getCall(callId);
    const stored = await Promise.all(apps.map((app) => repository.getApplication(app.id)));
    const approvedIds = new Set(stored.filter((a) => a?.status === 'APPROVED').map((a) => a?.id));
    // Every award has ended: both sides count exactly the approved applications, none one side only.
    expect(new Set(call?.awarded)).toEqual(approvedIds);
    expect(new Set(call?.awardedMA)).toEqual(approvedIds);
    expect(call?.committed).toBe(GRANT * approvedIds.size);
    expect(call?.committedMA).toBe(GRANT_MA * approvedIds.size);
    expect(highest.FR).toBeLessThanOrEqual(envelopes.FR.amount);
    expect(highest.MA).toBeLessThanOrEqual(envelopes.MA.amount);
    expect(stored.every((a) => a?.status === 'APPROVED' || a?.status === 'REJECTED')).toBe(true);
    // A duplicate got the same answer as its twin.
    for (const app of twice) expect(new Set(results.filter((r) => r.id === app.id).map((r) => r.out.status)).size).toBe(1);
    return { call, stored, approved: approvedIds.size, highest };
  }

  it('both sides fitting exactly 10: exactly 10 reserved on each side, the others refused, never one side alone', async () => {
    const { call, stored, approved } = await race('MONEY-TWO', FITS, FITS);
    expect(approved).toBe(FITS);
    expect(call?.awarded).toHaveLength(FITS);
    expect(call?.awardedMA).toHaveLength(FITS);
    const refused = stored.filter((a) => a?.status === 'REJECTED');
    expect(refused).toHaveLength(APPLICATIONS - FITS);
    expect(refused.every((a) => a?.decision?.reason === SIDE_EXHAUSTED.FR || a?.decision?.reason === SIDE_EXHAUSTED.MA)).toBe(true);
  });

  it('France fitting 15 and Morocco 10: the 5 French reservations Morocco cannot match are released', async () => {
    const { call, stored, approved, highest } = await race('MONEY-SHORT-MA', 15, FITS);
    expect(approved).toBe(FITS);
    expect(call?.committed).toBe(GRANT * FITS);
    const short = stored.filter((a) => a?.decision?.reason === SIDE_EXHAUSTED.MA);
    expect(short.length).toBeGreaterThanOrEqual(1);
    record({
      point: 'money',
      label: 'two envelopes on dynalite',
      short: `${APPLICATIONS} awards vs two envelopes of ${FITS} → ${approved} approved on both sides, none on one side only`,
      text: `${APPLICATIONS} concurrent awards (+5 duplicates) vs a French envelope of 15 and a Moroccan one of ${FITS} → ${approved} APPROVED, reserved on both sides; ${short.length} refused "${SIDE_EXHAUSTED.MA}" after their French reservation was released; highest committed seen ${n(highest.FR)} € / ${n(highest.MA)} MAD; no side reserved alone once every award ended`,
    });
  });
});
