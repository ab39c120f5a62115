import { describe, expect, it } from 'vitest';
import { ar, en, formatEuros, fr } from '../../../shared/i18n/index.ts';
import { formatBoth, formatMad, formatMadBoth } from '../../../shared/i18n/money.ts';

/** The locales' non-breaking spaces as plain ones, so the expected texts stay readable. */
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');
/** The right-to-left mark Intl puts before Arabic amounts. */
const RLM = '\u200f';

describe('amounts in both currencies', () => {
  it('shows euros with their value in dirhams at the call’s rate, in each language', () => {
    expect(plain(formatBoth(fr, 10_000, 10.8))).toBe('10 000 € (108 000 MAD)');
    expect(plain(formatBoth(en, 10_000, 10.8))).toBe('€10,000 (MAD 108,000)');
    expect(plain(formatBoth(ar, 10_000, 10.8))).toBe(`${RLM}10.000 € (${RLM}108.000 د.م.${RLM})`);
  });

  it('shows the Moroccan side’s dirhams first, with their value in euros', () => {
    expect(plain(formatMadBoth(fr, 324_000, 10.8))).toBe('324 000 MAD (30 000 €)');
    expect(plain(formatMadBoth(en, 81, 10.8))).toBe('MAD 81 (€8)');
  });

  it('writes dirhams as whole units, like euros, with the same digits as formatEuros', () => {
    expect(plain(formatMad(fr, 1_234))).toBe('1 234 MAD');
    expect(plain(formatMad(en, 0))).toBe('MAD 0');
    // The same digits and separators for both currencies in each language.
    const digits = (s: string) => s.match(/\d[\d.,\u202f\u00a0]*\d/)?.[0];
    for (const t of [fr, ar, en]) expect(digits(formatMad(t, 45_000))).toBe(digits(formatEuros(t, 45_000)));
    expect(digits(formatMad(ar, 45_000))).toBe('45.000');
  });

  it('converts with the budget’s rounding (to the nearest whole unit)', () => {
    expect(plain(formatBoth(fr, 1, 10.7532))).toBe('1 € (11 MAD)');
    expect(plain(formatMadBoth(fr, 26, 10.8))).toBe('26 MAD (2 €)');
  });
});
