import type { Language } from '../domain/application.ts';
import { catalogues, type Catalogue as Texts } from '../i18n/index.ts';
import { formatDateTime as dateTimeIn, formatEuros as eurosIn } from '../i18n/format.ts';

/**
 * The emails' view of a language's catalogue (shared/i18n): its `email` texts plus what the
 * layout needs (language, direction, brand, footer) and the locale for amounts and dates.
 */
export type Catalogue = Texts['email'] & {
  lang: Language;
  dir: 'ltr' | 'rtl';
  locale: string;
  brand: string;
  meta: Texts['meta'];
  /** Our names of the fund's usual themes (for calls that do not translate theirs). */
  themes: Texts['themes'];
  /** Shared phrases (a grant from both sides of the fund). */
  common: Texts['common'];
};

function emailTexts(t: Texts): Catalogue {
  return {
    ...t.email,
    lang: t.meta.lang as Language,
    dir: t.meta.dir,
    locale: t.meta.locale,
    brand: t.site.name,
    meta: t.meta,
    themes: t.themes,
    common: t.common,
  };
}

export const fr = emailTexts(catalogues.fr);
const byLanguage: Readonly<Record<Language, Catalogue>> = {
  fr,
  ar: emailTexts(catalogues.ar),
  en: emailTexts(catalogues.en),
};

export function catalogueFor(language: Language | undefined): Catalogue {
  return byLanguage[language ?? 'fr'] ?? fr;
}

/** Whole euros in the catalogue's locale, e.g. « 45 000 € ». */
export function formatEuros(t: Pick<Catalogue, 'meta'>, amount: number): string {
  return eurosIn(t, amount);
}

/** A date and time in the catalogue's time zone, naming it, e.g. « 3 mars 2027 à 14:05 (heure de Paris) ». */
export function formatDateTime(t: Pick<Catalogue, 'meta'>, at: Date | string): string {
  return dateTimeIn(t, at);
}
