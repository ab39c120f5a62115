import { describe, expect, it } from 'vitest';
import { TransientError } from '../../../shared/domain/errors.ts';
import { checkTaskLink } from '../../../shared/links/links.ts';
import { requestDecision } from '../../../shared/use-cases/request-decision.ts';
import { ADMIN, BASE_URL, coChairs, links, roster, seed, setup } from './fakes.ts';

const reviewer = roster[1]!;
const inReview = { reviewer: { name: reviewer.name, email: reviewer.email } };

async function reviewWorld() {
  const world = await setup();
  await seed(world.repository, 'IN_REVIEW', inReview);
  return world;
}

describe('requestDecision (review)', () => {
  it('creates a task and emails the reviewer a personal link that the decision page accepts', async () => {
    const { ports, repository, mailer, signer, clock } = await reviewWorld();

    const out = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-1' });

    const task = await repository.getTask(out.taskId);
    expect(task).toMatchObject({
      applicationId: 'app-0001',
      stage: 'review',
      status: 'OPEN',
      taskToken: 'token-1',
      recipients: [reviewer.email],
      reminders: 0,
      expiresAt: '2027-04-16T08:00:00.000Z',
    });
    expect(mailer.sent).toHaveLength(1);
    const [email] = mailer.sent;
    expect(email?.to).toEqual([reviewer.email]);
    expect(email?.subject).toBe('Avis d’instruction attendu — Eau potable pour la médina');
    const link = links(email!).find((l) => l.includes('/tasks/'));
    expect(link).toMatch(new RegExp(`^${BASE_URL}/tasks/${out.taskId}\\?sig=`));
    expect(email?.text).toContain(link);
    const sig = new URL(link!).searchParams.get('sig') ?? undefined;
    expect(await checkTaskLink(signer, task!, sig, clock.now())).toEqual({ ok: true, recipient: reviewer.email });
    // The Step Functions token never leaves the server.
    expect(email?.html).not.toContain('token-1');
    expect(email?.text).not.toContain('token-1');
  });

  it('does nothing more when Lambda retries the same invocation', async () => {
    const { ports, repository, mailer } = await reviewWorld();
    const first = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-1' });
    const second = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-1' });

    expect(second).toEqual(first);
    expect(mailer.sent).toHaveLength(1);
    expect(repository.writesOf('putTask')).toHaveLength(1);
    expect(repository.writesOf('renewTaskToken')).toHaveLength(0);
  });

  it('sends the request on the retry when the mailer failed the first time', async () => {
    const { ports, repository, mailer } = await reviewWorld();
    mailer.failNext(new TransientError('SES throttled'));
    await expect(requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-1' })).rejects.toMatchObject({
      name: 'TransientError',
    });

    await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-1' });
    await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-1' });

    expect(mailer.sent).toHaveLength(1);
    expect(repository.writesOf('putTask')).toHaveLength(1);
  });

  it('treats a retry with a new token after a failed send as the same round, not as a timeout', async () => {
    const { ports, repository, mailer } = await reviewWorld();
    mailer.failNext(new TransientError('SES throttled'));
    await expect(requestDecision(ports, { applicationId: 'app-0001', taskToken: 'attempt-1' })).rejects.toThrow();

    // Step Functions retries the task; the new attempt has its own token.
    const out = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'attempt-2' });

    expect(out.reminders).toBe(0);
    expect(mailer.sent.map((m) => m.subject)).toEqual(['Avis d’instruction attendu — Eau potable pour la médina']);
    expect(links(mailer.sent[0]!)).toContainEqual(expect.stringContaining(`/tasks/${out.taskId}?sig=`));
    const open = (await repository.listTasks('app-0001')).filter((t) => t.status === 'OPEN');
    expect(open.map((t) => [t.id, t.taskToken])).toEqual([[out.taskId, 'attempt-2']]);
  });

  it('reminds the reviewer with the same link when the wait timed out and the workflow came back', async () => {
    const { ports, repository, mailer, clock } = await reviewWorld();
    const first = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-1' });
    clock.advance(3 * 24 * 3600);

    const again = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-2' });
    await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-2' });

    expect(again).toEqual({ taskId: first.taskId, reminders: 1 });
    expect(await repository.getTask(first.taskId)).toMatchObject({ taskToken: 'token-2', reminders: 1, status: 'OPEN' });
    expect(mailer.sent).toHaveLength(2);
    const [request, reminder] = mailer.sent;
    expect(reminder?.to).toEqual([reviewer.email]);
    expect(reminder?.subject).toBe('Rappel : avis d’instruction attendu — Eau potable pour la médina');
    expect(links(reminder!)).toEqual(links(request!));
    expect(mailer.to(ADMIN)).toHaveLength(0);
  });

  it('escalates to the admins from the third timeout on, and keeps waiting', async () => {
    const { ports, repository, mailer, clock } = await reviewWorld();
    const { taskId } = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-0' });
    for (const token of ['token-1', 'token-2']) {
      clock.advance(24 * 3600);
      await requestDecision(ports, { applicationId: 'app-0001', taskToken: token });
    }
    expect(mailer.to(ADMIN)).toHaveLength(0);

    clock.advance(24 * 3600);
    await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-3' });
    await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-3' });
    expect(mailer.to(ADMIN)).toHaveLength(1);
    const escalation = mailer.to(ADMIN)[0]!;
    expect(escalation.subject).toBe('Décision en attente après 3 relances — Eau potable pour la médina');
    expect(escalation.text).toContain('app-0001');
    expect(escalation.text).toContain('avis de l’instructeur');
    // Admins are told about the dossier, not handed the reviewer's personal link.
    expect(links(escalation).filter((l) => l.includes('/tasks/'))).toEqual([]);

    clock.advance(24 * 3600);
    await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-4' });
    expect(mailer.to(ADMIN)).toHaveLength(2);
    expect(mailer.to(reviewer.email)).toHaveLength(5);
    expect(await repository.getTask(taskId)).toMatchObject({ status: 'OPEN', reminders: 4, taskToken: 'token-4' });
  });

  it('replaces the task by a fresh one when its link is about to expire, so the reminder works', async () => {
    const { ports, repository, mailer, clock, signer } = await reviewWorld();
    const first = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-1' });
    clock.advance(14 * 24 * 3600 - 3600);

    const again = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-2' });

    expect(again.taskId).not.toBe(first.taskId);
    expect(again.reminders).toBe(1);
    expect((await repository.getTask(first.taskId))?.status).toBe('CLOSED');
    const fresh = await repository.getTask(again.taskId);
    const link = links(mailer.sent[1]!).find((l) => l.includes('/tasks/'))!;
    expect(link).toContain(again.taskId);
    clock.advance(7 * 24 * 3600);
    expect(await checkTaskLink(signer, fresh!, new URL(link).searchParams.get('sig') ?? '', clock.now())).toMatchObject({ ok: true });
  });

  it('sends the reminder to the new reviewer when an admin reassigned the review', async () => {
    const { ports, repository, mailer } = await reviewWorld();
    const first = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-1' });
    await repository.patchApplication('app-0001', { reviewer: { name: roster[2]!.name, email: roster[2]!.email } });

    const again = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'token-2' });

    expect((await repository.getTask(first.taskId))?.status).toBe('CLOSED');
    expect((await repository.getTask(again.taskId))?.recipients).toEqual([roster[2]!.email]);
    expect(mailer.to(roster[2]!.email)).toHaveLength(1);
  });

  it('refuses an application that is not in review', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'SUBMITTED');
    await expect(requestDecision(ports, { applicationId: 'app-0001', taskToken: 't' })).rejects.toMatchObject({
      name: 'InvalidTransitionError',
    });
  });
});

describe('requestDecision (committee)', () => {
  it('asks each co-chair for their own decision, one task per side', async () => {
    const { ports, repository, mailer } = await setup();
    await seed(repository, 'IN_COMMITTEE', inReview);

    const fr = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'fr-1', side: 'FR' });
    const ma = await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'ma-1', side: 'MA' });

    expect(fr.taskId).not.toBe(ma.taskId);
    expect(await repository.getTask(fr.taskId)).toMatchObject({ stage: 'committee-FR', recipients: [coChairs[0]!.email] });
    expect(await repository.getTask(ma.taskId)).toMatchObject({ stage: 'committee-MA', recipients: [coChairs[1]!.email] });
    expect(mailer.sent.map((m) => m.to)).toEqual([[coChairs[0]!.email], [coChairs[1]!.email]]);
    expect(mailer.sent[0]?.subject).toBe('Décision du comité mixte attendue — Eau potable pour la médina');
    expect(links(mailer.sent[0]!)).toContainEqual(expect.stringContaining(`/tasks/${fr.taskId}?sig=`));
  });

  it('reminds only the side that timed out', async () => {
    const { ports, repository, mailer } = await setup();
    await seed(repository, 'IN_COMMITTEE', inReview);
    await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'fr-1', side: 'FR' });
    await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'ma-1', side: 'MA' });

    await requestDecision(ports, { applicationId: 'app-0001', taskToken: 'ma-2', side: 'MA' });

    expect(mailer.to(coChairs[0]!.email)).toHaveLength(1);
    expect(mailer.to(coChairs[1]!.email).map((m) => m.subject)).toEqual([
      'Décision du comité mixte attendue — Eau potable pour la médina',
      'Rappel : décision du comité mixte attendue — Eau potable pour la médina',
    ]);
  });
});
