import type { BudgetFailure } from '../domain/budget.ts';
import { fill, formatEuros, formatPercent } from './format.ts';
import type { Catalogue } from './fr.ts';
import { formatBoth, formatMad, formatMadBoth } from './money.ts';

/** The figures of a failure that are shares of one (0..1), shown as percentages. */
const SHARES = new Set(['ceiling', 'minShare', 'maxShare']);

/**
 * A broken budget rule as a sentence of the catalogue's language, with its figures: shares as
 * percentages, amounts in both currencies when the call has a Moroccan side (its own rate
 * `madPerEur`), in euros only otherwise. The Moroccan side's bounds are in dirhams; every other
 * amount is in euros. A difference is shown as its size (the sentence names both totals).
 */
export function budgetReason(t: Pick<Catalogue, 'meta' | 'budgetRules'>, failure: BudgetFailure, madPerEur?: number): string {
  const inDirhams = failure.rule === 'grant-bounds-ma';
  const amount = (value: number): string => {
    if (inDirhams) return madPerEur === undefined ? formatMad(t, value) : formatMadBoth(t, value, madPerEur);
    return madPerEur === undefined ? formatEuros(t, value) : formatBoth(t, value, madPerEur);
  };
  const values = Object.fromEntries(
    Object.entries(failure.values).map(([name, value]) => [name, SHARES.has(name) ? formatPercent(t, value) : amount(Math.abs(value))]),
  );
  return fill(t.budgetRules[failure.rule], values);
}
