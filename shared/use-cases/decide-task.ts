import type { ApplicationRecord, TaskRecord, TaskStage } from '../domain/application.ts';
import { requestsBySide } from '../domain/budget.ts';
import { InvalidTransitionError, TaskAlreadyDecidedError, TaskGoneError, ValidationError } from '../domain/errors.ts';
import { trackingUrl } from '../links/links.ts';
import type { Workflow } from '../ports/index.ts';
import { resubmissionSchema, type Resubmission } from '../schemas/application.ts';
import {
  type CommitteeDecision,
  committeeDecisionSchemas,
  committeeOutcome,
  grantField,
  type ReviewDecision,
  reviewCriteria,
  reviewDecisionSchema,
  reviewOutcome,
} from '../schemas/decisions.ts';
import type { TaskOutput } from '../workflow/contract.ts';
import { openTaskLink, TASK_GONE_MESSAGES, type TaskLinkPorts } from './show-task.ts';
import type { Nested } from '../text/dotted-fields.ts';
import { parseOrThrow } from './validate.ts';

export interface DecideTaskPorts extends TaskLinkPorts {
  workflow: Workflow;
}

/** What a person posted, as the HTTP layer read it from the form. */
export interface DecisionForm {
  /** The link's signature. */
  sig: string | undefined;
  /** `decision`, `comment` and the stage's own fields (scores, granted amount), as typed. */
  fields: Readonly<Record<string, string>>;
  /**
   * A resubmission's new content, nested as the application's schema expects it; or the first
   * posted name that is no field of it (not a plain dotted path).
   */
  content: Nested;
}

export interface DecideTaskRequest extends DecisionForm {
  taskId: string;
  baseUrl: string;
}

export interface DecideTaskResult {
  stage: TaskStage;
  applicationId: string;
  /** What was decided, in the stage's words (`favorable`, `approve`, `resubmitted`…). */
  decision: string;
  /** A co-chair's approval: what their side granted, in its currency (France EUR, Morocco MAD). */
  granted?: { side: 'FR' | 'MA'; amount: number };
  /** Resubmission: where the applicants follow their application. */
  trackingUrl?: string;
}

const INVALID = 'Le formulaire contient des erreurs : rien n’a été enregistré.';

/** An approval's grant, whichever side it is from. */
const grantOf = (d: CommitteeDecision): number | undefined => (d.decision === 'reject' ? undefined : 'grantedFR' in d ? d.grantedFR : d.grantedMA);

function grantedOf(side: 'FR' | 'MA', d: CommitteeDecision): Pick<DecideTaskResult, 'granted'> {
  const amount = grantOf(d);
  return amount === undefined ? {} : { granted: { side, amount } };
}

const pick = (fields: Readonly<Record<string, string>>, names: readonly string[]) =>
  Object.fromEntries(names.filter((n) => fields[n] !== undefined).map((n) => [n, fields[n]]));

/** The decision as posted (`decision`, stored on the task with its comment) and what the workflow gets of it (`output`). */
type Parsed =
  | { stage: 'review'; decision: ReviewDecision; output: TaskOutput['review'] }
  | { stage: 'committee-FR' | 'committee-MA'; decision: CommitteeDecision; output: TaskOutput['committee-FR'] }
  | { stage: 'resubmission'; decision: TaskOutput['resubmission']; output: TaskOutput['resubmission']; content: Resubmission };

/** The stage's fields, validated; nothing is written before this succeeds. */
function parseDecision(task: TaskRecord, app: ApplicationRecord, { fields, content }: DecisionForm): Parsed {
  switch (task.stage) {
    case 'review': {
      const decision = parseOrThrow(reviewDecisionSchema, pick(fields, ['decision', ...reviewCriteria, 'comment']), INVALID);
      return { stage: 'review', decision, output: reviewOutcome(decision) };
    }
    case 'committee-FR':
    case 'committee-MA': {
      // Each co-chair grants from their own side. The form has the amount and the comment; a
      // refusal ignores the amount.
      const side = task.stage === 'committee-FR' ? 'FR' : 'MA';
      const field = grantField[side];
      const names = fields.decision === 'approve' ? ['decision', field, 'comment'] : ['decision', 'comment'];
      const decision = parseOrThrow(committeeDecisionSchemas[side], pick(fields, names), INVALID);
      const requested = requestsBySide(app.budget)[side];
      const granted = grantOf(decision);
      if (granted !== undefined && granted > requested) {
        const currency = side === 'FR' ? '€' : 'MAD';
        throw new ValidationError(INVALID, [{ path: field, message: `le montant accordé dépasse le montant demandé à ce côté (${requested} ${currency})` }]);
      }
      return { stage: task.stage, decision, output: committeeOutcome(decision) };
    }
    case 'resubmission': {
      if (!content.ok) throw new ValidationError(INVALID, [{ code: 'unrecognized_keys', path: [], keys: [content.unknownField], message: 'unknown field' }]);
      return {
        stage: 'resubmission',
        decision: { resubmitted: true },
        output: { resubmitted: true },
        content: parseOrThrow(resubmissionSchema, content.value, INVALID),
      };
    }
  }
}

/**
 * POST /tasks/{taskId} — one person's decision, used once.
 * 1. Check the link (404 / 403 / 410 expired); a decided task → 409, a closed one → 410.
 * 2. Validate the stage's fields (400 listing them, nothing written); a co-chair grants from their
 *    own side (`grantedFR` in EUR, `grantedMA` in MAD), never above what the application asks of
 *    that side. A resubmission needs the application still waiting for it (410 otherwise).
 * 3. Claim the task (conditional write): lost the race → 409 (or 410 if it was closed).
 * 4. Resubmission: store the new content and move CHANGES_REQUESTED → SUBMITTED (actor applicant)
 *    before the workflow resumes, so its eligibility check reads the new content.
 * 5. Resume the workflow with the stage's output: codes and amounts only, the comment stays on the
 *    claimed task (Step Functions keeps the output in its execution history, beyond the purge).
 *    The wait is over (timed out) → close the task, 410; Step Functions unavailable → release the
 *    claim so the same link works again, 503.
 */
export async function decideTask(ports: DecideTaskPorts, request: DecideTaskRequest): Promise<DecideTaskResult> {
  const { repository, workflow, clock } = ports;
  const { task, recipient } = await openTaskLink(ports, request.taskId, request.sig);
  if (task.status === 'DONE') throw new TaskAlreadyDecidedError(TASK_GONE_MESSAGES.decided);
  if (task.status !== 'OPEN') throw new TaskGoneError(TASK_GONE_MESSAGES.closed);
  const app = await repository.getApplication(task.applicationId);
  if (!app) throw new TaskGoneError(TASK_GONE_MESSAGES.closed);

  const parsed = parseDecision(task, app, request);
  // SUBMITTED too: a previous attempt resubmitted but could not resume the workflow (503), and the
  // applicants are retrying the same link.
  if (parsed.stage === 'resubmission' && app.status !== 'CHANGES_REQUESTED' && app.status !== 'SUBMITTED') {
    throw new TaskGoneError(TASK_GONE_MESSAGES.closed);
  }

  const at = clock.now().toISOString();
  if (!(await repository.claimTask(task.id, recipient, parsed.decision as unknown as Record<string, unknown>, at))) {
    const now = await repository.getTask(task.id);
    if (now?.status === 'DONE') throw new TaskAlreadyDecidedError(TASK_GONE_MESSAGES.decided);
    throw new TaskGoneError(TASK_GONE_MESSAGES.closed);
  }

  try {
    if (parsed.stage === 'resubmission') {
      const moved = await repository.transition(
        app.id,
        'SUBMITTED',
        { at, status: 'SUBMITTED', actor: 'applicant', reason: 'Dossier modifié et déposé de nouveau.' },
        parsed.content,
      );
      // Already SUBMITTED by an earlier attempt: the latest content still wins.
      if (moved === 'unchanged') await repository.patchApplication(app.id, { ...parsed.content, updatedAt: at });
    }
    await workflow.succeedTask(task.taskToken, parsed.output);
  } catch (error) {
    if (error instanceof TaskGoneError || error instanceof InvalidTransitionError) {
      // The workflow stopped waiting (timeout, withdrawal): this link is over for good.
      await repository.closeTask(task.id).catch(() => undefined);
      throw new TaskGoneError(TASK_GONE_MESSAGES.closed);
    }
    // Nothing was resumed: give the task back so that the same link can be used again.
    await repository.releaseTask(task.id).catch(() => undefined);
    throw error;
  }

  const decision = parsed.stage === 'resubmission' ? 'resubmitted' : parsed.output.decision;
  return {
    stage: task.stage,
    applicationId: app.id,
    decision,
    ...(parsed.stage === 'committee-FR' || parsed.stage === 'committee-MA' ? grantedOf(parsed.stage === 'committee-FR' ? 'FR' : 'MA', parsed.decision) : {}),
    ...(parsed.stage === 'resubmission' ? { trackingUrl: await trackingUrl(ports.signer, request.baseUrl, app.id) } : {}),
  };
}
