import type { Catalogue } from './fr.ts';

/** What formatting needs of a catalogue (the browser script gets only this and a few texts). */
export type Locale = Pick<Catalogue, 'meta'>;

/**
 * Fills `{name}` placeholders. The result is plain text: callers escape it once, as a whole, so a
 * value can never close the markup around it. A placeholder without a value is a bug in a
 * template, hence the throw.
 */
export function fill(template: string, values: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`text template: no value for {${name}}`);
    return String(value);
  });
}

/** Whole euros in the catalogue's locale, e.g. « 45 000 € », « €45,000 », « ‏45.000 € ». */
export function formatEuros(t: Locale, amount: number): string {
  return new Intl.NumberFormat(t.meta.locale, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(amount);
}

/** A share (0..1) as a percentage with at most one decimal. */
export function formatPercent(t: Locale, share: number): string {
  return new Intl.NumberFormat(t.meta.locale, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

/** A size in megabytes (« 10 Mo », « 10 MB »): a document's limit. */
export function formatMegabytes(t: Locale, bytes: number): string {
  return new Intl.NumberFormat(t.meta.locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(bytes / (1024 * 1024));
}

/** A file's size as people read it: kilobytes under a megabyte (at least 1), else megabytes. */
export function formatFileSize(locale: string, bytes: number): string {
  const small = bytes < 1024 * 1024;
  const value = small ? Math.max(1, Math.ceil(bytes / 1024)) : bytes / (1024 * 1024);
  return new Intl.NumberFormat(locale, { style: 'unit', unit: small ? 'kilobyte' : 'megabyte', maximumFractionDigits: small ? 0 : 1 }).format(value);
}

/** A number of months, with the language's plural (« 24 mois », « 24 months », « 24 شهرًا »). */
export function formatMonths(t: Locale, count: number): string {
  return new Intl.NumberFormat(t.meta.locale, { style: 'unit', unit: 'month', unitDisplay: 'long' }).format(count);
}

/** A calendar date (`2027-09-01`), as such: no time zone shift. */
export function formatDate(t: Locale, isoDate: string): string {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(isoDate) ? `${isoDate}T00:00:00Z` : isoDate;
  return new Intl.DateTimeFormat(t.meta.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(day));
}

/** An instant, in the fund's time zone, naming it: « 3 mars 2027 à 14:05 (heure de Paris) ». */
export function formatDateTime(t: Locale, at: Date | string): string {
  const formatted = new Intl.DateTimeFormat(t.meta.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: t.meta.timeZone }).format(new Date(at));
  return `${formatted} (${t.meta.timeZoneLabel})`;
}

/** The day an instant falls on, in the fund's time zone (deadlines). */
export function formatDay(t: Locale, at: Date | string): string {
  return new Intl.DateTimeFormat(t.meta.locale, { dateStyle: 'long', timeZone: t.meta.timeZone }).format(new Date(at));
}
