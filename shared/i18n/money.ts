import { eurToMad, madToEur } from '../domain/budget.ts';
import { fill, formatEuros, type Locale } from './format.ts';
import type { Catalogue } from './fr.ts';

/**
 * Amounts in both of the fund's currencies. The French side pays in euros, the Moroccan side in
 * dirhams, and every amount is shown in both, converted at the call's frozen rate (the rounding
 * rule is the budget's: to the nearest whole unit). Digits, separators and the currency's sign are
 * the locale's, as `formatEuros` has them: « 108 000 MAD », « MAD 108,000 », « ‏108.000 د.م.‏ ».
 */

/** Whole dirhams in the catalogue's locale. */
export function formatMad(t: Locale, amount: number): string {
  return new Intl.NumberFormat(t.meta.locale, { style: 'currency', currency: 'MAD', maximumFractionDigits: 0 }).format(amount);
}

/** Euros, then their value in dirhams: « 10 000 € (108 000 MAD) ». */
export function formatBoth(t: Locale, eur: number, madPerEur: number): string {
  return `${formatEuros(t, eur)} (${formatMad(t, eurToMad(eur, madPerEur))})`;
}

/** Dirhams, then their value in euros (the Moroccan side's own amounts): « 108 000 MAD (10 000 €) ». */
export function formatMadBoth(t: Locale, mad: number, madPerEur: number): string {
  return `${formatMad(t, mad)} (${formatEuros(t, madToEur(mad, madPerEur))})`;
}

/**
 * An amount of one side of the fund in its own currency (France EUR, Morocco MAD), with its value
 * in the other when the call has a Moroccan side (`madPerEur`); alone otherwise.
 */
export function formatSide(t: Locale, side: 'FR' | 'MA', amount: number, madPerEur?: number): string {
  if (side === 'MA') return madPerEur === undefined ? formatMad(t, amount) : formatMadBoth(t, amount, madPerEur);
  return madPerEur === undefined ? formatEuros(t, amount) : formatBoth(t, amount, madPerEur);
}

/**
 * What an award grants: the French side's euros (`grantedAmount`, its name from when it was the
 * only side) and, when the Moroccan side granted something, its dirhams.
 */
export function grantText(t: Pick<Catalogue, 'meta' | 'common'>, decision: { grantedAmount?: number; grantedMA?: number }, madPerEur?: number): string {
  const french = formatSide(t, 'FR', decision.grantedAmount ?? 0, madPerEur);
  if (!decision.grantedMA) return french;
  return fill(t.common.bothSides, { fr: french, ma: formatSide(t, 'MA', decision.grantedMA, madPerEur) });
}
