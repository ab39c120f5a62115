import { budgetReason } from '../i18n/budget-reasons.ts';
import { fill } from '../i18n/format.ts';
import { frBudgetRules, frDocumentShortfalls, frMeta } from '../i18n/fr-rules.ts';
import type { ApplicationInput } from '../schemas/application.ts';
import type { Budget } from '../schemas/budget.ts';
import type { Call } from '../schemas/call.ts';
import { checkBudget } from './budget.ts';
import type { Issue } from './errors.ts';
import { budgetRulesOf, documentRulesOf } from './call-rules.ts';
import { type DraftDocument, type DocumentShortfall, documentShortfalls } from './documents.ts';

/**
 * A failed eligibility rule: a stable code for machines and a French reason for people. A budget
 * rule also keeps its figures (`values`, as `checkBudget` gives them), so that a page can say it
 * again in the reader's language.
 */
export interface Ineligibility {
  rule: string;
  reason: string;
  values?: Record<string, number>;
  /** The call's document type a document rule is about (`document-missing`, `-refused`, `-unchecked`). */
  document?: string;
}

/**
 * What eligibility reads of an application. An application filed from a joint dossier also has
 * its budget's cost lines and funding sources; one stored before them has only the two totals.
 */
export type EligibilityInput = Omit<ApplicationInput, 'budget'> & {
  budget: ApplicationInput['budget'] & { lines?: Budget['lines']; funding?: Budget['funding'] };
  /** Its documents (none for one filed without a draft). */
  documents?: readonly Pick<DraftDocument, 'type' | 'status'>[];
};

type Rule = (a: EligibilityInput, c: Call) => Ineligibility | undefined;

const fmt = (n: number) => new Intl.NumberFormat('fr-FR').format(n);

const rules: Rule[] = [
  (a) =>
    a.leadAuthority.country === 'FR' ? undefined : { rule: 'lead-french', reason: 'Le porteur de projet doit être une collectivité territoriale française.' },
  (a) =>
    a.partnerAuthority.country === 'MA'
      ? undefined
      : { rule: 'partner-moroccan', reason: 'La collectivité partenaire doit être une collectivité territoriale marocaine.' },
  (a, c) =>
    c.themes.some((t) => t.code === a.project.theme)
      ? undefined
      : {
          rule: 'theme',
          reason: `Le thème « ${a.project.theme} » ne fait pas partie des thèmes de l’appel (${c.themes.map((t) => t.label.fr).join(', ')}).`,
        },
  (a, c) =>
    a.project.durationMonths >= c.durationMonths.min && a.project.durationMonths <= c.durationMonths.max
      ? undefined
      : {
          rule: 'duration',
          reason: `La durée du projet (${a.project.durationMonths} mois) doit être comprise entre ${c.durationMonths.min} et ${c.durationMonths.max} mois.`,
        },
];

/** The two budget rules of an application that has only its totals (filed before the dossier's budget). */
const totalsRules: Rule[] = [
  (a, c) =>
    a.budget.requestedAmount <= Math.floor(a.budget.totalCost * c.cofinancingCeiling)
      ? undefined
      : {
          rule: 'cofinancing-ceiling',
          reason: `Le montant demandé (${fmt(a.budget.requestedAmount)} €) dépasse ${Math.round(c.cofinancingCeiling * 100)} % du coût total (${fmt(Math.floor(a.budget.totalCost * c.cofinancingCeiling))} €).`,
        },
  (a, c) =>
    a.budget.requestedAmount >= c.grant.min && a.budget.requestedAmount <= c.grant.max
      ? undefined
      : {
          rule: 'grant-bounds',
          reason: `Le montant demandé (${fmt(a.budget.requestedAmount)} €) doit être compris entre ${fmt(c.grant.min)} € et ${fmt(c.grant.max)} €.`,
        },
];

const datesRules: Rule[] = [
  (a, c) =>
    Date.parse(`${a.project.startDate}T00:00:00Z`) > Date.parse(c.closesAt)
      ? undefined
      : {
          rule: 'start-date',
          reason: `Le projet doit commencer après la clôture de l’appel (${c.closesAt.slice(0, 10)}).`,
        },
];

/**
 * The budget rules of the call (shared/domain/budget.ts) for a budget with cost lines and sources,
 * each failure with its French sentence; amounts in both currencies when the call has a Moroccan side.
 */
function budgetIneligibility(budget: Budget, call: Call): Ineligibility[] {
  return checkBudget(budget, budgetRulesOf(call)).map((failure) => ({
    rule: failure.rule,
    reason: budgetReason({ meta: frMeta, budgetRules: frBudgetRules }, failure, call.madPerEur),
    values: failure.values,
  }));
}

/** A required document that does not count, in French, its label from the call (shared/i18n `documents.shortfalls`). */
export function shortfallReason(shortfall: DocumentShortfall, call: Pick<Call, 'documents'>): string {
  const label = call.documents?.find((d) => d.type === shortfall.type)?.label.fr ?? shortfall.type;
  return fill(frDocumentShortfalls[shortfall.problem], { label: `« ${label} »` });
}

/**
 * What a dossier still lacks of its documents, as issues naming each one (`documents.<type>`):
 * what a request to file answers (422), and what the partner's confirmation checks again.
 */
export function documentIssues(call: Pick<Call, 'documents' | 'maxDocuments'>, documents: readonly Pick<DraftDocument, 'type' | 'status'>[]): Issue[] {
  return documentShortfalls(documentRulesOf(call).documents, documents).map((shortfall) => ({
    path: `documents.${shortfall.type}`,
    message: shortfallReason(shortfall, call),
  }));
}

/** Every required document of the call, of whichever side, present and accepted: one reason per one that is not. */
function documentIneligibility(application: EligibilityInput, call: Call): Ineligibility[] {
  return documentShortfalls(documentRulesOf(call).documents, application.documents ?? []).map((shortfall) => ({
    rule: `document-${shortfall.problem}`,
    reason: shortfallReason(shortfall, call),
    document: shortfall.type,
  }));
}

/**
 * Every failed rule, in a stable order; an empty list means eligible. Pure. An application with a
 * budget of cost lines and sources is held to the call's budget rules; one with only its totals
 * keeps the two rules it was filed under (co-financing ceiling and grant bounds, in euros). Every
 * document the call requires must be there and accepted.
 */
export function checkEligibility(application: EligibilityInput, call: Call): Ineligibility[] {
  const { lines, funding } = application.budget;
  const apply = (list: Rule[]) => list.map((rule) => rule(application, call)).filter((r): r is Ineligibility => r !== undefined);
  const budget = lines && funding ? budgetIneligibility({ lines, funding }, call) : apply(totalsRules);
  return [...apply(rules), ...budget, ...apply(datesRules), ...documentIneligibility(application, call)];
}

/** Whether a call accepts submissions at `now` (refused at the API otherwise, nothing stored). */
export function isCallOpen(call: Call, now: Date): boolean {
  const t = now.getTime();
  return t >= Date.parse(call.opensAt) && t < Date.parse(call.closesAt);
}

/** The co-financing share of the total cost the application asks for (0..1). */
export function cofinancingShare(budget: ApplicationInput['budget']): number {
  return budget.requestedAmount / budget.totalCost;
}
