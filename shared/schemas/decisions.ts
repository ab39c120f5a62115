import * as z from 'zod';
import { wholeDirhams } from './budget.ts';
import type { CoChairSide } from './call.ts';
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

/** The field of a co-chair's grant: each side grants from its own envelope, in its own currency. */
export const grantField = { FR: 'grantedFR', MA: 'grantedMA' } as const satisfies Record<CoChairSide, string>;

const refusal = z.strictObject({
  decision: z.literal('reject'),
  comment: comment.min(1, 'un commentaire est obligatoire pour un refus'),
});
/** France grants whole euros, at least 1 (the French side funds every project it approves). */
const approvalFR = z.strictObject({
  decision: z.literal('approve'),
  grantedFR: z.coerce.number().pipe(positiveEuros),
  comment: comment.optional().default(''),
});
/** Morocco grants whole dirhams, possibly 0 (a project that asked nothing of the Moroccan side). */
const approvalMA = z.strictObject({
  decision: z.literal('approve'),
  grantedMA: z.coerce.number().pipe(wholeDirhams),
  comment: comment.optional().default(''),
});

/**
 * A co-chair's decision, per side: approve with that side's grant, or reject with a comment. Each
 * grant is bounded by what the application asks of that side at use-case level.
 */
export const committeeDecisionSchemas = {
  FR: z.discriminatedUnion('decision', [approvalFR, refusal], { message: 'décision invalide' }),
  MA: z.discriminatedUnion('decision', [approvalMA, refusal], { message: 'décision invalide' }),
} as const;
export type CommitteeDecision = z.infer<(typeof committeeDecisionSchemas)['FR']> | z.infer<(typeof committeeDecisionSchemas)['MA']>;

/**
 * A decision as stored on a decided task, whichever side and age: tasks decided before the two
 * envelopes carry one `grantedAmount` in euros.
 */
export const storedCommitteeDecisionSchema = z.union([
  approvalFR,
  approvalMA,
  z.strictObject({ decision: z.literal('approve'), grantedAmount: positiveEuros, comment: comment.optional().default('') }),
  refusal,
]);
export type StoredCommitteeDecision = z.infer<typeof storedCommitteeDecisionSchema>;

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

/**
 * A co-chair's decision as the workflow sees it: approve with that side's grant, or reject. An
 * execution started before the two envelopes carries `grantedAmount` (euros) instead.
 */
export const committeeOutcomeSchema = z.discriminatedUnion('decision', [
  z.object({
    decision: z.literal('approve'),
    grantedFR: positiveEuros.optional(),
    grantedMA: wholeDirhams.optional(),
    grantedAmount: positiveEuros.optional(),
  }),
  z.object({ decision: z.literal('reject') }),
]);
export type CommitteeOutcome = z.infer<typeof committeeOutcomeSchema>;

/** The workflow's part of a review: everything but the comment. */
export function reviewOutcome({ decision, relevance, feasibility, partnership, impact }: ReviewDecision): ReviewOutcome {
  return { decision, relevance, feasibility, partnership, impact };
}

/** The workflow's part of a co-chair's decision: the code and, for an approval, that side's grant. */
export function committeeOutcome(d: CommitteeDecision): CommitteeOutcome {
  if (d.decision === 'reject') return { decision: 'reject' };
  return 'grantedFR' in d ? { decision: 'approve', grantedFR: d.grantedFR } : { decision: 'approve', grantedMA: d.grantedMA };
}
