/** What the CLI prints: readable tables for people, CSV for spreadsheets, JSON for scripts. */

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const width = (text: string) => [...graphemes.segment(text)].length;

/** One line, at most `max` characters (with an ellipsis). */
export function cell(value: unknown, max = 40): string {
  const text = value === undefined || value === null ? '' : String(value).replace(/\s+/g, ' ').trim();
  const parts = [...graphemes.segment(text)].map((s) => s.segment);
  return parts.length > max ? `${parts.slice(0, max - 1).join('')}…` : text;
}

/** Columns aligned with spaces, a header line, no borders: greppable and readable. */
export function table(headers: string[], rows: unknown[][], max = 40): string {
  const cells = rows.map((row) => headers.map((_, i) => cell(row[i], max)));
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((row) => width(row[i] ?? ''))));
  const line = (row: string[]) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - width(c))))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

/** Facts as `label  value` lines. */
export function facts(rows: Array<[string, unknown]>): string {
  const shown = rows.filter(([, v]) => v !== undefined && v !== '');
  const w = Math.max(...shown.map(([label]) => width(label)));
  return shown.map(([label, value]) => `${label}${' '.repeat(w - width(label))}  ${String(value)}`).join('\n');
}

export const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** Byte order mark: spreadsheets then read the file as UTF-8 (accents, Arabic). */
export const UTF8_BOM = '\uFEFF';

export interface CsvOptions {
  /** `,` (RFC 4180) or `;` (what spreadsheets in French expect; decimals then use a comma). */
  delimiter?: ',' | ';';
}

/**
 * RFC 4180: CRLF line ends; a field with the delimiter, a quote, CR or LF is quoted, quotes
 * doubled. Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is prefixed
 * with an apostrophe: applicants typed it.
 */
export function csv(rows: Array<Array<string | number | undefined>>, options: CsvOptions = {}): string {
  const delimiter = options.delimiter ?? ',';
  const field = (value: string | number | undefined): string => {
    if (value === undefined) return '';
    let text: string;
    if (typeof value === 'number') {
      text = String(value);
      if (delimiter === ';') text = text.replace('.', ',');
    } else {
      text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    }
    return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${rows.map((row) => row.map(field).join(delimiter)).join('\r\n')}\r\n`;
}
