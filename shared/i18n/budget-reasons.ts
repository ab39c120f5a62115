import type { BudgetFailure } from '../domain/budget.ts';
import { fill, formatPercent } from './format.ts';
import type { Catalogue } from './fr.ts';
import { formatSide } from './money.ts';

/** The figures of a failure that are shares of one (0..1), shown as percentages. */
const SHARES = new Set(['ceiling', 'minShare', 'maxShare']);

/**
 * A broken budget rule as a sentence of the catalogue's language, with its figures: shares as
 * percentages, amounts in both currencies when the call has a Moroccan side (its own rate
 * `madPerEur`), in euros only otherwise. The Moroccan side's bounds are in dirhams; every other
 * amount is in euros. A difference is shown as its size (the sentence names both totals).
 */
export function budgetReason(t: Pick<Catalogue, 'meta' | 'budgetRules'>, failure: BudgetFailure, madPerEur?: number): string {
  const amount = (value: number): string => formatSide(t, failure.rule === 'grant-bounds-ma' ? 'MA' : 'FR', value, madPerEur);
  const values = Object.fromEntries(
    Object.entries(failure.values).map(([name, value]) => [name, SHARES.has(name) ? formatPercent(t, value) : amount(Math.abs(value))]),
  );
  return fill(t.budgetRules[failure.rule], values);
}
