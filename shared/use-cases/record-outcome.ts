import type { ApplicationRecord, TaskRecord } from '../domain/application.ts';
import { isFinal } from '../domain/status.ts';
import type { Status } from '../domain/status.ts';
import { type StoredCommitteeDecision, storedCommitteeDecisionSchema } from '../schemas/decisions.ts';
import type { RecordOutcomeInput } from '../workflow/contract.ts';
import { loadApplication, workflowEvent } from './workflow-support.ts';
import type { TaskPorts } from './workflow-support.ts';

export const WITHDRAWN_REASON = 'Aucune nouvelle version déposée dans le délai';
export const ERROR_REASON = 'Incident technique : le dossier est transmis à l’équipe du dispositif';
const REJECTED_FALLBACK = 'Le comité mixte n’a pas retenu le projet';
/** The stored cause is for admins reading the item; Step Functions causes can be long traces. */
const MAX_CAUSE = 1000;

/**
 * The committee's reason, in its own words. Sides are not named: the committee decides jointly,
 * and the applicants see one decision.
 */
export function rejectionReason(decisions: StoredCommitteeDecision[]): string {
  const comments = decisions
    .filter((d) => d.decision === 'reject')
    .map((d) => d.comment.trim())
    .filter((c, i, all) => c.length > 0 && all.indexOf(c) === i);
  return comments.length > 0 ? comments.join('\n') : REJECTED_FALLBACK;
}

/** `errorType: errorMessage` of a Lambda's JSON cause, else the raw cause; truncated. */
function describeCause(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') {
      text = typeof parsed.errorType === 'string' ? `${parsed.errorType}: ${parsed.errorMessage}` : parsed.errorMessage;
    }
  } catch {
    // Not JSON: a States.* error's cause is plain text.
  }
  return text.length > MAX_CAUSE ? `${text.slice(0, MAX_CAUSE - 1)}…` : text;
}

/**
 * RecordRejection / Withdraw / RecordError: a final status decided by the state machine.
 * 1. REJECTED (from IN_COMMITTEE): the rejecting co-chairs' comments, read from their decided
 *    tasks, as reason and decision; the other co-chair's link, still open when one rejection
 *    ended the committee, is closed.
 * 2. WITHDRAWN (from CHANGES_REQUESTED): no new version in time; the resubmission link is closed.
 * 3. ERROR (from any status that is not final): the error stored for admins, a generic reason for
 *    the applicants, open links closed. An application already final stays as it is.
 * Each is one conditional write; a retry finds the status reached and writes nothing.
 */
export async function recordOutcome({ repository, clock }: Pick<TaskPorts, 'repository' | 'clock'>, input: RecordOutcomeInput): Promise<{ status: Status }> {
  const app = await loadApplication(repository, input.applicationId);
  const at = clock.now().toISOString();

  if (input.status === 'REJECTED') {
    const tasks = await repository.listTasks(app.id);
    const reason = rejectionReason(committeeDecisions(tasks));
    await repository.transition(app.id, 'REJECTED', workflowEvent(clock, 'REJECTED', reason), {
      decision: { outcome: 'REJECTED', reason, at },
    });
    await closeOpenTasks(repository, app, tasks);
    return { status: 'REJECTED' };
  }

  if (input.status === 'WITHDRAWN') {
    await repository.transition(app.id, 'WITHDRAWN', workflowEvent(clock, 'WITHDRAWN', WITHDRAWN_REASON));
    await closeOpenTasks(repository, app);
    return { status: 'WITHDRAWN' };
  }

  if (isFinal(app.status)) return { status: app.status };
  const cause = describeCause(input.error.Cause);
  await repository.transition(app.id, 'ERROR', workflowEvent(clock, 'ERROR', ERROR_REASON), {
    error: { name: input.error.Error || 'UnknownError', ...(cause ? { cause } : {}), at },
  });
  await closeOpenTasks(repository, app);
  return { status: 'ERROR' };
}

/** What the co-chairs posted: the `result` of each decided committee task (one per side). */
export function committeeDecisions(tasks: TaskRecord[]): StoredCommitteeDecision[] {
  return tasks
    .filter((t) => (t.stage === 'committee-FR' || t.stage === 'committee-MA') && t.status === 'DONE')
    .flatMap((t) => {
      const parsed = storedCommitteeDecisionSchema.safeParse(t.result);
      return parsed.success ? [parsed.data] : [];
    });
}

/** A late click on a link of a finished workflow gets "expired", not a decision nobody waits for. */
async function closeOpenTasks(repository: TaskPorts['repository'], app: ApplicationRecord, tasks?: TaskRecord[]): Promise<void> {
  for (const task of tasks ?? (await repository.listTasks(app.id))) {
    if (task.status === 'OPEN') await repository.closeTask(task.id);
  }
}
