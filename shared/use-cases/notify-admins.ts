import type { NotifyAdminsInput } from '../workflow/contract.ts';
import { workflowFailureEmail } from '../emails/templates.ts';
import { sendOnce } from './workflow-support.ts';
import type { TaskPorts } from './workflow-support.ts';

/**
 * NotifyFailure: the last step of a failed workflow, so it must not fail for want of data.
 * 1. Look the application up for its call (absent: the alert still goes, call unknown).
 * 2. Email the admins the application id, its call and the error name (no personal data).
 * Once per failure: the key counts the ERROR events, so a restarted workflow that fails again
 * alerts again.
 */
export async function notifyAdmins(
  ports: Pick<TaskPorts, 'repository' | 'mailer' | 'config'>,
  { applicationId, error }: NotifyAdminsInput,
): Promise<{ sent: boolean }> {
  const { repository, config } = ports;
  const app = await repository.getApplication(applicationId);
  const failures = app ? (await repository.getHistory(applicationId)).filter((e) => e.status === 'ERROR').length : 0;
  const email = workflowFailureEmail(applicationId, app?.callId, error.Error || 'UnknownError');
  const sent = await sendOnce(ports, `${applicationId}#failure#${Math.max(failures, 1)}`, config.adminEmails, email);
  return { sent };
}
