import { ValidationError } from '../domain/errors.ts';
import { formatEuros, fr } from '../emails/catalogue.ts';
import type { AwardGrantInput, AwardGrantOutput } from '../workflow/contract.ts';
import { loadApplication, workflowEvent } from './workflow-support.ts';
import type { TaskPorts } from './workflow-support.ts';

export const ENVELOPE_EXHAUSTED = 'Enveloppe de l’appel épuisée';

/**
 * AwardGrant task: both co-chairs approved.
 * 1. The amount is the lower of the two granted amounts, never above the requested amount
 *    (an award needs both sides: neither can grant more than the other accepted).
 * 2. Reserve it in the call's envelope (one conditional write on the call item).
 * 3. Reserved (or reserved by an earlier attempt) → APPROVED with the amount; the envelope
 *    would be exceeded → REJECTED, saying so.
 * A retry finds the final status and returns the stored decision without writing.
 */
export async function awardGrant(
  { repository, clock }: Pick<TaskPorts, 'repository' | 'clock'>,
  { applicationId, decisions }: AwardGrantInput,
): Promise<AwardGrantOutput> {
  const app = await loadApplication(repository, applicationId);
  if ((app.status === 'APPROVED' || app.status === 'REJECTED') && app.decision) {
    const { outcome, grantedAmount, reason } = app.decision;
    return { status: outcome, ...(grantedAmount !== undefined ? { grantedAmount } : {}), ...(reason ? { reason } : {}) };
  }
  const amounts = decisions.map((d) => (d.decision === 'approve' ? d.grantedAmount : undefined));
  if (decisions.length < 2 || amounts.some((a) => a === undefined)) {
    throw new ValidationError('a grant is awarded only when both co-chairs approved');
  }
  const grantedAmount = Math.min(app.budget.requestedAmount, ...(amounts as number[]));

  const at = clock.now().toISOString();
  const reservation = await repository.reserveGrant(app.callId, app.id, grantedAmount);
  if (reservation === 'exhausted') {
    await repository.transition(app.id, 'REJECTED', workflowEvent(clock, 'REJECTED', ENVELOPE_EXHAUSTED), {
      decision: { outcome: 'REJECTED', reason: ENVELOPE_EXHAUSTED, at },
    });
    return { status: 'REJECTED', reason: ENVELOPE_EXHAUSTED };
  }
  await repository.transition(
    app.id,
    'APPROVED',
    workflowEvent(clock, 'APPROVED', `Subvention de ${formatEuros(fr, grantedAmount)} accordée par le comité mixte`),
    {
      decision: { outcome: 'APPROVED', grantedAmount, at },
    },
  );
  return { status: 'APPROVED', grantedAmount };
}
