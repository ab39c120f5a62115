import type { Budget, BudgetDraft, BudgetRules } from '../schemas/budget.ts';

export type { Budget, BudgetDraft, BudgetRules };

/**
 * The budget's arithmetic and the call's budget rules. Pure: no I/O, no clock.
 *
 * Money is whole units (euros, dirhams). Rates and shares are read to the ten-thousandth (a rate of
 * 10.8234 MAD for 1 €, a share of 12.5 %), then every product and quotient is computed on integers,
 * so no result depends on floating-point drift (`0.29 × 100` is 28.999… as a float).
 *
 * Rounding rule: a conversion goes to the nearest whole unit, halves away from zero (amounts are
 * never negative, so halves up). A bound derived from a share is whole too and says exactly what
 * the share says: a ceiling is the floor of its exact value (no whole amount above it fits under the
 * share), a minimum the ceiling of it (no whole amount below it reaches the share).
 */

/** Rates and shares are read to this many parts of one. */
const SCALE = 10_000;
/** Sources balance costs when they differ by at most this, in euros, after conversion. */
export const BALANCE_TOLERANCE_EUR = 1;

/** The failures `checkBudget` reports, in this order. */
export const budgetRuleCodes = [
  'budget-total',
  'budget-balance',
  'cofinancing-ceiling',
  'lead-share',
  'in-kind-share',
  'grant-bounds-fr',
  'grant-bounds-ma',
] as const;
export type BudgetRuleCode = (typeof budgetRuleCodes)[number];

/**
 * A broken rule: a stable code and the figures a sentence needs (amounts in euros unless the rule
 * is about the Moroccan side, in dirhams; shares as 0..1). The sentence itself comes from the
 * catalogue of the reader's language.
 */
export interface BudgetFailure {
  rule: BudgetRuleCode;
  values: Record<string, number>;
}

type Rounding = 'floor' | 'ceil' | 'nearest';

/** `a × b / d` on integers (a, b ≥ 0 whole, d > 0 whole), rounded as asked. Exact at any size. */
function mulDiv(a: number, b: number, d: number, rounding: Rounding): number {
  const n = BigInt(a) * BigInt(b);
  const divisor = BigInt(d);
  const remainder = n % divisor;
  let q = n / divisor;
  if (rounding === 'ceil' && remainder > 0n) q += 1n;
  if (rounding === 'nearest' && 2n * remainder >= divisor) q += 1n;
  return Number(q);
}

/** A share or a rate in ten-thousandths (0.125 → 1250; 10.8 → 108000). */
const scaled = (x: number): number => Math.round(x * SCALE);

function scaledRate(madPerEur: number): number {
  const rate = scaled(madPerEur);
  // The call's schema guarantees a positive rate: anything else is a bug, not an applicant's error.
  if (!Number.isSafeInteger(rate) || rate <= 0) throw new RangeError(`madPerEur must be a positive rate (got ${madPerEur})`);
  return rate;
}

/** Whole dirhams → whole euros at the call's rate, to the nearest euro (halves up). */
export function madToEur(mad: number, madPerEur: number): number {
  return mulDiv(mad, SCALE, scaledRate(madPerEur), 'nearest');
}

/** Whole euros → whole dirhams at the call's rate, to the nearest dirham (halves up). */
export function eurToMad(eur: number, madPerEur: number): number {
  return mulDiv(eur, scaledRate(madPerEur), SCALE, 'nearest');
}

const sum = (amounts: readonly (number | undefined)[]): number => amounts.reduce<number>((total, a) => total + (a ?? 0), 0);

/** The total cost in euros: every line's amount (a draft's missing amounts count as 0). */
export function costTotal(budget: BudgetDraft): number {
  return sum((budget.lines ?? []).map((l) => l.amount));
}

/** What the fund is asked for, both sides in euros (the Moroccan side converted): for listings. */
export function requestedEur(budget: BudgetDraft, madPerEur: number): number {
  const funding = budget.funding ?? {};
  return (funding.fundFR ?? 0) + madToEur(funding.fundMA ?? 0, madPerEur);
}

/**
 * What an application asks of each side of the fund: France in euros, Morocco in dirhams. One
 * filed with only its totals asked France alone (its requested amount).
 */
export function requestsBySide(budget: { requestedAmount: number; funding?: { fundFR: number; fundMA: number } }): { FR: number; MA: number } {
  return budget.funding ? { FR: budget.funding.fundFR, MA: budget.funding.fundMA } : { FR: budget.requestedAmount, MA: 0 };
}

/** The lead's own contribution (cash and in kind), in euros. */
export function leadContribution(budget: BudgetDraft): number {
  const lead = budget.funding?.lead ?? {};
  return (lead.cash ?? 0) + (lead.inKind ?? 0);
}

/** Every source in euros: both authorities, both sides of the fund, the other co-funders. */
export function sourcesTotalEur(budget: BudgetDraft, madPerEur: number): number {
  const funding = budget.funding ?? {};
  const partner = funding.partner ?? {};
  return (
    leadContribution(budget) + (partner.cash ?? 0) + (partner.inKind ?? 0) + requestedEur(budget, madPerEur) + sum((funding.others ?? []).map((o) => o.amount))
  );
}

/** Sources minus costs, in euros (negative: the sources fall short). */
export function budgetGap(budget: BudgetDraft, madPerEur: number): number {
  return sourcesTotalEur(budget, madPerEur) - costTotal(budget);
}

/** Whether the sources equal the costs within `BALANCE_TOLERANCE_EUR` after conversion. */
export function isBalanced(budget: BudgetDraft, madPerEur: number): boolean {
  return Math.abs(budgetGap(budget, madPerEur)) <= BALANCE_TOLERANCE_EUR;
}

const within = (amount: number, bounds: { min: number; max: number }): boolean => amount >= bounds.min && amount <= bounds.max;

/**
 * Every budget rule the call sets that `budget` breaks, in the order of `budgetRuleCodes`; an empty
 * list means the budget is acceptable. Deterministic, and it never throws on a parsed budget.
 *
 * - A total cost of 0 is one failure (`budget-total`); the rules about shares of that total are then
 *   not checked (a share of nothing means nothing), the others are.
 * - Each side's request is checked against its own bounds, France in euros, Morocco in dirhams. A
 *   side asking nothing (0) passes only when the call's minimum for that side is 0: a call that lets
 *   a side stay out says so with a minimum of 0.
 * - The fund's share is of both sides together, the Moroccan one converted to euros.
 */
export function checkBudget(budget: Budget, rules: BudgetRules): BudgetFailure[] {
  const failures: BudgetFailure[] = [];
  const total = costTotal(budget);
  const { lead, fundFR, fundMA } = budget.funding;
  if (total <= 0) failures.push({ rule: 'budget-total', values: { total } });

  const sources = sourcesTotalEur(budget, rules.madPerEur);
  if (Math.abs(sources - total) > BALANCE_TOLERANCE_EUR) {
    failures.push({ rule: 'budget-balance', values: { costs: total, sources, difference: sources - total } });
  }

  if (total > 0) {
    const requested = requestedEur(budget, rules.madPerEur);
    const maxRequested = mulDiv(total, scaled(rules.cofinancingCeiling), SCALE, 'floor');
    if (requested > maxRequested) {
      failures.push({ rule: 'cofinancing-ceiling', values: { requested, total, ceiling: rules.cofinancingCeiling, max: maxRequested } });
    }
    const own = leadContribution(budget);
    const minOwn = mulDiv(total, scaled(rules.minLeadShare), SCALE, 'ceil');
    if (own < minOwn) failures.push({ rule: 'lead-share', values: { lead: own, total, minShare: rules.minLeadShare, min: minOwn } });
  }

  const contribution = lead.cash + lead.inKind;
  const maxInKind = mulDiv(contribution, scaled(rules.maxInKindShare), SCALE, 'floor');
  if (lead.inKind > maxInKind) {
    failures.push({ rule: 'in-kind-share', values: { inKind: lead.inKind, contribution, maxShare: rules.maxInKindShare, max: maxInKind } });
  }

  const { FR, MA } = rules.grants;
  if (!within(fundFR, FR)) failures.push({ rule: 'grant-bounds-fr', values: { requested: fundFR, min: FR.min, max: FR.max } });
  if (!within(fundMA, MA)) failures.push({ rule: 'grant-bounds-ma', values: { requested: fundMA, min: MA.min, max: MA.max } });
  return failures;
}

/** The label of the one line an old budget becomes (stored data, in the administration's language). */
export const LEGACY_LINE_LABEL = 'Coût total déclaré';

/**
 * An application stored before cost lines and sources existed, in today's shape, so it still shows,
 * exports and is decided: its total cost as one `other` line in year 1, the request as the French
 * side of the fund, the rest of the cost as the lead's cash (never below 0), every other source 0.
 */
export function legacyBudget(old: { totalCost: number; requestedAmount: number }): Budget {
  return {
    lines: [{ year: 1, category: 'other', label: LEGACY_LINE_LABEL, amount: old.totalCost }],
    funding: {
      lead: { cash: Math.max(0, old.totalCost - old.requestedAmount), inKind: 0 },
      partner: { cash: 0, inKind: 0 },
      fundFR: old.requestedAmount,
      fundMA: 0,
      others: [],
    },
  };
}
