import type { ApplicationRecord, TaskRecord, TaskStage } from '../../shared/domain/application.ts';
import { NotFoundError } from '../../shared/domain/errors.ts';
import { newId } from '../../shared/domain/ids.ts';
import { isFinal } from '../../shared/domain/status.ts';
import { changesRequestedEmail, decisionRequestEmail } from '../../shared/emails/templates.ts';
import { taskLink, trackingUrl } from '../../shared/links/links.ts';
import { applicantEmails, sendOnce, taskEmailKey } from '../../shared/use-cases/workflow-support.ts';
import { requireApplication, type TaskView, taskView } from './applications.ts';
import type { AdminPorts } from './context.ts';

type Ports = Pick<AdminPorts, 'repository' | 'mailer' | 'signer' | 'clock' | 'config'>;

export interface ResentTask {
  stage: TaskStage;
  /** The task whose links now answer 410. */
  closed: string;
  /** The new task and its links, unless the decision was taken meanwhile. */
  task?: TaskView;
  outcome: 'resent' | 'decided-meanwhile';
}

/** The people who decide `stage` now: an admin may have changed the co-chairs since the link went out. */
async function currentRecipients(ports: Ports, app: ApplicationRecord, task: TaskRecord): Promise<string[]> {
  switch (task.stage) {
    case 'review':
      return app.reviewer ? [app.reviewer.email] : task.recipients;
    case 'committee-FR':
    case 'committee-MA': {
      const side = task.stage === 'committee-FR' ? 'FR' : 'MA';
      const coChairs = (await ports.repository.getCoChairs(app.callId)).filter((c) => c.side === side).map((c) => c.email);
      return coChairs.length > 0 ? coChairs : task.recipients;
    }
    case 'resubmission':
      return applicantEmails(app);
  }
}

/**
 * `tasks resend`: a fresh link for each decision an application waits for (a lost email, a link
 * that expired while the wait goes on, a co-chair replaced).
 * 1. Load the application and its open tasks; none → nothing to resend (an error).
 * 2. For each (one per Step Functions token): a new task with a new id and the same token, for
 *    the stage's current recipients, its links valid as long as the original ones were.
 * 3. Close the old task only if it is still open (conditional): its links then answer 410. If it
 *    was decided meanwhile, the new task is closed instead and nothing is sent.
 * 4. Email each recipient their link, once per new task (the sent-markers the workflow uses, so
 *    a later timeout of the wait sends a reminder of this link, not a duplicate).
 */
export async function resendTasks(ports: Ports, applicationId: string): Promise<ResentTask[]> {
  const { repository, clock, config } = ports;
  const app = await requireApplication(repository, applicationId);
  const open = (await repository.listTasks(app.id)).filter((t) => t.status === 'OPEN').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (open.length === 0 || isFinal(app.status)) {
    throw new NotFoundError(`application ${app.id} (${app.status}) waits for no decision: there is no link to resend`);
  }
  // Two open tasks with one token are one decision: resend the newest, close the other.
  const byToken = new Map<string, TaskRecord>();
  for (const task of open) if (!byToken.has(task.taskToken)) byToken.set(task.taskToken, task);

  const results: ResentTask[] = [];
  for (const old of byToken.values()) {
    const now = clock.now();
    const validity = Math.max(60_000, Date.parse(old.expiresAt) - Date.parse(old.createdAt));
    const task: TaskRecord = {
      id: newId(),
      applicationId: app.id,
      stage: old.stage,
      taskToken: old.taskToken,
      recipients: await currentRecipients(ports, app, old),
      status: 'OPEN',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + validity).toISOString(),
      reminders: old.reminders,
    };
    await repository.putTask(task);
    if (!(await repository.closeTaskIfOpen(old.id))) {
      await repository.closeTask(task.id);
      results.push({ stage: old.stage, closed: old.id, outcome: 'decided-meanwhile' });
      continue;
    }
    for (const duplicate of open.filter((t) => t.taskToken === old.taskToken && t.id !== old.id)) await repository.closeTask(duplicate.id);
    await sendLinks(ports, app, task, config.baseUrl);
    results.push({ stage: old.stage, closed: old.id, task: taskView(task), outcome: 'resent' });
  }
  return results;
}

async function sendLinks(ports: Ports, app: ApplicationRecord, task: TaskRecord, baseUrl: string): Promise<void> {
  const tracking = task.stage === 'resubmission' ? await trackingUrl(ports.signer, baseUrl, app.id) : '';
  for (const [index, recipient] of task.recipients.entries()) {
    const link = await taskLink(ports.signer, baseUrl, task, recipient);
    const email =
      task.stage === 'resubmission'
        ? changesRequestedEmail(app, app.review?.comment ?? '', link, task.expiresAt, tracking)
        : decisionRequestEmail(app, task.stage, link, task.expiresAt, task.reminders);
    await sendOnce(ports, taskEmailKey(task, index), [recipient], email);
  }
}
