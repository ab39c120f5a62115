import * as z from 'zod';
import { positiveEuros } from './common.ts';

const score = z.coerce.number().int('note entière de 1 à 5').min(1, 'note de 1 à 5').max(5, 'note de 1 à 5');
const comment = z.string().trim().max(5000, '5000 caractères au plus');

export const reviewCriteria = ['relevance', 'feasibility', 'partnership', 'impact'] as const;

/** A reviewer's recommendation. A comment is required unless the recommendation is favourable. */
export const reviewDecisionSchema = z
  .strictObject({
    decision: z.enum(['favorable', 'unfavorable', 'changes'], { message: 'recommandation invalide' }),
    relevance: score,
    feasibility: score,
    partnership: score,
    impact: score,
    comment: comment.optional().default(''),
  })
  .refine((d) => d.decision === 'favorable' || d.comment.length > 0, {
    message: 'un commentaire est obligatoire pour cette recommandation',
    path: ['comment'],
  });
export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;

/** A co-chair's decision; `grantedAmount` is bounded by the requested amount at use-case level. */
export const committeeDecisionSchema = z.discriminatedUnion(
  'decision',
  [
    z.strictObject({
      decision: z.literal('approve'),
      grantedAmount: z.coerce.number().pipe(positiveEuros),
      comment: comment.optional().default(''),
    }),
    z.strictObject({
      decision: z.literal('reject'),
      comment: comment.min(1, 'un commentaire est obligatoire pour un refus'),
    }),
  ],
  { message: 'décision invalide' },
);
export type CommitteeDecision = z.infer<typeof committeeDecisionSchema>;

/*
 * What the workflow itself carries of a decision: codes, scores and amounts, never a comment.
 * Step Functions keeps every payload in its execution history for 90 days after the execution
 * ends, out of reach of the purge; the full decision (comment included) stays in the table, on
 * the decided task, where the task that needs the text reads it. Not strict: an execution started
 * before this contract may still send the comment, which is dropped unread.
 */

/** A reviewer's recommendation as the workflow sees it: the code and the four scores. */
export const reviewOutcomeSchema = z.object({
  decision: z.enum(['favorable', 'unfavorable', 'changes']),
  relevance: score,
  feasibility: score,
  partnership: score,
  impact: score,
});
export type ReviewOutcome = z.infer<typeof reviewOutcomeSchema>;

/** A co-chair's decision as the workflow sees it: approve with an amount, or reject. */
export const committeeOutcomeSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve'), grantedAmount: positiveEuros }),
  z.object({ decision: z.literal('reject') }),
]);
export type CommitteeOutcome = z.infer<typeof committeeOutcomeSchema>;

/** The workflow's part of a review: everything but the comment. */
export function reviewOutcome({ decision, relevance, feasibility, partnership, impact }: ReviewDecision): ReviewOutcome {
  return { decision, relevance, feasibility, partnership, impact };
}

/** The workflow's part of a co-chair's decision: the code and, for an approval, the amount. */
export function committeeOutcome(d: CommitteeDecision): CommitteeOutcome {
  return d.decision === 'approve' ? { decision: 'approve', grantedAmount: d.grantedAmount } : { decision: 'reject' };
}
