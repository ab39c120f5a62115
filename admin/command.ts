import type { Progress } from './use-cases/context.ts';
import { isLanguage, languages, type Language } from '#shared/domain/application.ts';
import { type Target, UsageError } from './target.ts';

/** Where a command writes, and what it reads from its environment (tests pass their own). */
export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface OptionDef {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder in the help (`<date>`). */
  value?: string;
  description: string;
}

export interface CommandContext {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  io: Io;
  /** The stack to act on, resolved on first use (help and usage errors never need one). */
  target(): Promise<Target>;
  /** A result line (stdout). */
  out(text: string): void;
  /** A note for the person, not the result: summaries, hints (stderr). */
  note(text: string): void;
  progress: Progress;
}

export interface CommandDef {
  /** `['calls', 'put']`, or `['export']`. */
  path: string[];
  /** `<file>`: the positionals as the help shows them. */
  args?: string;
  positionals?: { min: number; max: number };
  summary: string;
  /** More help: what it does exactly, examples. */
  details?: string;
  options?: Record<string, OptionDef>;
  run(ctx: CommandContext): Promise<void>;
}

/** A string option's value; `undefined` when absent. */
export const str = (ctx: CommandContext, name: string): string | undefined => {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
};
export const bool = (ctx: CommandContext, name: string): boolean => ctx.values[name] === true;

/** `YYYY-MM-DD HH:MM` (UTC) of an ISO time. */
export const when = (iso: string | undefined): string => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}`.trim() : '');
/** `50 000`: whole euros with French grouping (plain spaces, so columns align). */
export const euros = (amount: number | undefined): string => (amount === undefined ? '' : amount.toLocaleString('fr-FR').replace(/[\u00a0\u202f]/g, ' '));
/** `512 B`, `48 KB`, `3.2 MB`: a file's size as people read it (1 KB = 1,024 bytes). */
export const fileSize = (bytes: number): string =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;
/**
 * `324 000 (30 000 EUR)`: whole dirhams with their value in euros when the call has a rate; `-` when
 * there is no amount on the Moroccan side (an old budget, a grant not made yet).
 */
export const dirhams = (mad: number | undefined, inEur?: number): string =>
  mad === undefined ? '-' : inEur === undefined ? euros(mad) : `${euros(mad)} (${euros(inEur)} EUR)`;

/** `--lang`: the fund's languages (French, the administration's, by default). */
export const langOption = (what: string) => ({ lang: { type: 'string', value: '<fr|ar|en>', description: `language of ${what} (default fr)` } }) as const;

export function language(ctx: CommandContext): Language {
  const value = str(ctx, 'lang');
  if (value === undefined) return 'fr';
  if (!isLanguage(value)) throw new UsageError(`--lang must be one of ${languages.join(', ')} (got "${value}")`);
  return value;
}
