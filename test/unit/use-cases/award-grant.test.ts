import { describe, expect, it } from 'vitest';
import type { ApplicationRecord } from '../../../shared/domain/application.ts';
import type { CommitteeOutcome } from '../../../shared/schemas/decisions.ts';
import { awardGrant } from '../../../shared/use-cases/award-grant.ts';
import { aBudget } from '../../fixtures/budget.ts';
import { call, seed, setup } from './fakes.ts';

const approveFR = (grantedFR: number): CommitteeOutcome => ({ decision: 'approve', grantedFR });
const approveMA = (grantedMA: number): CommitteeOutcome => ({ decision: 'approve', grantedMA });

describe('awardGrant — a call with one envelope (France)', () => {
  it('grants what the French co-chair granted and reserves it in the envelope', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');

    const out = await awardGrant(ports, { applicationId: 'app-0001', decisions: [approveFR(40_000), approveMA(0)] });

    expect(out).toEqual({ status: 'APPROVED', grantedFR: 40_000 });
    const app = await repository.getApplication('app-0001');
    expect(app?.status).toBe('APPROVED');
    expect(app?.decision).toEqual({ outcome: 'APPROVED', grantedAmount: 40_000, at: '2027-04-02T08:00:00.000Z' });
    expect(await repository.getCall('2027-T1')).toMatchObject({ committed: 40_000, committedMA: 0, awardedMA: [] });
    expect((await repository.getHistory('app-0001')).at(-1)?.reason).toMatch(/^Subvention de 40\s000\s€ accordée/);
  });

  it('never grants more than was requested', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    const out = await awardGrant(ports, { applicationId: 'app-0001', decisions: [approveFR(90_000), approveMA(0)] });
    expect(out.grantedFR).toBe(50_000);
  });

  it('still awards the lower amount for an execution started before the two envelopes', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    const legacy: CommitteeOutcome[] = [
      { decision: 'approve', grantedAmount: 45_000 },
      { decision: 'approve', grantedAmount: 40_000 },
    ];
    expect(await awardGrant(ports, { applicationId: 'app-0001', decisions: legacy })).toEqual({ status: 'APPROVED', grantedFR: 40_000 });
    expect((await repository.getCall('2027-T1'))?.committed).toBe(40_000);
  });

  it('rejects, saying why, when the envelope is exhausted', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    await repository.reserveGrant('2027-T1', 'earlier-app', 170_000);

    const out = await awardGrant(ports, { applicationId: 'app-0001', decisions: [approveFR(40_000), approveMA(0)] });

    expect(out).toEqual({ status: 'REJECTED', reason: 'Enveloppe de l’appel épuisée' });
    const app = await repository.getApplication('app-0001');
    expect(app?.status).toBe('REJECTED');
    expect(app?.decision).toMatchObject({ outcome: 'REJECTED', reason: 'Enveloppe de l’appel épuisée' });
    expect((await repository.getHistory('app-0001')).at(-1)?.reason).toBe('Enveloppe de l’appel épuisée');
    expect((await repository.getCall('2027-T1'))?.committed).toBe(170_000);
  });

  it('counts the grant once when retried, even after a crash between the reservation and the status', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    const input = { applicationId: 'app-0001', decisions: [approveFR(40_000), approveMA(0)] };
    repository.failNext('transition', new Error('Lambda timed out'));
    await expect(awardGrant(ports, input)).rejects.toThrow();

    expect(await awardGrant(ports, input)).toEqual({ status: 'APPROVED', grantedFR: 40_000 });
    expect(await awardGrant(ports, input)).toEqual({ status: 'APPROVED', grantedFR: 40_000 });
    expect((await repository.getCall('2027-T1'))?.committed).toBe(40_000);
    expect(repository.writesOf('reserveGrant')).toHaveLength(1);
    expect(repository.writesOf('transition')).toHaveLength(1);
  });

  it('refuses to award without two approvals', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    await expect(awardGrant(ports, { applicationId: 'app-0001', decisions: [approveFR(1), { decision: 'reject' }] })).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect((await repository.getCall('2027-T1'))?.committed).toBe(0);
  });
});

describe('awardGrant — two envelopes (France in EUR, Morocco in MAD)', () => {
  const twoSided = {
    ...call,
    madPerEur: 10.8,
    grants: { FR: call.grant, MA: { min: 0, max: 1_620_000 } },
    envelopes: { FR: { amount: call.envelope, currency: 'EUR' as const }, MA: { amount: 1_000_000, currency: 'MAD' as const } },
  };
  /** 120 000 € of costs; 30 000 € asked of France, 324 000 MAD of Morocco. */
  const dossier = { budget: { totalCost: 120_000, requestedAmount: 60_000, ...aBudget() } as ApplicationRecord['budget'] };

  async function world() {
    const w = await setup();
    await w.repository.putCall(twoSided);
    await seed(w.repository, 'IN_COMMITTEE', dossier);
    return w;
  }

  it('reserves each side’s grant in its own envelope and records both', async () => {
    const { ports, repository } = await world();
    const out = await awardGrant(ports, { applicationId: 'app-0001', decisions: [approveFR(25_000), approveMA(300_000)] });
    expect(out).toEqual({ status: 'APPROVED', grantedFR: 25_000, grantedMA: 300_000 });
    expect((await repository.getApplication('app-0001'))?.decision).toMatchObject({ outcome: 'APPROVED', grantedAmount: 25_000, grantedMA: 300_000 });
    expect(await repository.getCall(call.id)).toMatchObject({ committed: 25_000, awarded: ['app-0001'], committedMA: 300_000, awardedMA: ['app-0001'] });
    expect((await repository.getHistory('app-0001')).at(-1)?.reason).toMatch(/^Subvention de 25\s000\s€ et 300\s000\sMAD accordée/);
  });

  it('grants each side at most what was asked of it; a side granting 0 reserves nothing there', async () => {
    const { ports, repository } = await world();
    const out = await awardGrant(ports, { applicationId: 'app-0001', decisions: [approveFR(90_000), approveMA(0)] });
    expect(out).toEqual({ status: 'APPROVED', grantedFR: 30_000, grantedMA: 0 });
    expect(await repository.getCall(call.id)).toMatchObject({ committed: 30_000, committedMA: 0, awardedMA: [] });
    expect(repository.writesOf('reserveGrant')).toHaveLength(1);
  });

  it('when Morocco’s envelope cannot fund it: releases France’s reservation and rejects for lack of funds', async () => {
    const { ports, repository } = await world();
    await repository.reserveGrant(call.id, 'earlier-app', 800_000, 'MA');
    const input = { applicationId: 'app-0001', decisions: [approveFR(30_000), approveMA(324_000)] };

    const out = await awardGrant(ports, input);

    expect(out).toEqual({ status: 'REJECTED', reason: 'Enveloppe marocaine de l’appel épuisée' });
    expect(await repository.getCall(call.id)).toMatchObject({ committed: 0, awarded: [], committedMA: 800_000, awardedMA: ['earlier-app'] });
    expect(repository.writesOf('releaseGrant')).toHaveLength(1);
    // A retry finds the decision and has nothing left to release.
    expect(await awardGrant(ports, input)).toEqual(out);
    expect(repository.writesOf('releaseGrant')).toHaveLength(1);
  });

  it('releases on a retry what a crash left reserved after the rejection was recorded', async () => {
    const { ports, repository } = await world();
    await repository.reserveGrant(call.id, 'earlier-app', 800_000, 'MA');
    const input = { applicationId: 'app-0001', decisions: [approveFR(30_000), approveMA(324_000)] };
    repository.failNext('releaseGrant', new Error('Lambda timed out'));
    await expect(awardGrant(ports, input)).rejects.toThrow();
    expect((await repository.getCall(call.id))?.committed).toBe(30_000);

    expect(await awardGrant(ports, input)).toEqual({ status: 'REJECTED', reason: 'Enveloppe marocaine de l’appel épuisée' });
    expect((await repository.getCall(call.id))?.committed).toBe(0);
  });

  it('when France’s envelope cannot fund it: reserves nothing on either side', async () => {
    const { ports, repository } = await world();
    await repository.reserveGrant(call.id, 'earlier-app', 190_000, 'FR');
    const out = await awardGrant(ports, { applicationId: 'app-0001', decisions: [approveFR(30_000), approveMA(324_000)] });
    expect(out).toEqual({ status: 'REJECTED', reason: 'Enveloppe française de l’appel épuisée' });
    expect(await repository.getCall(call.id)).toMatchObject({ committed: 190_000, committedMA: 0, awardedMA: [] });
  });
});
