import type { RecordReviewInput, RecordReviewOutput } from '../workflow/contract.ts';
import { workflowEvent } from './workflow-support.ts';
import type { TaskPorts } from './workflow-support.ts';

/**
 * RecordReview task.
 * 1. Changes requested → CHANGES_REQUESTED, the reviewer's comment as the reason (the applicants
 *    read it in their history); favourable or not → IN_COMMITTEE: the committee decides either way.
 * 2. The review (with its time) is stored by the same conditional write.
 * A retry finds the status already reached: `unchanged`, nothing written.
 */
export async function recordReview(
  { repository, clock }: Pick<TaskPorts, 'repository' | 'clock'>,
  { applicationId, review }: RecordReviewInput,
): Promise<RecordReviewOutput> {
  const at = clock.now().toISOString();
  const patch = { review: { ...review, at } };
  if (review.decision === 'changes') {
    await repository.transition(applicationId, 'CHANGES_REQUESTED', workflowEvent(clock, 'CHANGES_REQUESTED', review.comment || 'Modifications demandées par l’instructeur'), patch);
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
