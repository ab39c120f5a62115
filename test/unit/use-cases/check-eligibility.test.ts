import { describe, expect, it } from 'vitest';
import { checkEligibility } from '../../../shared/use-cases/check-eligibility.ts';
import { anApplication, seed, setup } from './fakes.ts';

describe('checkEligibility', () => {
  it('leaves an eligible application SUBMITTED and records that it was checked', async () => {
    const { ports, repository } = await setup();
    await seed(repository);

    const out = await checkEligibility(ports, { applicationId: 'app-0001' });

    expect(out).toEqual({ eligible: true, failedRules: [] });
    const app = await repository.getApplication('app-0001');
    expect(app?.status).toBe('SUBMITTED');
    expect(app?.ineligibility).toEqual([]);
    expect(await repository.getHistory('app-0001')).toHaveLength(1);
  });

  it('records INELIGIBLE with every failed rule, in the history and on the application', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'SUBMITTED', {
      project: { ...anApplication().project, theme: 'tourisme', durationMonths: 48 },
      budget: { totalCost: 100_000, requestedAmount: 80_000 },
    });

    const out = await checkEligibility(ports, { applicationId: 'app-0001' });

    // The workflow gets the rules' codes; the sentences, which quote the application, stay here.
    expect(out).toEqual({ eligible: false, failedRules: ['theme', 'duration', 'cofinancing-ceiling'] });
    const app = await repository.getApplication('app-0001');
    expect(app?.status).toBe('INELIGIBLE');
    expect(app?.ineligibility?.map((i) => i.rule)).toEqual(['theme', 'duration', 'cofinancing-ceiling']);
    const reasons = app?.ineligibility?.map((i) => i.reason) ?? [];
    expect(reasons.join(' ')).toMatch(/thème « tourisme »/);
    expect(reasons.join(' ')).toMatch(/48 mois/);
    expect(reasons.join(' ')).toMatch(/dépasse 50 %/);
    const last = (await repository.getHistory('app-0001')).at(-1);
    expect(last).toMatchObject({ status: 'INELIGIBLE', actor: 'workflow', at: '2027-04-02T08:00:00.000Z' });
    for (const reason of reasons) expect(last?.reason).toContain(reason);
  });

  it('writes once when retried, and answers the same', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'SUBMITTED', { budget: { totalCost: 100_000, requestedAmount: 5_000 } });

    const first = await checkEligibility(ports, { applicationId: 'app-0001' });
    const second = await checkEligibility(ports, { applicationId: 'app-0001' });

    expect(second).toEqual(first);
    expect(repository.writesOf('transition')).toHaveLength(1);
    expect(await repository.getHistory('app-0001')).toHaveLength(2);
  });

  it('writes once for an eligible application checked twice', async () => {
    const { ports, repository } = await setup();
    await seed(repository);
    await checkEligibility(ports, { applicationId: 'app-0001' });
    await checkEligibility(ports, { applicationId: 'app-0001' });
    expect(repository.writesOf('patchApplication')).toHaveLength(1);
  });

  it('fails with the domain error names the state machine matches', async () => {
    const { ports, repository } = await setup();
    await expect(checkEligibility(ports, { applicationId: 'nope' })).rejects.toMatchObject({ name: 'NotFoundError' });
    await seed(repository, 'SUBMITTED', { callId: 'unknown-call' });
    await expect(checkEligibility(ports, { applicationId: 'app-0001' })).rejects.toMatchObject({ name: 'CallNotFoundError' });
  });
});
