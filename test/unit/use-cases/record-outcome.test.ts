import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../../shared/domain/application.ts';
import type { CommitteeDecision } from '../../../shared/schemas/decisions.ts';
import { recordOutcome } from '../../../shared/use-cases/record-outcome.ts';
import { LEAD, seed, setup } from './fakes.ts';

const approve: CommitteeDecision = { decision: 'approve', grantedAmount: 40_000, comment: 'Très bon projet.' };
const reject = (comment: string): CommitteeDecision => ({ decision: 'reject', comment });

const openTask = (id: string, stage: TaskRecord['stage']): TaskRecord => ({
  id,
  applicationId: 'app-0001',
  stage,
  taskToken: `token-${id}`,
  recipients: [LEAD],
  status: 'OPEN',
  createdAt: '2027-04-01T00:00:00.000Z',
  expiresAt: '2027-05-01T00:00:00.000Z',
  reminders: 0,
});

describe('recordOutcome', () => {
  it('records a rejection with the rejecting co-chairs’ comments as the reason', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');

    await recordOutcome(ports, {
      applicationId: 'app-0001',
      status: 'REJECTED',
      decisions: [approve, reject('Le partenariat n’est pas assez établi.')],
    });

    const app = await repository.getApplication('app-0001');
    expect(app?.status).toBe('REJECTED');
    expect(app?.decision).toEqual({
      outcome: 'REJECTED',
      reason: 'Le partenariat n’est pas assez établi.',
      at: '2027-04-02T08:00:00.000Z',
    });
    expect((await repository.getHistory('app-0001')).at(-1)).toMatchObject({
      status: 'REJECTED',
      reason: 'Le partenariat n’est pas assez établi.',
    });
    // The approving side's comment is not a reason for refusal.
    expect(app?.decision?.reason).not.toContain('Très bon projet');
  });

  it('keeps both comments when both sides rejected, once each', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    await recordOutcome(ports, {
      applicationId: 'app-0001',
      status: 'REJECTED',
      decisions: [reject('Budget insuffisant.'), reject('Calendrier irréaliste.')],
    });
    expect((await repository.getApplication('app-0001'))?.decision?.reason).toBe('Budget insuffisant.\nCalendrier irréaliste.');
  });

  it('withdraws an application nobody resubmitted, and closes its resubmission link', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'CHANGES_REQUESTED');
    await repository.putTask(openTask('t-resub', 'resubmission'));

    await recordOutcome(ports, { applicationId: 'app-0001', status: 'WITHDRAWN' });
    await recordOutcome(ports, { applicationId: 'app-0001', status: 'WITHDRAWN' });

    expect((await repository.getApplication('app-0001'))?.status).toBe('WITHDRAWN');
    expect((await repository.getHistory('app-0001')).at(-1)).toMatchObject({
      status: 'WITHDRAWN',
      reason: 'Aucune nouvelle version déposée dans le délai',
    });
    expect((await repository.getTask('t-resub'))?.status).toBe('CLOSED');
    expect(repository.writesOf('transition')).toHaveLength(1);
  });

  it('records a workflow failure with its error for the admins and a generic reason for the applicants', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_REVIEW');
    await repository.putTask(openTask('t-review', 'review'));
    const cause = JSON.stringify({ errorType: 'TypeError', errorMessage: 'x'.repeat(5000), trace: ['at …'] });

    await recordOutcome(ports, { applicationId: 'app-0001', status: 'ERROR', error: { Error: 'TypeError', Cause: cause } });
    await recordOutcome(ports, { applicationId: 'app-0001', status: 'ERROR', error: { Error: 'TypeError', Cause: cause } });

    const app = await repository.getApplication('app-0001');
    expect(app?.status).toBe('ERROR');
    expect(app?.error?.name).toBe('TypeError');
    expect(app?.error?.cause?.startsWith('TypeError: xxx')).toBe(true);
    expect(app?.error?.cause?.length).toBeLessThanOrEqual(1000);
    const event = (await repository.getHistory('app-0001')).at(-1);
    expect(event?.reason).toBe('Incident technique : le dossier est transmis à l’équipe du dispositif');
    expect(event?.reason).not.toContain('TypeError');
    expect((await repository.getTask('t-review'))?.status).toBe('CLOSED');
    expect(repository.writesOf('transition')).toHaveLength(1);
  });

  it('leaves a final application as it is when a late failure is recorded', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'APPROVED');
    expect(await recordOutcome(ports, { applicationId: 'app-0001', status: 'ERROR', error: { Error: 'States.Timeout' } })).toEqual({
      status: 'APPROVED',
    });
    expect((await repository.getApplication('app-0001'))?.status).toBe('APPROVED');
    expect(repository.writesOf('transition')).toHaveLength(0);
  });
});
