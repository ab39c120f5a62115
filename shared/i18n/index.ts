import { isLanguage, languages, type Language } from '../domain/application.ts';
import { inLanguage, type Localized } from '../domain/localized.ts';
import { ar } from './ar.ts';
import { en } from './en.ts';
import { fr, type Catalogue } from './fr.ts';

export { fill, formatDate, formatDateTime, formatDay, formatEuros, formatMonths, formatPercent } from './format.ts';

export type { Catalogue };
export { fr, ar, en, languages, type Language };

/** One catalogue per language; French is the administration's and the default. */
export const catalogues: Readonly<Record<Language, Catalogue>> = { fr, ar, en };

export function textsFor(language: Language | undefined): Catalogue {
  return catalogues[language ?? 'fr'] ?? fr;
}

/** The page's language, as a `Language` (the catalogues are keyed by it). */
export const languageOf = (t: Pick<Catalogue, 'meta'>): Language => (isLanguage(t.meta.lang) ? t.meta.lang : 'fr');

/** A call's text (its title) in the catalogue's language, else in French. */
export const localize = (t: Pick<Catalogue, 'meta'>, text: Localized): string => inLanguage(text, languageOf(t));

/**
 * A theme's label in the catalogue's language: the call's own when it has that language; else our
 * translation of one of the fund's usual codes (calls written in French only); else the call's
 * French label; else the code.
 */
export function themeLabel(t: Pick<Catalogue, 'meta' | 'themes'>, code: string, callLabel?: Localized): string {
  return callLabel?.[languageOf(t)] ?? (t.themes as Record<string, string>)[code] ?? callLabel?.fr ?? code;
}

export function kindLabel(t: Catalogue, kind: string): string {
  return (t.kinds as Record<string, string>)[kind] ?? kind;
}

export function countryLabel(t: Catalogue, country: string): string {
  return (t.countries as Record<string, string>)[country] ?? country;
}
