/** How figures read in BENCHMARKS.md and on the console. */

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export function ms(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const d = digits ?? (value < 10 ? 2 : value < 100 ? 1 : 0);
  return `${value.toFixed(d)} ms`;
}

export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

/** Dollars with enough significant digits for fractions of a cent. */
export function usd(value: number): string {
  if (value === 0) return '$0';
  if (value >= 1) return `$${value.toFixed(2)}`;
  if (value >= 0.01) return `$${value.toFixed(4)}`;
  return `$${value.toPrecision(3)}`;
}

export const count = (value: number): string => (Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(1));

export const verdict = (met: boolean): string => (met ? '✅ met' : '❌ missed');

/** A Markdown table; cells are escaped for pipes. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>, align?: readonly ('l' | 'r')[]): string {
  const esc = (cell: string | number) => String(cell).replaceAll('|', '\\|');
  const rule = header.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((row) => `| ${row.map(esc).join(' | ')} |`).join('\n');
}
