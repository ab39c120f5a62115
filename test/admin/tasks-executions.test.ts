import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resendTasks } from '../../admin/use-cases/resend-tasks.ts';
import { RETRY_REASON } from '../../admin/use-cases/retry-execution.ts';
import type { TaskRecord } from '../../shared/domain/application.ts';
import { TaskGoneError } from '../../shared/domain/errors.ts';
import { toProblem } from '../../shared/http/error-handler.ts';
import { taskLink } from '../../shared/links/links.ts';
import { hmacSigner } from '../../shared/links/signing.ts';
import { notifyApplicants } from '../../shared/use-cases/notify-applicants.ts';
import { recordOutcome } from '../../shared/use-cases/record-outcome.ts';
import { showTask } from '../../shared/use-cases/show-task.ts';
import { MemoryRepository } from '../fixtures/memory-repository.ts';
import { type AdminEnv, BASE_URL, LEAD, PARTNER, SECRET, STATE_MACHINE_ARN, startAdminEnv } from './support.ts';

let env: AdminEnv;
beforeAll(async () => {
  env = await startAdminEnv();
});
afterAll(async () => {
  await env.stop();
});

/** What a person who clicks `link` now gets: the page's model, or the error behind the 410. */
async function open(link: string) {
  const url = new URL(link);
  const taskId = url.pathname.split('/').at(-1)!;
  return showTask(
    { repository: env.repository, signer: env.signer, clock: { now: () => new Date() } },
    { taskId, sig: url.searchParams.get('sig') ?? undefined },
  );
}

const linksIn = (html: string) => [...html.matchAll(/href="([^"]+\/tasks\/[^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));

describe('tasks resend', () => {
  it('emails the reviewer a fresh link; the old one answers 410, the workflow waits on the same token', async () => {
    const id = await env.seed('resend-review', 'IN_REVIEW');
    const [old] = await env.repository.listTasks(id);
    const oldLink = await taskLink(env.signer, BASE_URL, old!, old!.recipients[0]!);
    const before = (await env.emails()).length;

    const result = await env.cli('tasks', 'resend', id);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^review: new link sent to ${old!.recipients[0]} \\(task (\\S+), valid until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\); the old link \\(task ${old!.id}\\) now answers 410\\n$`,
      ),
    );

    const tasks = await env.repository.listTasks(id);
    const fresh = tasks.find((t) => t.status === 'OPEN')!;
    expect(tasks.find((t) => t.id === old!.id)?.status).toBe('CLOSED');
    expect(fresh).toMatchObject({ stage: 'review', taskToken: old!.taskToken, recipients: old!.recipients, reminders: 0 });
    // As long as the first link was valid: 14 days.
    expect(Date.parse(fresh.expiresAt) - Date.parse(fresh.createdAt)).toBe(14 * 24 * 3600 * 1000);

    const emails = (await env.emails()).slice(before);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.destination.to).toEqual(old!.recipients);
    const [link] = linksIn(emails[0]!.body.html ?? '');
    expect(link).toContain(`/tasks/${fresh.id}?sig=`);
    await expect(open(link!)).resolves.toMatchObject({ taskId: fresh.id, stage: 'review' });
    await expect(open(oldLink)).rejects.toBeInstanceOf(TaskGoneError);
    await expect(open(oldLink).catch((error: unknown) => toProblem(error).status)).resolves.toBe(410);
  });

  it('sends the committee links to the co-chairs named now', async () => {
    const id = await env.seed('resend-committee', 'IN_COMMITTEE');
    expect((await env.cli('cochairs', 'set', '--call', '2025-T1', '--ma', 'Nadia Tazi <n.tazi@dgct.example.ma>')).code).toBe(0);
    const before = (await env.emails()).length;

    const result = await env.cli('tasks', 'resend', id, '--json');
    expect(result.code).toBe(0);
    const resent = JSON.parse(result.stdout) as Array<{ stage: string; task: TaskRecord; outcome: string }>;
    expect(resent.map((r) => [r.stage, r.outcome, r.task.recipients]).sort()).toEqual([
      ['committee-FR', 'resent', ['copresidence.fr@daect.example.fr']],
      ['committee-MA', 'resent', ['n.tazi@dgct.example.ma']],
    ]);
    expect(result.stdout).not.toContain('taskToken');
    const to = (await env.emails())
      .slice(before)
      .map((e) => e.destination.to[0])
      .sort();
    expect(to).toEqual(['copresidence.fr@daect.example.fr', 'n.tazi@dgct.example.ma']);
  });

  it('sends each applicant contact their own resubmission link', async () => {
    const id = await env.seed('resend-changes', 'CHANGES_REQUESTED');
    const before = (await env.emails()).length;
    expect((await env.cli('tasks', 'resend', id)).stdout).toMatch(/^resubmission: new link sent to .+, .+ \(task/);
    const emails = (await env.emails()).slice(before);
    expect(emails.map((e) => e.destination.to).sort()).toEqual([[LEAD], [PARTNER]]);
    expect(emails[0]!.body.text).toContain('Précisez le budget avec M. Benali.');
  });

  it('refuses an application that waits for nobody, in one line', async () => {
    const id = await env.seed('resend-none', 'APPROVED');
    expect(await env.cli('tasks', 'resend', id)).toEqual({
      code: 1,
      stdout: '',
      stderr: `coopfund admin: application ${id} (APPROVED) waits for no decision: there is no link to resend\n`,
    });
  });

  it('sends nothing when the decision is taken while it resends', async () => {
    const repository = new MemoryRepository();
    const clock = { now: () => new Date('2025-02-03T10:00:00.000Z') };
    const app = (await import('./support.ts')).anApplication('race', { status: 'IN_REVIEW', reviewer: { name: 'R', email: 'r@example.org' } });
    await repository.createApplication(app, { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' });
    const old: TaskRecord = {
      id: 'old-task',
      applicationId: 'race',
      stage: 'review',
      taskToken: 't',
      recipients: ['r@example.org'],
      status: 'OPEN',
      createdAt: '2025-02-02T10:00:00.000Z',
      expiresAt: '2025-02-16T10:00:00.000Z',
      reminders: 0,
    };
    await repository.putTask(old);
    // The reviewer's click lands between the new task's write and the old one's closing.
    const putTask = repository.putTask.bind(repository);
    repository.putTask = async (task) => {
      await putTask(task);
      if (task.id !== 'old-task') await repository.claimTask('old-task', 'r@example.org', {}, clock.now().toISOString());
    };
    const sent: unknown[] = [];
    const results = await resendTasks(
      { repository, clock, signer: hmacSigner(async () => SECRET), mailer: { send: async (m) => void sent.push(m) }, config: { baseUrl: BASE_URL } },
      'race',
    );
    expect(results).toEqual([{ stage: 'review', closed: 'old-task', outcome: 'decided-meanwhile' }]);
    expect(sent).toEqual([]);
    expect([...repository.tasks.values()].map((t) => t.status).sort()).toEqual(['CLOSED', 'DONE']);
  });
});

describe('executions retry', () => {
  it('moves an application from ERROR back to SUBMITTED and starts <id>-r1, without a second receipt', async () => {
    const id = await env.seed('retry-1', 'ERROR_SUBMITTED');
    const result = await env.cli('executions', 'retry', id);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toBe(`application ${id} had failed in SUBMITTED (NoReviewerAvailableError): back to SUBMITTED, execution ${id}-r1 started\n`);
    expect(env.sfn.started.filter((s) => s.name.startsWith(id))).toEqual([
      { stateMachineArn: STATE_MACHINE_ARN, name: `${id}-r1`, input: JSON.stringify({ applicationId: id }) },
    ]);
    expect(await env.repository.getApplication(id)).toMatchObject({ status: 'SUBMITTED' });
    expect((await env.repository.getHistory(id)).at(-1)).toMatchObject({ status: 'SUBMITTED', actor: 'admin', reason: RETRY_REASON });

    // The new execution's SendReceipt: the applicants were acknowledged already.
    expect(await notifyApplicants(env.ports, { applicationId: id, template: 'received' })).toEqual({ sent: false });

    // Run again: already SUBMITTED by the retry, the same execution name: nothing new.
    const again = await env.cli('executions', 'retry', id);
    expect(again).toMatchObject({ code: 0, stdout: `application ${id} was already back to SUBMITTED: execution ${id}-r1 started\n` });
    expect(env.sfn.started.filter((s) => s.name.startsWith(id))).toHaveLength(1);

    // It fails a second time: the next retry is r2.
    await recordOutcome(env.ports, { applicationId: id, status: 'ERROR', error: { Error: 'TransientError' } });
    expect((await env.cli('executions', 'retry', id, '--json')).stdout).toContain(`"execution": "${id}-r2"`);
    expect(env.sfn.started.map((s) => s.name)).toContain(`${id}-r2`);
  });

  it('sends the receipt on retry when the failure came before it was sent', async () => {
    const id = await env.seed('retry-no-receipt', 'ERROR_SUBMITTED');
    await env.repository.unmarkEmailSent(`${id}#received`);
    expect((await env.cli('executions', 'retry', id)).code).toBe(0);
    expect(await notifyApplicants(env.ports, { applicationId: id, template: 'received' })).toEqual({ sent: true });
  });

  it('retries a failure while the review was pending by default (nobody had decided)', async () => {
    const id = await env.seed('retry-review', 'ERROR_IN_REVIEW');
    const result = await env.cli('executions', 'retry', id);
    expect(result.stdout).toContain(`had failed in IN_REVIEW (TransientError): back to SUBMITTED, execution ${id}-r1 started`);
  });

  it('asks for --from-start when decisions taken before the failure would be asked again', async () => {
    const id = await env.seed('retry-committee', 'ERROR_IN_COMMITTEE');
    const refused = await env.cli('executions', 'retry', id);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `coopfund admin: application ${id} failed in IN_COMMITTEE after decisions were taken (review): the workflow restarts from the top and would ask for them again. Pass --from-start to do so.\n`,
    );
    expect(await env.repository.getApplication(id)).toMatchObject({ status: 'ERROR' });
    expect(env.sfn.started.some((s) => s.name.startsWith(id))).toBe(false);

    const forced = await env.cli('executions', 'retry', id, '--from-start');
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('decisions asked again with new links: review');
    expect(env.sfn.started.map((s) => s.name)).toContain(`${id}-r1`);
  });

  it('refuses an application that did not fail', async () => {
    const id = await env.seed('retry-fine', 'IN_REVIEW');
    expect(await env.cli('executions', 'retry', id)).toEqual({
      code: 1,
      stdout: '',
      stderr: `coopfund admin: application ${id} is IN_REVIEW, not ERROR: there is nothing to retry\n`,
    });
  });
});
