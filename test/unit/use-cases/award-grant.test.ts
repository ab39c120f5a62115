import { describe, expect, it } from 'vitest';
import type { CommitteeDecision } from '../../../shared/schemas/decisions.ts';
import { awardGrant } from '../../../shared/use-cases/award-grant.ts';
import { seed, setup } from './fakes.ts';

const approve = (grantedAmount: number): CommitteeDecision => ({ decision: 'approve', grantedAmount, comment: '' });

describe('awardGrant', () => {
  it('grants the lower of the two amounts and reserves it in the envelope', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');

    const out = await awardGrant(ports, { applicationId: 'app-0001', decisions: [approve(45_000), approve(40_000)] });

    expect(out).toEqual({ status: 'APPROVED', grantedAmount: 40_000 });
    const app = await repository.getApplication('app-0001');
    expect(app?.status).toBe('APPROVED');
    expect(app?.decision).toEqual({ outcome: 'APPROVED', grantedAmount: 40_000, at: '2027-04-02T08:00:00.000Z' });
    expect((await repository.getCall('2027-T1'))?.committed).toBe(40_000);
    expect((await repository.getHistory('app-0001')).at(-1)?.reason).toMatch(/^Subvention de 40\s000\s€ accordée/);
  });

  it('never grants more than was requested', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    const out = await awardGrant(ports, { applicationId: 'app-0001', decisions: [approve(90_000), approve(80_000)] });
    expect(out.grantedAmount).toBe(50_000);
  });

  it('rejects, saying why, when the envelope is exhausted', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    await repository.reserveGrant('2027-T1', 'earlier-app', 170_000);

    const out = await awardGrant(ports, { applicationId: 'app-0001', decisions: [approve(45_000), approve(40_000)] });

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
    const input = { applicationId: 'app-0001', decisions: [approve(45_000), approve(40_000)] };
    repository.failNext('transition', new Error('Lambda timed out'));
    await expect(awardGrant(ports, input)).rejects.toThrow();

    expect(await awardGrant(ports, input)).toEqual({ status: 'APPROVED', grantedAmount: 40_000 });
    expect(await awardGrant(ports, input)).toEqual({ status: 'APPROVED', grantedAmount: 40_000 });
    expect((await repository.getCall('2027-T1'))?.committed).toBe(40_000);
    expect(repository.writesOf('reserveGrant')).toHaveLength(1);
    expect(repository.writesOf('transition')).toHaveLength(1);
  });

  it('refuses to award without two approvals', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    const reject: CommitteeDecision = { decision: 'reject', comment: 'Non.' };
    await expect(awardGrant(ports, { applicationId: 'app-0001', decisions: [approve(1), reject] })).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect((await repository.getCall('2027-T1'))?.committed).toBe(0);
  });
});
