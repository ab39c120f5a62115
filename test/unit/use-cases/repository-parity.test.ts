import { describe, expect, it } from 'vitest';
import { assignReviewer } from '../../../shared/use-cases/assign-reviewer.ts';
import { awardGrant } from '../../../shared/use-cases/award-grant.ts';
import { checkEligibility } from '../../../shared/use-cases/check-eligibility.ts';
import { notifyApplicants } from '../../../shared/use-cases/notify-applicants.ts';
import { recordOutcome } from '../../../shared/use-cases/record-outcome.ts';
import { recordReview } from '../../../shared/use-cases/record-review.ts';
import { requestChanges } from '../../../shared/use-cases/request-changes.ts';
import { requestDecision } from '../../../shared/use-cases/request-decision.ts';
import { bothRepositories } from '../../fixtures/repositories.ts';
import { ADMIN, decideReview, LEAD, PARTNER, seed, setupWith } from './fakes.ts';

/**
 * The same journeys over the in-memory repository and over the DynamoDB adapter on dynalite: what
 * the use-case tests prove with the fake holds with the real store.
 */
let n = 0;
const repositories = bothRepositories();

const scores = { relevance: 4, feasibility: 4, partnership: 5, impact: 4 };

describe.each(repositories)('use cases over the repository %s', (_, make) => {
  async function world(status: Parameters<typeof seed>[1] = 'SUBMITTED') {
    const w = await setupWith(make());
    const id = `parity-${++n}`;
    await seed(w.repository, status, { id });
    return { ...w, id };
  }

  it('runs an application from receipt to an approved grant, each email once', async () => {
    const { ports, repository, mailer, clock, id } = await world();
    const tick = () => clock.advance(60);

    await notifyApplicants(ports, { applicationId: id, template: 'received' });
    expect(await checkEligibility(ports, { applicationId: id })).toEqual({ eligible: true, failedRules: [] });
    tick();
    await assignReviewer(ports, { applicationId: id });
    await assignReviewer(ports, { applicationId: id });
    tick();
    await requestDecision(ports, { applicationId: id, taskToken: 'review-1' });
    await requestDecision(ports, { applicationId: id, taskToken: 'review-1' });
    tick();
    await recordReview(ports, { applicationId: id, review: await decideReview(repository, id, { decision: 'favorable', comment: '', ...scores }) });
    tick();
    await requestDecision(ports, { applicationId: id, taskToken: 'fr-1', side: 'FR' });
    await requestDecision(ports, { applicationId: id, taskToken: 'ma-1', side: 'MA' });
    tick();
    const decisions = [
      { decision: 'approve' as const, grantedFR: 40_000 },
      { decision: 'approve' as const, grantedMA: 0 },
    ];
    expect(await awardGrant(ports, { applicationId: id, decisions })).toEqual({ status: 'APPROVED', grantedFR: 40_000 });
    expect(await awardGrant(ports, { applicationId: id, decisions })).toEqual({ status: 'APPROVED', grantedFR: 40_000 });
    await notifyApplicants(ports, { applicationId: id, template: 'decision' });
    await notifyApplicants(ports, { applicationId: id, template: 'decision' });

    expect((await repository.getHistory(id)).map((e) => e.status)).toEqual(['SUBMITTED', 'IN_REVIEW', 'IN_COMMITTEE', 'APPROVED']);
    expect(mailer.sent.map((m) => m.subject.split(' — ')[0])).toEqual([
      'Dossier reçu',
      'Avis d’instruction attendu',
      'Décision du comité mixte attendue',
      'Décision du comité mixte attendue',
      'Subvention accordée',
    ]);
    expect((await repository.getCall('2027-T1'))?.awarded).toContain(id);
  });

  it('reminds, escalates and replaces the task the same way', async () => {
    const { ports, repository, mailer, clock, id } = await world('IN_REVIEW');
    await repository.patchApplication(id, { reviewer: { name: 'Hélène Dubois', email: 'helene.dubois@instruction.example.fr' } });
    const first = await requestDecision(ports, { applicationId: id, taskToken: 't0' });
    for (const token of ['t1', 't2', 't3']) {
      clock.advance(24 * 3600);
      expect((await requestDecision(ports, { applicationId: id, taskToken: token })).taskId).toBe(first.taskId);
    }
    expect(await repository.getTask(first.taskId)).toMatchObject({ taskToken: 't3', reminders: 3, status: 'OPEN' });
    expect(mailer.to(ADMIN)).toHaveLength(1);

    // The link is about to expire: a fresh task takes over, the old one answers 410.
    clock.advance(10 * 24 * 3600);
    const fresh = await requestDecision(ports, { applicationId: id, taskToken: 't4' });
    expect(fresh.taskId).not.toBe(first.taskId);
    expect((await repository.getTask(first.taskId))?.status).toBe('CLOSED');
    expect(await repository.getTask(fresh.taskId)).toMatchObject({ reminders: 4, status: 'OPEN', taskToken: 't4' });
  });

  it('asks for changes, then withdraws and closes the link', async () => {
    const { ports, repository, mailer, id } = await world('IN_REVIEW');
    const review = await decideReview(repository, id, { decision: 'changes', comment: 'Précisez le budget.', ...scores });
    expect(await recordReview(ports, { applicationId: id, review })).toEqual({ next: 'changes' });
    const { taskId } = await requestChanges(ports, { applicationId: id, taskToken: 'resub' });
    await requestChanges(ports, { applicationId: id, taskToken: 'resub' });
    expect(mailer.sent.map((m) => m.to)).toEqual([[LEAD], [PARTNER]]);
    for (const email of mailer.sent) expect(email.text).toContain('Précisez le budget.');

    await recordOutcome(ports, { applicationId: id, status: 'WITHDRAWN' });
    await recordOutcome(ports, { applicationId: id, status: 'WITHDRAWN' });

    expect((await repository.getTask(taskId))?.status).toBe('CLOSED');
    expect((await repository.getHistory(id)).map((e) => [e.status, e.reason])).toEqual([
      ['SUBMITTED', undefined],
      ['CHANGES_REQUESTED', 'Précisez le budget.'],
      ['WITHDRAWN', 'Aucune nouvelle version déposée dans le délai'],
    ]);
  });

  it('rejects when the envelope is exhausted', async () => {
    const { ports, repository, id } = await world('IN_COMMITTEE');
    // Fill the envelope but 10 000 € (the table is shared by these tests: count what is committed).
    const call = (await repository.getCall('2027-T1'))!;
    expect(await repository.reserveGrant(call.id, `${id}-other`, call.envelope - call.committed - 10_000)).toBe('reserved');
    const decisions = [
      { decision: 'approve' as const, grantedFR: 40_000 },
      { decision: 'approve' as const, grantedMA: 0 },
    ];
    expect(await awardGrant(ports, { applicationId: id, decisions })).toEqual({ status: 'REJECTED', reason: 'Enveloppe de l’appel épuisée' });
    expect((await repository.getApplication(id))?.decision).toMatchObject({ outcome: 'REJECTED' });
  });

  it('records a failure once and leaves final applications alone', async () => {
    const { ports, repository, id } = await world('IN_REVIEW');
    await recordOutcome(ports, { applicationId: id, status: 'ERROR', error: { Error: 'TypeError', Cause: 'boom' } });
    await recordOutcome(ports, { applicationId: id, status: 'ERROR', error: { Error: 'TypeError', Cause: 'boom' } });
    expect((await repository.getHistory(id)).map((e) => e.status)).toEqual(['SUBMITTED', 'ERROR']);
    expect((await repository.getApplication(id))?.error).toMatchObject({ name: 'TypeError', cause: 'boom' });
  });
});
