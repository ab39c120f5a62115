import { stageOf } from '../domain/application.ts';
import type { ApplicationRecord, TaskRecord } from '../domain/application.ts';
import { InvalidTransitionError, NotFoundError } from '../domain/errors.ts';
import { decisionRequestEmail, escalationEmail } from '../emails/templates.ts';
import { taskIdFor, taskLink } from '../links/links.ts';
import type { CoChairSide } from '../schemas/call.ts';
import type { WaitingTaskInput } from '../workflow/contract.ts';
import { baseUrlOf, loadApplication, newTask, openTasks, sendOnce, taskEmailKey, withCallTexts, type LinkMailingPorts } from './workflow-support.ts';
import type { TaskPorts } from './workflow-support.ts';

/** From this many unanswered reminders on, every further timeout is also escalated to the admins. */
export const ESCALATE_AFTER_REMINDERS = 3;

/** RequestReview has no side; the two co-chair states each give theirs. */
export type RequestDecisionInput = WaitingTaskInput & { side?: CoChairSide };

export interface RequestDecisionOutput {
  taskId: string;
  reminders: number;
}

type DecisionStage = 'review' | 'committee-FR' | 'committee-MA';

async function currentRecipients(repository: TaskPorts['repository'], app: ApplicationRecord, side: CoChairSide | undefined): Promise<string[]> {
  if (!side) {
    if (!app.reviewer) throw new NotFoundError(`application ${app.id} has no reviewer`);
    return [app.reviewer.email];
  }
  const coChairs = (await repository.getCoChairs(app.callId)).filter((c) => c.side === side);
  if (coChairs.length === 0) throw new NotFoundError(`call ${app.callId} has no ${side} co-chair`);
  return coChairs.map((c) => c.email);
}

const sameRecipients = (a: string[], b: string[]) => a.length === b.length && a.every((email, i) => email.toLowerCase() === b[i]?.toLowerCase());

/**
 * RequestReview / RequestFrenchCoChairDecision / RequestMoroccanCoChairDecision (waitForTaskToken).
 * 1. Load the application; it must be IN_REVIEW (review) or IN_COMMITTEE (co-chairs).
 * 2. An open task of this stage holding the incoming token: a duplicate invocation → only
 *    finish sending what it may not have sent (deduplicated, so normally nothing).
 * 3. An open task whose emails were not all delivered: the attempt that wrote it failed and this
 *    is the state machine's retry, which comes with a new token. Replace the task by a fresh one
 *    of the same round (its links never reached anyone); no reminder is counted.
 * 4. Another open task: the wait timed out and the state machine came back. Keep the same task
 *    and link with the new token and one more reminder; but when its link is about to expire or
 *    its recipients changed (an admin reassigned the decision), replace it by a fresh task.
 * 5. No open task: create one (its id a MAC of the token, so that two runs of one invocation write
 *    one task; the reviewer or the side's co-chairs; links valid for the configured TTL).
 * 6. Email each recipient their own signed link: the request, or a reminder; from the third
 *    reminder on, also an escalation to the admins. The decision keeps waiting.
 */
export async function requestDecision(
  ports: Pick<TaskPorts, 'repository' | 'mailer' | 'signer' | 'clock' | 'config'>,
  input: RequestDecisionInput,
): Promise<RequestDecisionOutput> {
  const { repository } = ports;
  const stage: DecisionStage = input.side ? (stageOf(input.side) as DecisionStage) : 'review';
  const app = await loadApplication(repository, input.applicationId);
  const expected = stage === 'review' ? 'IN_REVIEW' : 'IN_COMMITTEE';
  if (app.status !== expected) {
    throw new InvalidTransitionError(`a ${stage} decision is requested for ${expected} applications, not ${app.status}`);
  }

  const open = await openTasks(repository, app.id, stage);
  const task = open.find((t) => t.taskToken === input.taskToken) ?? (await nextTask(ports, app, stage, input, open[0]));
  // Older open tasks of this stage are obsolete: their links must answer 410, not resume a dead wait.
  for (const stale of open.filter((t) => t.id !== task.id && t.taskToken !== input.taskToken)) {
    await repository.closeTask(stale.id);
  }

  await sendDecisionEmails(ports, app, stage, task);
  return { taskId: task.id, reminders: task.reminders };
}

/** A new invocation without its own task: a retry of a failed attempt, a timeout, or the first time. */
async function nextTask(
  ports: Pick<TaskPorts, 'repository' | 'signer' | 'clock' | 'config'>,
  app: ApplicationRecord,
  stage: DecisionStage,
  input: RequestDecisionInput,
  previous: TaskRecord | undefined,
): Promise<TaskRecord> {
  const { repository, clock, config } = ports;
  const recipients = await currentRecipients(repository, app, input.side);
  const retried = previous !== undefined && !(await roundDelivered(repository, previous));
  // A reminder must carry a link that still works for a while (the wait may outlast the TTL).
  const margin = Math.min(24 * 3600 * 1000, (config.linkTtlSeconds * 1000) / 2);
  const linkLasts = previous !== undefined && Date.parse(previous.expiresAt) - clock.now().getTime() > margin;
  if (previous && !retried && linkLasts && sameRecipients(previous.recipients, recipients)) {
    return repository.renewTaskToken(previous.id, input.taskToken);
  }
  const reminders = previous ? previous.reminders + (retried ? 0 : 1) : 0;
  const id = await taskIdFor(ports.signer, input.taskToken);
  const task = newTask(ports, { id, applicationId: app.id, stage, taskToken: input.taskToken, recipients, reminders });
  await repository.putTask(task);
  return task;
}

/**
 * Whether every recipient got this task's email of its current round. Probed with the sent-markers
 * themselves: a marker we manage to set was not set, so we take it back at once.
 */
async function roundDelivered(repository: TaskPorts['repository'], task: TaskRecord): Promise<boolean> {
  for (const index of task.recipients.keys()) {
    const key = taskEmailKey(task, index);
    if (await repository.markEmailSent(key)) {
      await repository.unmarkEmailSent(key);
      return false;
    }
  }
  return true;
}

async function sendDecisionEmails(ports: LinkMailingPorts, app: ApplicationRecord, stage: DecisionStage, task: TaskRecord): Promise<void> {
  const baseUrl = baseUrlOf(ports.config);
  const named = await withCallTexts(ports.repository, app);
  for (const [index, recipient] of task.recipients.entries()) {
    const link = await taskLink(ports.signer, baseUrl, task, recipient);
    await sendOnce(ports, taskEmailKey(task, index), [recipient], decisionRequestEmail(named, stage, link, task.expiresAt, task.reminders));
  }
  if (task.reminders >= ESCALATE_AFTER_REMINDERS) {
    await sendOnce(ports, `task#${task.id}#${task.reminders}#escalation`, ports.config.adminEmails, escalationEmail(app, stage, task.reminders));
  }
}
