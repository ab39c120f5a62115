import type { ApplicationRecord, CallRecord } from '../../shared/domain/application.ts';
import { madToEur } from '../../shared/domain/budget.ts';

/**
 * The amounts a listing shows for each side of the fund: France in euros, Morocco in dirhams with
 * their value in euros at the call's frozen rate. A call with no rate of its own has no Moroccan
 * side: its dirhams are shown alone (no conversion at a rate nobody set).
 */

/** What a draft or an application asks of each side of the fund. */
export interface SideRequests {
  /** The French side, in EUR. */
  requestedFR: number;
  /** The Moroccan side, in MAD; absent for an application filed with the old budget (France alone). */
  requestedMA?: number;
  /** `requestedMA` in EUR at the call's rate, when the call has one. */
  requestedMAInEur?: number;
}

/** What the committee granted on each side, once it awarded. */
export interface SideGrants {
  /** The French side, in EUR. */
  grantedFR?: number;
  /** The Moroccan side, in MAD (absent for an old-budget application that granted nothing there). */
  grantedMA?: number;
  /** `grantedMA` in EUR at the call's rate, when the call has one. */
  grantedMAInEur?: number;
}

export type ApplicationAmounts = SideRequests & SideGrants;

/** The call's frozen rate, when it has a Moroccan side. */
export type Rate = CallRecord['madPerEur'];

/** Dirhams with their value in euros when there is a rate: `{ [key]: mad, [key + 'InEur']: eur }`. */
function dirhams<K extends string>(key: K, mad: number, madPerEur: Rate): Record<K, number> & Partial<Record<`${K}InEur`, number>> {
  return { [key]: mad, ...(madPerEur !== undefined ? { [`${key}InEur`]: madToEur(mad, madPerEur) } : {}) } as Record<K, number> &
    Partial<Record<`${K}InEur`, number>>;
}

/** Each side's request as typed in a draft (what is not typed yet counts as 0). */
export function draftRequests(funding: { fundFR?: number; fundMA?: number } | undefined, madPerEur: Rate): SideRequests & { requestedMA: number } {
  return { requestedFR: funding?.fundFR ?? 0, ...dirhams('requestedMA', funding?.fundMA ?? 0, madPerEur) };
}

/**
 * Each side's request and, once awarded, grant of a filed application. One filed with the old
 * budget (a total cost and a requested amount, no sources) asked France alone: its request is the
 * French side's, and the Moroccan side shows nothing.
 */
export function applicationAmounts(app: Pick<ApplicationRecord, 'budget' | 'decision'>, madPerEur: Rate): ApplicationAmounts {
  const funding = app.budget.funding;
  const requests: SideRequests = funding
    ? { requestedFR: funding.fundFR, ...dirhams('requestedMA', funding.fundMA, madPerEur) }
    : { requestedFR: app.budget.requestedAmount };
  const decision = app.decision;
  if (decision?.grantedAmount === undefined) return requests;
  const grantedMA = decision.grantedMA ?? 0;
  return {
    ...requests,
    grantedFR: decision.grantedAmount,
    ...(funding || grantedMA > 0 ? dirhams('grantedMA', grantedMA, madPerEur) : {}),
  };
}
