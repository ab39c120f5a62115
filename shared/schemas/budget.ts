import * as z from 'zod';
import { text } from './common.ts';

/**
 * The budget of a dossier: cost lines by year and category, and the sources that fund them. Every
 * amount is a whole number of euros except the Moroccan side of the fund (`fundMA`), whole dirhams.
 * A budget is refused here only when it is malformed; whether it balances and follows the call's
 * rules is the domain's to say (shared/domain/budget.ts), each failure a reason for the applicant.
 */

export const budgetCategories = ['personnel', 'travel', 'equipment', 'services', 'communication', 'other'] as const;
export type BudgetCategory = (typeof budgetCategories)[number];

/** Bounds that keep every sum a safe integer and a hostile body a quick, clear refusal. */
export const BUDGET_LIMITS = {
  maxEuros: 1_000_000_000,
  /** A billion euros is about eleven billion dirhams: the same ceiling, in the other currency. */
  maxDirhams: 12_000_000_000,
  maxLines: 200,
  maxOtherFunders: 20,
  maxYear: 10,
} as const;

const grouped = (n: number) => new Intl.NumberFormat('fr-FR').format(n);

/** `z.number()` already refuses NaN and ±Infinity; `.int()` refuses fractions (and unsafe integers). */
export const wholeEuros = z
  .number()
  .int('montant en euros entiers')
  .nonnegative('montant négatif')
  .max(BUDGET_LIMITS.maxEuros, `${grouped(BUDGET_LIMITS.maxEuros)} € au plus`);
export const wholeDirhams = z
  .number()
  .int('montant en dirhams entiers')
  .nonnegative('montant négatif')
  .max(BUDGET_LIMITS.maxDirhams, `${grouped(BUDGET_LIMITS.maxDirhams)} MAD au plus`);

/**
 * Both schemas from one shape: `complete` for filing (every field required, at least one cost
 * line), otherwise a draft's (every field optional; what is there has the same form and bounds).
 */
function budgetShape<Complete extends boolean>(complete: Complete) {
  type Needed<T extends z.ZodType> = Complete extends true ? T : z.ZodOptional<T>;
  const need = <T extends z.ZodType>(schema: T) => (complete ? schema : schema.optional()) as Needed<T>;
  const contribution = z.strictObject({ cash: need(wholeEuros), inKind: need(wholeEuros) });
  const line = z.strictObject({
    year: need(z.number().int('année entière').min(1, 'année 1 au moins').max(BUDGET_LIMITS.maxYear, `année ${BUDGET_LIMITS.maxYear} au plus`)),
    category: need(z.enum(budgetCategories, { message: 'catégorie de dépense inconnue' })),
    label: need(text(200)),
    amount: need(wholeEuros),
  });
  const otherFunder = z.strictObject({ name: need(text(200)), amount: need(wholeEuros) });
  const lines = z.array(line).max(BUDGET_LIMITS.maxLines, `${BUDGET_LIMITS.maxLines} lignes de dépense au plus`);
  const others = z.array(otherFunder).max(BUDGET_LIMITS.maxOtherFunders, `${BUDGET_LIMITS.maxOtherFunders} autres cofinanceurs au plus`);
  // No other co-funder is a complete answer: a dossier left without the list (the page's form sends
  // no empty row) files with none, rather than waiting for a list nobody can fill.
  const othersField = (complete ? others.default([]) : others.optional()) as Complete extends true ? z.ZodDefault<typeof others> : z.ZodOptional<typeof others>;
  return z.strictObject({
    lines: need(complete ? lines.min(1, 'au moins une ligne de dépense') : lines),
    funding: need(
      z.strictObject({
        lead: need(contribution),
        partner: need(contribution),
        fundFR: need(wholeEuros),
        fundMA: need(wholeDirhams),
        others: othersField,
      }),
    ),
  });
}

/** A budget ready to be filed: every line and source given. */
export const budgetSchema = budgetShape(true);
export type Budget = z.infer<typeof budgetSchema>;

/** A draft's budget: anything may be missing, nothing present may be malformed. */
export const budgetDraftSchema = budgetShape(false);
export type BudgetDraft = z.infer<typeof budgetDraftSchema>;

/**
 * A share of the total (0..1), read to the ten-thousandth (0.01 %) so the rules compare integers:
 * `0.29 × 100` is 28.999… in floating point, never in basis points.
 */
export const atMostFourDecimals = (x: number) => Math.abs(x * 10_000 - Math.round(x * 10_000)) < 1e-6;
export const share = z
  .number()
  .min(0, 'part comprise entre 0 et 1')
  .max(1, 'part comprise entre 0 et 1')
  .refine(atMostFourDecimals, 'part à 4 décimales au plus');

export const bounds = (amount: z.ZodNumber) =>
  z.strictObject({ min: amount, max: amount }).refine((b) => b.min <= b.max, { message: 'minimum supérieur au maximum', path: ['max'] });

/** The call's frozen rate: dirhams for one euro, to 4 decimals. */
export const madPerEur = z
  .number()
  .min(1, 'cours en dirhams pour un euro')
  .max(1000, 'cours en dirhams pour un euro')
  .refine(atMostFourDecimals, 'cours à 4 décimales au plus');

/** What each side of the fund may grant one project: France in whole EUR, Morocco in whole MAD. */
export const sideGrants = z.strictObject({ FR: bounds(wholeEuros), MA: bounds(wholeDirhams) });

/**
 * The budget rules a call carries (each a failure reason when broken): the fund's share at most
 * `cofinancingCeiling` of the cost, the lead's own share at least `minLeadShare`, the lead's
 * in-kind at most `maxInKindShare` of its contribution, each side's request within its bounds
 * (France in EUR, Morocco in MAD), and the call's frozen rate `madPerEur` (dirhams for one euro,
 * to 4 decimals, as the reference rates are published).
 */
export const budgetRulesSchema = z.strictObject({
  cofinancingCeiling: share.refine((s) => s > 0, 'part comprise entre 0 et 1'),
  minLeadShare: share,
  maxInKindShare: share,
  madPerEur,
  grants: sideGrants,
});
export type BudgetRules = z.infer<typeof budgetRulesSchema>;
