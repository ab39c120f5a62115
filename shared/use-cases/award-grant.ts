import type { ApplicationRecord, CallRecord } from '../domain/application.ts';
import { requestsBySide } from '../domain/budget.ts';
import { InvalidTransitionError, NotFoundError, TransientError, ValidationError } from '../domain/errors.ts';
import { formatEuros, fr } from '../emails/catalogue.ts';
import { formatMad } from '../i18n/money.ts';
import type { Repository } from '../ports/index.ts';
import type { CoChairSide } from '../schemas/call.ts';
import type { CommitteeOutcome } from '../schemas/decisions.ts';
import type { AwardGrantInput, AwardGrantOutput } from '../workflow/contract.ts';
import { loadApplication, workflowEvent } from './workflow-support.ts';
import type { TaskPorts } from './workflow-support.ts';

/** The reason of a call with one envelope (France's), as it always was. */
export const ENVELOPE_EXHAUSTED = 'Enveloppe de l’appel épuisée';
/** The reasons of a call with two envelopes: which side could not fund the grant. */
export const SIDE_EXHAUSTED: Readonly<Record<CoChairSide, string>> = {
  FR: 'Enveloppe française de l’appel épuisée',
  MA: 'Enveloppe marocaine de l’appel épuisée',
};

const SIDES: readonly CoChairSide[] = ['FR', 'MA'];

/** What each side grants, in its currency (France EUR, Morocco MAD). */
export type Grants = Record<CoChairSide, number>;

/**
 * Each side's grant from both co-chairs' approvals, at most what the application asked of that
 * side. Decisions of an execution started before the two envelopes carry one `grantedAmount` in
 * euros each: the French side then grants the lower one, as it did, and the Moroccan side nothing.
 */
export function grantsOf(decisions: readonly CommitteeOutcome[], requests: Grants): Grants | undefined {
  const approvals = decisions.flatMap((d) => (d.decision === 'approve' ? [d] : []));
  if (decisions.length < 2 || approvals.length !== decisions.length) return undefined;
  const legacy = approvals.flatMap((d) => (d.grantedAmount !== undefined ? [d.grantedAmount] : []));
  const french = approvals.find((d) => d.grantedFR !== undefined)?.grantedFR ?? (legacy.length > 0 ? Math.min(...legacy) : 0);
  const moroccan = approvals.find((d) => d.grantedMA !== undefined)?.grantedMA ?? 0;
  return { FR: Math.min(requests.FR, french), MA: Math.min(requests.MA, moroccan) };
}

/** Tries a compensating write again until it is done: a release must never be left half way. */
const RELEASE_ATTEMPTS = 8;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Gives back every side where the application is counted (idempotent: `absent` once released). */
async function releaseAll(repository: Repository, app: ApplicationRecord, grants: Grants | undefined): Promise<void> {
  const call = await repository.getCall(app.callId);
  if (!call) throw new NotFoundError(`call ${app.callId} not found`);
  for (const side of SIDES) {
    const amount = grants?.[side] ?? 0;
    if (amount <= 0 || !counted(call, side, app.id)) continue;
    for (let attempt = 1; ; attempt++) {
      try {
        await repository.releaseGrant(app.callId, app.id, amount, side);
        break;
      } catch (error) {
        // Past the attempts, the task fails and its retry releases again (the decision is already stored).
        if (!(error instanceof TransientError) || attempt >= RELEASE_ATTEMPTS) throw error;
        await pause(Math.min(2_000, 50 * 2 ** attempt));
      }
    }
  }
}

const counted = (call: CallRecord, side: CoChairSide, id: string): boolean => (side === 'FR' ? call.awarded : call.awardedMA).includes(id);

function stored(app: ApplicationRecord): AwardGrantOutput {
  const { outcome, grantedAmount, grantedMA, reason } = app.decision ?? { outcome: 'REJECTED' };
  return {
    status: outcome,
    ...(grantedAmount !== undefined ? { grantedFR: grantedAmount } : {}),
    ...(grantedMA !== undefined ? { grantedMA } : {}),
    ...(reason ? { reason } : {}),
  };
}

const isFinal = (app: ApplicationRecord) => (app.status === 'APPROVED' || app.status === 'REJECTED') && app.decision !== undefined;

/**
 * AwardGrant task: both co-chairs approved, each from their own side.
 * 1. Each side's grant: the French co-chair's in EUR, the Moroccan's in MAD, each at most what the
 *    application asked of that side (an application filed with only its totals asked France alone).
 * 2. Reserve France's, then Morocco's, each by one conditional write on the call item (no
 *    transaction: the store has none); a side granting 0 reserves nothing. A side reserved by an
 *    earlier attempt answers `already` and counts as reserved.
 * 3. Both reserved → APPROVED with both amounts. A side's envelope cannot fund it → REJECTED for
 *    lack of funds, saying which envelope; only then is the side reserved before released (a
 *    compensating write, tried again until done), so a concurrent duplicate of this task that saw
 *    that reservation cannot approve on it: the status is set once, by a conditional write.
 * 4. Whoever finds the application REJECTED (this run, a duplicate, a retry) releases whatever is
 *    still counted for it; one found APPROVED keeps both reservations. A retry writes nothing more.
 */
export async function awardGrant(
  { repository, clock }: Pick<TaskPorts, 'repository' | 'clock'>,
  { applicationId, decisions }: AwardGrantInput,
): Promise<AwardGrantOutput> {
  const app = await loadApplication(repository, applicationId);
  const grants = grantsOf(decisions, requestsBySide(app.budget));
  if (isFinal(app)) {
    if (app.status === 'REJECTED') await releaseAll(repository, app, grants);
    return stored(app);
  }
  if (!grants) throw new ValidationError('a grant is awarded only when both co-chairs approved');
  if (grants.FR + grants.MA <= 0) throw new ValidationError('an award grants something on at least one side');

  const call = await repository.getCall(app.callId);
  if (!call) throw new NotFoundError(`call ${app.callId} not found`);
  let short: CoChairSide | undefined;
  for (const side of SIDES) {
    if (grants[side] <= 0) continue;
    if ((await repository.reserveGrant(app.callId, app.id, grants[side], side)) === 'exhausted') {
      short = side;
      break;
    }
  }

  const at = clock.now().toISOString();
  try {
    if (short) {
      const reason = call.envelopes ? SIDE_EXHAUSTED[short] : ENVELOPE_EXHAUSTED;
      await repository.transition(app.id, 'REJECTED', workflowEvent(clock, 'REJECTED', reason), { decision: { outcome: 'REJECTED', reason, at } });
      await releaseAll(repository, app, grants);
      return { status: 'REJECTED', reason };
    }
    const words = grants.MA > 0 ? `${formatEuros(fr, grants.FR)} et ${formatMad(fr, grants.MA)}` : formatEuros(fr, grants.FR);
    const moroccan = call.envelopes ? { grantedMA: grants.MA } : {};
    await repository.transition(app.id, 'APPROVED', workflowEvent(clock, 'APPROVED', `Subvention de ${words} accordée par le comité mixte`), {
      decision: { outcome: 'APPROVED', grantedAmount: grants.FR, ...moroccan, at },
    });
    return { status: 'APPROVED', grantedFR: grants.FR, ...moroccan };
  } catch (error) {
    if (!(error instanceof InvalidTransitionError)) throw error;
    // A duplicate of this task decided first: its decision stands. Rejected, nothing stays counted.
    const now = await loadApplication(repository, applicationId);
    if (now.status === 'REJECTED') await releaseAll(repository, now, grants);
    return stored(now);
  }
}
