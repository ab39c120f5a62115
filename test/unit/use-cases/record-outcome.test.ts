import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../../shared/domain/application.ts';
import type { CommitteeDecision } from '../../../shared/schemas/decisions.ts';
import { recordOutcome } from '../../../shared/use-cases/record-outcome.ts';
import { LEAD, seed, setup } from './fakes.ts';

const approve: CommitteeDecision = { decision: 'approve', grantedFR: 40_000, comment: 'Très bon projet.' };
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

/** A co-chair's task as decide-task leaves it: DONE, the posted decision as its result. */
const decidedTask = (id: string, stage: TaskRecord['stage'], decision: CommitteeDecision): TaskRecord => ({
  ...openTask(id, stage),
  status: 'DONE',
  decidedBy: LEAD,
  decidedAt: '2027-04-02T07:00:00.000Z',
  result: decision as unknown as Record<string, unknown>,
});

describe('recordOutcome', () => {
  it('ends the committee at one rejection: the reason from the stored decision, the other co-chair’s link closed', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    await repository.putTask(decidedTask('t-ma', 'committee-MA', reject('Hors des priorités de l’appel.')));
    await repository.putTask(openTask('t-fr', 'committee-FR'));

    // As RecordRejection sends it: the failed Committee has no decisions to pass on.
    expect(await recordOutcome(ports, { applicationId: 'app-0001', status: 'REJECTED' })).toEqual({ status: 'REJECTED' });
    await recordOutcome(ports, { applicationId: 'app-0001', status: 'REJECTED' });

    const app = await repository.getApplication('app-0001');
    expect(app?.status).toBe('REJECTED');
    expect(app?.decision).toEqual({ outcome: 'REJECTED', reason: 'Hors des priorités de l’appel.', at: '2027-04-02T08:00:00.000Z' });
    expect((await repository.getHistory('app-0001')).at(-1)).toMatchObject({ status: 'REJECTED', reason: 'Hors des priorités de l’appel.' });
    // The French co-chair's link now answers "already closed"; the Moroccan decision stays recorded.
    expect((await repository.getTask('t-fr'))?.status).toBe('CLOSED');
    expect(await repository.getTask('t-ma')).toMatchObject({ status: 'DONE', result: reject('Hors des priorités de l’appel.') });
    expect(repository.writesOf('transition')).toHaveLength(1);
  });

  it('takes only the rejecting co-chairs’ stored comments, not an approval nor an undecided task', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    await repository.putTask(decidedTask('t-fr', 'committee-FR', approve));
    await repository.putTask(decidedTask('t-ma', 'committee-MA', reject('Budget insuffisant.')));
    // A closed task of an earlier round (reminder replaced it) carries no decision.
    await repository.putTask({ ...openTask('t-ma-old', 'committee-MA'), status: 'CLOSED' });

    await recordOutcome(ports, { applicationId: 'app-0001', status: 'REJECTED' });

    const reason = (await repository.getApplication('app-0001'))?.decision?.reason;
    expect(reason).toBe('Budget insuffisant.');
    expect(reason).not.toContain('Très bon projet');
  });

  it('keeps both stored comments when both co-chairs rejected', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    await repository.putTask(decidedTask('t-fr', 'committee-FR', reject('Budget insuffisant.')));
    await repository.putTask(decidedTask('t-ma', 'committee-MA', reject('Calendrier irréaliste.')));

    await recordOutcome(ports, { applicationId: 'app-0001', status: 'REJECTED' });

    const reason = (await repository.getApplication('app-0001'))?.decision?.reason;
    expect(reason?.split('\n').sort()).toEqual(['Budget insuffisant.', 'Calendrier irréaliste.']);
  });

  it('records a rejection with the rejecting co-chairs’ comments as the reason', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    await repository.putTask(decidedTask('t-fr', 'committee-FR', approve));
    await repository.putTask(decidedTask('t-ma', 'committee-MA', reject('Le partenariat n’est pas assez établi.')));

    await recordOutcome(ports, { applicationId: 'app-0001', status: 'REJECTED' });

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

  it('says a comment both co-chairs wrote once', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    await repository.putTask(decidedTask('t-fr', 'committee-FR', reject('Budget insuffisant.')));
    await repository.putTask(decidedTask('t-ma', 'committee-MA', reject('Budget insuffisant.')));
    await recordOutcome(ports, { applicationId: 'app-0001', status: 'REJECTED' });
    expect((await repository.getApplication('app-0001'))?.decision?.reason).toBe('Budget insuffisant.');
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
