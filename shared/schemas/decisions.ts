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
export const committeeDecisionSchema = z.discriminatedUnion('decision', [
  z.strictObject({
    decision: z.literal('approve'),
    grantedAmount: z.coerce.number().pipe(positiveEuros),
    comment: comment.optional().default(''),
  }),
  z.strictObject({
    decision: z.literal('reject'),
    comment: comment.min(1, 'un commentaire est obligatoire pour un refus'),
  }),
], { message: 'décision invalide' });
export type CommitteeDecision = z.infer<typeof committeeDecisionSchema>;
