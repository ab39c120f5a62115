import type { ApplicationRecord, HistoryEvent, TaskStage } from '../../shared/domain/application.ts';
import { DomainError, InvalidTransitionError } from '../../shared/domain/errors.ts';
import type { Status } from '../../shared/domain/status.ts';
import type { Repository } from '../../shared/ports/index.ts';
import { requireApplication } from './applications.ts';
import { ADMIN_ACTOR, type AdminPorts } from './context.ts';

/** The reason the applicants read in their history (French, like every reason they see). */
export const RETRY_REASON = 'Traitement relancé après un incident technique';

/** The retry would ask people again for decisions they already took: the admin must say so. */
export class DecisionsWouldBeAskedAgainError extends DomainError {
  override readonly name = 'DecisionsWouldBeAskedAgainError';
}

export interface RetryResult {
  applicationId: string;
  /** 1 for the first retry: the execution is `<id>-r<attempt>`. */
  attempt: number;
  /** The status the application had when its workflow failed. */
  failedIn: Status;
  error?: ApplicationRecord['error'];
  /** Decisions taken before the failure that the new execution asks for again (--from-start). */
  askedAgain: TaskStage[];
  /** A previous retry had moved it to SUBMITTED but could not start the execution: started now. */
  resumed: boolean;
}

/**
 * The receipt of a version is keyed by its round, the number of SUBMITTED events (see
 * notify-applicants). The retry adds one: when the applicants were already acknowledged, the
 * next round's receipt is marked as sent so that the new execution does not send it again.
 */
async function keepReceiptSent(repository: Repository, id: string, history: HistoryEvent[]): Promise<void> {
  const round = history.filter((e) => e.status === 'SUBMITTED').length;
  const key = (n: number) => (n > 1 ? `${id}#received#${n}` : `${id}#received`);
  // Probing a marker is setting it: one we manage to set was not there, so take it back.
  if (await repository.markEmailSent(key(round))) {
    await repository.unmarkEmailSent(key(round));
    return;
  }
  await repository.markEmailSent(key(round + 1));
}

/**
 * `executions retry`: runs the workflow again for an application in ERROR.
 *
 * "From where it failed": the state machine cannot start in the middle, so the new execution
 * (`<id>-r<n>`, n = how many times it failed) starts at the top, and every step already done is
 * a no-op or a duplicate-free repeat: the receipt and any email already sent are skipped by their
 * sent-markers, eligibility is checked again, the same reviewer is picked (deterministic). That
 * equals resuming where it failed as long as nobody had decided anything in this round. When a
 * decision was taken before the failure (a review, a co-chair's vote), the new execution asks for
 * it again with new links: that needs `fromStart`, so that nobody is asked twice by surprise.
 *
 * 1. Load the application; it must be in ERROR (or SUBMITTED by a retry that could not start).
 * 2. Find where it failed (the status before ERROR) and the decisions taken since the round began.
 * 3. Without `fromStart`, refuse when such decisions exist, naming them.
 * 4. Close links still open (they belong to the failed execution), keep the receipt sent.
 * 5. ERROR → SUBMITTED, by the admin, with a generic reason.
 * 6. Start the execution `<id>-r<n>` (idempotent: a second run starts nothing new).
 */
export async function retryExecution(
  ports: Pick<AdminPorts, 'repository' | 'workflow' | 'clock'>,
  request: { applicationId: string; fromStart?: boolean },
): Promise<RetryResult> {
  const { repository, workflow, clock } = ports;
  const app = await requireApplication(repository, request.applicationId);
  const history = await repository.getHistory(app.id);
  const failure = history.findLastIndex((e) => e.status === 'ERROR');
  const last = history.at(-1);
  const resumed = app.status === 'SUBMITTED' && failure >= 0 && last?.actor === ADMIN_ACTOR && last.reason === RETRY_REASON;
  if (app.status !== 'ERROR' && !resumed) {
    throw new InvalidTransitionError(`application ${app.id} is ${app.status}, not ERROR: there is nothing to retry`);
  }
  const before = history.slice(0, failure);
  const failedIn = before.findLast((e) => e.status !== 'ERROR')?.status ?? 'SUBMITTED';
  const roundStart = before.findLast((e) => e.status === 'SUBMITTED')?.at ?? app.createdAt;
  const attempt = history.filter((e) => e.status === 'ERROR').length;

  let askedAgain: TaskStage[] = [];
  if (!resumed) {
    const tasks = await repository.listTasks(app.id);
    askedAgain = tasks.filter((t) => t.status === 'DONE' && (t.decidedAt ?? t.createdAt) >= roundStart).map((t) => t.stage);
    if (askedAgain.length > 0 && !request.fromStart) {
      throw new DecisionsWouldBeAskedAgainError(
        `application ${app.id} failed in ${failedIn} after decisions were taken (${askedAgain.join(', ')}): the workflow restarts from the top and would ask for them again. Pass --from-start to do so.`,
      );
    }
    for (const task of tasks.filter((t) => t.status === 'OPEN')) await repository.closeTask(task.id);
    await keepReceiptSent(repository, app.id, history);
    await repository.transition(app.id, 'SUBMITTED', { at: clock.now().toISOString(), status: 'SUBMITTED', actor: ADMIN_ACTOR, reason: RETRY_REASON });
  }
  await workflow.start(app.id, { attempt });
  return {
    applicationId: app.id,
    attempt,
    failedIn,
    ...(app.error ? { error: app.error } : {}),
    askedAgain,
    resumed,
  };
}
