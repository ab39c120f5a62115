import type { Language } from './application.ts';

/**
 * A text a call defines in the fund's languages: French always (the administration's, and the
 * fallback), Arabic and English when the secretariat wrote them.
 */
export type Localized = { fr: string } & Partial<Record<Exclude<Language, 'fr'>, string>>;

/** The text in `language`, else in French. */
export const inLanguage = (text: Localized, language: Language): string => text[language] ?? text.fr;

/**
 * A stored text as a `Localized`: calls written before they had translations hold a plain
 * (French) string; they still read, show and export.
 */
export function asLocalized(value: unknown): Localized {
  if (typeof value === 'string') return { fr: value };
  if (value !== null && typeof value === 'object' && typeof (value as { fr?: unknown }).fr === 'string') {
    const { fr, ar, en } = value as Record<string, unknown>;
    return { fr: fr as string, ...(typeof ar === 'string' ? { ar } : {}), ...(typeof en === 'string' ? { en } : {}) };
  }
  return { fr: '' };
}

/** What pages and emails name an application by: its call's title and that call's label of its theme. */
export function callTexts(
  call: { title: Localized; themes: ReadonlyArray<{ code: string; label: Localized }> },
  themeCode: string,
): { callTitle: Localized; themeLabel?: Localized } {
  const themeLabel = call.themes.find((t) => t.code === themeCode)?.label;
  return themeLabel ? { callTitle: call.title, themeLabel } : { callTitle: call.title };
}
