import type { TaskRecord } from '../domain/application.ts';
import type { ReviewDecision } from '../schemas/decisions.ts';
import type { RecordReviewInput, RecordReviewOutput } from '../workflow/contract.ts';
import { workflowEvent } from './workflow-support.ts';
import type { TaskPorts } from './workflow-support.ts';

/**
 * The reviewer's comment, as posted: the workflow carries only the review's codes and scores, the
 * comment stays on the decided review task. Several rounds (changes, then a new review) leave
 * several decided tasks: the last one decided is this review's.
 */
export function reviewComment(tasks: TaskRecord[]): string {
  const decided = tasks
    .filter((t) => t.stage === 'review' && t.status === 'DONE')
    .sort((a, b) => (a.decidedAt ?? '').localeCompare(b.decidedAt ?? ''))
    .at(-1);
  const comment = decided?.result?.comment;
  return typeof comment === 'string' ? comment : '';
}

/**
 * RecordReview task.
 * 1. Read the reviewer's comment from the decided review task.
 * 2. Changes requested → CHANGES_REQUESTED, the comment as the reason (the applicants read it in
 *    their history); favourable or not → IN_COMMITTEE: the committee decides either way.
 * 3. The review (comment and time included) is stored by the same conditional write.
 * A retry finds the status already reached: `unchanged`, nothing written.
 */
export async function recordReview(
  { repository, clock }: Pick<TaskPorts, 'repository' | 'clock'>,
  { applicationId, review: outcome }: RecordReviewInput,
): Promise<RecordReviewOutput> {
  const at = clock.now().toISOString();
  const review: ReviewDecision = { ...outcome, comment: reviewComment(await repository.listTasks(applicationId)) };
  const patch = { review: { ...review, at } };
  if (review.decision === 'changes') {
    await repository.transition(
      applicationId,
      'CHANGES_REQUESTED',
      workflowEvent(clock, 'CHANGES_REQUESTED', review.comment || 'Modifications demandées par l’instructeur'),
      patch,
    );
    return { next: 'changes' };
  }
  await repository.transition(
    applicationId,
    'IN_COMMITTEE',
    workflowEvent(clock, 'IN_COMMITTEE', 'Instruction terminée, dossier transmis au comité mixte'),
    patch,
  );
  return { next: 'committee' };
}
