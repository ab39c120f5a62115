import '../unit/api/env.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoRepository } from '../../shared/adapters/dynamodb-repository.ts';
import type { ApplicationRecord } from '../../shared/domain/application.ts';
import type { Repository } from '../../shared/ports/index.ts';
import { ENVELOPE_EXHAUSTED } from '../../shared/use-cases/award-grant.ts';
import type { AwardGrantOutput } from '../../shared/workflow/contract.ts';
import { TEST_ENV } from '../unit/api/env.ts';
import { n, plan, record } from './support/figures.ts';
import { startCountingTable, type CountingTable } from './support/table.ts';
import { applicationRecord, openCall } from './support/world.ts';

/**
 * Point 3 of SECURITY.md: the award-grant function, unchanged, against a real DynamoDB (dynalite):
 * 50 committees approve at once against an envelope that fits exactly 10 grants. The envelope is
 * the call item's `committed` total and `awarded` set, moved by one conditional write per award.
 */
plan(['money', 'award-grant on dynalite']);

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

/** Both co-chairs approve; the lower amount is the grant. */
const bothApprove = (applicationId: string) => ({
  applicationId,
  decisions: [
    { decision: 'approve', grantedAmount: GRANT + 5_000 },
    { decision: 'approve', grantedAmount: GRANT },
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
    expect(approved.every((o) => o.grantedAmount === GRANT)).toBe(true);
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
