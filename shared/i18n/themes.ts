import { isLanguage, type Language } from '../domain/application.ts';
import { inLanguage, type Localized } from '../domain/localized.ts';

/**
 * The names of the fund's usual theme codes in each language, and how a call's texts are read in
 * one: apart from the catalogues, so that what serves only calls (GET /calls) carries no page text.
 */

/** In French. */
export const frThemes = {
  gouvernance: 'Gouvernance et régionalisation avancée',
  'services-publics': 'Services publics locaux et formation',
  numerique: 'Numérique',
  climat: 'Développement durable et climat',
  eau: 'Eau et stress hydrique',
  patrimoine: 'Patrimoine et culture',
  tourisme: 'Tourisme',
  economie: 'Développement économique et entrepreneuriat',
  jeunesse: 'Jeunesse',
  mobilite: 'Mobilité urbaine',
};

/** In Arabic. */
export const arThemes = {
  gouvernance: 'الحكامة والجهوية المتقدمة',
  'services-publics': 'المرافق العمومية المحلية والتكوين',
  numerique: 'الرقمنة',
  climat: 'التنمية المستدامة والمناخ',
  eau: 'الماء والإجهاد المائي',
  patrimoine: 'التراث والثقافة',
  tourisme: 'السياحة',
  economie: 'التنمية الاقتصادية وريادة الأعمال',
  jeunesse: 'الشباب',
  mobilite: 'التنقل الحضري',
};

/** In English. */
export const enThemes = {
  gouvernance: 'Governance and advanced regionalisation',
  'services-publics': 'Local public services and training',
  numerique: 'Digital',
  climat: 'Sustainable development and climate',
  eau: 'Water and water stress',
  patrimoine: 'Heritage and culture',
  tourisme: 'Tourism',
  economie: 'Economic development and entrepreneurship',
  jeunesse: 'Youth',
  mobilite: 'Urban mobility',
};

/** By language. (Each catalogue names its own object: a property read here would keep every catalogue in every bundle.) */
export const themeNames: Record<Language, Readonly<Record<string, string>>> = { fr: frThemes, ar: arThemes, en: enThemes };

/** What reading a call's texts needs of a catalogue: its language, and its names of the usual themes. */
export interface CallTexts {
  meta: { lang: string };
  themes: Readonly<Record<string, string>>;
}

/** The page's language, as a `Language` (the catalogues are keyed by it). */
export const languageOf = (t: Pick<CallTexts, 'meta'>): Language => (isLanguage(t.meta.lang) ? t.meta.lang : 'fr');

/** The texts a call is read with in `language`, without the pages' catalogue. */
export const callTextsIn = (language: Language): CallTexts => ({ meta: { lang: language }, themes: themeNames[language] });

/** A call's text (its title) in the catalogue's language, else in French. */
export const localize = (t: Pick<CallTexts, 'meta'>, text: Localized): string => inLanguage(text, languageOf(t));

/**
 * A theme's label in the catalogue's language: the call's own when it has that language; else our
 * translation of one of the fund's usual codes (calls written in French only); else the call's
 * French label; else the code.
 */
export function themeLabel(t: CallTexts, code: string, callLabel?: Localized): string {
  return callLabel?.[languageOf(t)] ?? t.themes[code] ?? callLabel?.fr ?? code;
}
