import { InvalidTransitionError } from '../domain/errors.ts';
import { changesRequestedEmail } from '../emails/templates.ts';
import { taskIdFor, taskLink, trackingUrl } from '../links/links.ts';
import type { RequestChangesInput } from '../workflow/contract.ts';
import { applicantEmails, baseUrlOf, loadApplication, newTask, openTasks, sendOnce, taskEmailKey, withCallTexts } from './workflow-support.ts';
import type { TaskPorts } from './workflow-support.ts';

/**
 * RequestChanges task (waitForTaskToken): the applicants may resubmit.
 * 1. Load the application; it must be CHANGES_REQUESTED.
 * 2. Reuse the open `resubmission` task holding this token (a retry), else create one for both
 *    applicant contacts; an open task with another token belongs to an earlier round and is closed.
 * 3. Email each contact the reviewer's comment (stored with the review) and their own signed
 *    resubmission link.
 * No reminder: when the wait times out the state machine withdraws the application.
 */
export async function requestChanges(
  ports: Pick<TaskPorts, 'repository' | 'mailer' | 'signer' | 'clock' | 'config'>,
  input: RequestChangesInput,
): Promise<{ taskId: string }> {
  const { repository, signer, config } = ports;
  const app = await loadApplication(repository, input.applicationId);
  if (app.status !== 'CHANGES_REQUESTED') {
    throw new InvalidTransitionError(`changes are requested of CHANGES_REQUESTED applications, not ${app.status}`);
  }
  const baseUrl = baseUrlOf(config);

  const open = await openTasks(repository, app.id, 'resubmission');
  let task = open.find((t) => t.taskToken === input.taskToken);
  if (!task) {
    task = newTask(ports, {
      // Two runs of one invocation (even at once) write one task, and so send one email each.
      id: await taskIdFor(signer, input.taskToken),
      applicationId: app.id,
      stage: 'resubmission',
      taskToken: input.taskToken,
      recipients: applicantEmails(app),
    });
    await repository.putTask(task);
  }
  for (const stale of open.filter((t) => t.taskToken !== input.taskToken)) await repository.closeTask(stale.id);

  const comment = app.review?.comment ?? '';
  const tracking = await trackingUrl(signer, baseUrl, app.id);
  const named = await withCallTexts(repository, app);
  for (const [index, recipient] of task.recipients.entries()) {
    const link = await taskLink(signer, baseUrl, task, recipient);
    await sendOnce(ports, taskEmailKey(task, index), [recipient], changesRequestedEmail(named, comment, link, task.expiresAt, tracking));
  }
  return { taskId: task.id };
}
