import type { BudgetRules } from '../schemas/budget.ts';
import type { Call, CallDocument } from '../schemas/call.ts';

/**
 * A call's joint-dossier rules with their defaults. Calls written before the dossier carry only
 * the French side (`envelope`, `grant`, in EUR): they read as a French envelope and no Moroccan one.
 */

/** Partner confirmation window when the call does not say (days after a request made before the close). */
export const DEFAULT_PARTNER_CONFIRMATION_DAYS = 14;

/**
 * The rate of a call with no Moroccan side: every MAD amount of such a call is bounded to 0, so
 * no conversion ever depends on it; pages show MAD only when the call has its own rate.
 */
const NO_MOROCCAN_SIDE_RATE = 1;

export interface Envelopes {
  FR: { amount: number; currency: 'EUR' };
  MA: { amount: number; currency: 'MAD' };
}

export function envelopesOf(call: Pick<Call, 'envelope' | 'envelopes'>): Envelopes {
  return call.envelopes ?? { FR: { amount: call.envelope, currency: 'EUR' }, MA: { amount: 0, currency: 'MAD' } };
}

export function budgetRulesOf(call: Pick<Call, 'cofinancingCeiling' | 'grant' | 'grants' | 'madPerEur' | 'minLeadShare' | 'maxInKindShare'>): BudgetRules {
  return {
    cofinancingCeiling: call.cofinancingCeiling,
    minLeadShare: call.minLeadShare ?? 0,
    maxInKindShare: call.maxInKindShare ?? 1,
    madPerEur: call.madPerEur ?? NO_MOROCCAN_SIDE_RATE,
    grants: call.grants ?? { FR: { min: call.grant.min, max: call.grant.max }, MA: { min: 0, max: 0 } },
  };
}

/**
 * How an application of the call is filed. Unless the call says otherwise, the Moroccan partner
 * confirms it when the call has a Moroccan side (both envelopes); a call written before the joint
 * dossier (no Moroccan side) files at the applicant's request, as it always did.
 */
export function filingRulesOf(call: Pick<Call, 'partnerConfirmationDays' | 'requirePartnerConfirmation' | 'envelopes'>): {
  partnerConfirmationDays: number;
  requirePartnerConfirmation: boolean;
} {
  return {
    partnerConfirmationDays: call.partnerConfirmationDays ?? DEFAULT_PARTNER_CONFIRMATION_DAYS,
    requirePartnerConfirmation: call.requirePartnerConfirmation ?? call.envelopes !== undefined,
  };
}

/**
 * Until when the partner may confirm a request to file made at `requestedAt`: while the call is
 * open, then for the call's partner days after the request (the window `canConfirmAt` checks).
 */
export function partnerConfirmationDeadline(
  call: Pick<Call, 'closesAt' | 'partnerConfirmationDays' | 'requirePartnerConfirmation' | 'envelopes'>,
  requestedAt: Date,
): Date {
  const days = filingRulesOf(call).partnerConfirmationDays;
  return new Date(Math.max(Date.parse(call.closesAt), requestedAt.getTime() + days * 24 * 3600 * 1000));
}

/** A file's size limit when the call's document does not say (10 MB). */
export const DEFAULT_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

/** Files an application may hold when the call does not say. */
export const DEFAULT_MAX_DOCUMENTS = 20;

/** A document the call asks for, with its size limit. */
export type DocumentRule = Omit<CallDocument, 'maxBytes'> & { maxBytes: number };

/**
 * The documents of a call with their defaults: a call written before them asks for none, and an
 * application holds 20 files at most.
 */
export function documentRulesOf(call: Pick<Call, 'documents' | 'maxDocuments'>): { documents: DocumentRule[]; maxDocuments: number } {
  return {
    documents: (call.documents ?? []).map((d) => ({ ...d, maxBytes: d.maxBytes ?? DEFAULT_DOCUMENT_MAX_BYTES })),
    maxDocuments: call.maxDocuments ?? DEFAULT_MAX_DOCUMENTS,
  };
}
