import { languages, type Language } from '../domain/application.ts';
import { ar } from './ar.ts';
import { en } from './en.ts';
import { fr, type Catalogue } from './fr.ts';

export { fill, formatDate, formatDateTime, formatDay, formatEuros, formatMonths, formatPercent } from './format.ts';

export type { Catalogue };
export { callTextsIn, languageOf, localize, themeLabel } from './themes.ts';
export { fr, ar, en, languages, type Language };

/** One catalogue per language; French is the administration's and the default. */
export const catalogues: Readonly<Record<Language, Catalogue>> = { fr, ar, en };

export function textsFor(language: Language | undefined): Catalogue {
  return catalogues[language ?? 'fr'] ?? fr;
}

export function kindLabel(t: Catalogue, kind: string): string {
  return (t.kinds as Record<string, string>)[kind] ?? kind;
}

export function countryLabel(t: Catalogue, country: string): string {
  return (t.countries as Record<string, string>)[country] ?? country;
}
