import { budgetRulesOf, type DocumentRule, documentRulesOf, type Envelopes, envelopesOf, filingRulesOf } from '../domain/call-rules.ts';
import { isCallOpen } from '../domain/eligibility.ts';
import { type CallTexts, localize, themeLabel } from '../i18n/themes.ts';
import type { Clock, Repository } from '../ports/index.ts';
import type { BudgetRules } from '../schemas/budget.ts';
import type { Call } from '../schemas/call.ts';

/** A call open now, as defined (its texts in every language it has): what the form renders. */
export type OpenCall = Call;

/** A call as the public reads it (`GET /calls`): its rules, its texts in one language, not its bookkeeping. */
export interface PublicCall {
  id: string;
  title: string;
  opensAt: string;
  closesAt: string;
  themes: { code: string; label: string }[];
  durationMonths: { min: number; max: number };
  cofinancingCeiling: number;
  grant: { min: number; max: number };
  envelope: number;
  /** Both sides of the fund: France in EUR, Morocco in MAD (none for a call with a French side only). */
  envelopes: Envelopes;
  /** Dirhams for one euro, frozen for the call (only when it has a Moroccan side). */
  madPerEur?: number;
  minLeadShare: number;
  maxInKindShare: number;
  /** What each side may grant one project: France in EUR, Morocco in MAD. */
  grants: BudgetRules['grants'];
  partnerConfirmationDays: number;
  requirePartnerConfirmation: boolean;
  /** The documents an application gives, each label in the reader's language (none for a call written before them). */
  documents: (Omit<DocumentRule, 'label'> & { label: string })[];
  /** Files an application may hold at most. */
  maxDocuments: number;
}

/**
 * The calls open now.
 * 1. List every call (one Query on the calls index).
 * 2. Keep those open now, closing soonest first; only the definition, not the bookkeeping
 *    (`committed`, `awarded`).
 */
export async function listCalls({ repository, clock }: { repository: Repository; clock: Clock }): Promise<OpenCall[]> {
  const now = clock.now();
  return (await repository.listCalls())
    .filter((call) => isCallOpen(call, now))
    .sort((a, b) => a.closesAt.localeCompare(b.closesAt))
    .map((c) => ({
      id: c.id,
      title: c.title,
      opensAt: c.opensAt,
      closesAt: c.closesAt,
      themes: c.themes.map((t) => ({ code: t.code, label: t.label })),
      durationMonths: { min: c.durationMonths.min, max: c.durationMonths.max },
      cofinancingCeiling: c.cofinancingCeiling,
      grant: { min: c.grant.min, max: c.grant.max },
      envelope: c.envelope,
      ...(c.envelopes ? { envelopes: c.envelopes } : {}),
      ...(c.madPerEur !== undefined ? { madPerEur: c.madPerEur } : {}),
      ...(c.minLeadShare !== undefined ? { minLeadShare: c.minLeadShare } : {}),
      ...(c.maxInKindShare !== undefined ? { maxInKindShare: c.maxInKindShare } : {}),
      ...(c.grants ? { grants: c.grants } : {}),
      ...(c.partnerConfirmationDays !== undefined ? { partnerConfirmationDays: c.partnerConfirmationDays } : {}),
      ...(c.requirePartnerConfirmation !== undefined ? { requirePartnerConfirmation: c.requirePartnerConfirmation } : {}),
      ...(c.documents ? { documents: c.documents } : {}),
      ...(c.maxDocuments !== undefined ? { maxDocuments: c.maxDocuments } : {}),
    }));
}

/** GET /calls: a call with its title and theme labels in the reader's language (French where it has none). */
export function publicCall(call: OpenCall, t: CallTexts): PublicCall {
  const rules = budgetRulesOf(call);
  const { documents, maxDocuments } = documentRulesOf(call);
  return {
    ...call,
    // Every rule with its value, the defaults of a call written before the dossier included.
    envelopes: envelopesOf(call),
    ...(call.madPerEur !== undefined ? { madPerEur: call.madPerEur } : {}),
    minLeadShare: rules.minLeadShare,
    maxInKindShare: rules.maxInKindShare,
    grants: rules.grants,
    ...filingRulesOf(call),
    title: localize(t, call.title),
    themes: call.themes.map((th) => ({ code: th.code, label: themeLabel(t, th.code, th.label) })),
    documents: documents.map((d) => ({ ...d, label: localize(t, d.label) })),
    maxDocuments,
  };
}
