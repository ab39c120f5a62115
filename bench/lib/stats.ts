/**
 * Summaries of timings. Percentiles are nearest-rank (the value of a real sample, never an
 * interpolation): the p99 of 500 requests is the 495th fastest.
 */

export interface Summary {
  n: number;
  min: number;
  median: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile, `p` in [0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0 and 100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('summary of no values');
  return {
    n: values.length,
    min: Math.min(...values),
    median: median(values),
    p99: percentile(values, 99),
    max: Math.max(...values),
    mean: values.reduce((sum, v) => sum + v, 0) / values.length,
  };
}

/** `a / b`, or NaN when the baseline is not positive (shown as "n/a"). */
export const ratio = (value: number, baseline: number): number => (baseline > 0 ? value / baseline : Number.NaN);

/** Milliseconds since `start` (performance.now()). */
export const since = (start: number): number => performance.now() - start;

/**
 * Alternates the variants sample by sample (a, b, c, a, b, c…) so that a burst of load from
 * elsewhere on a shared machine lands on every variant alike, not on whichever ran at that moment.
 * With a `budgetMs`, no new round starts once it is spent, as long as `minRounds` are done: a
 * loaded machine gets fewer samples rather than a run that never ends.
 */
export async function interleave<K extends string>(
  variants: readonly K[],
  rounds: number,
  sample: (variant: K, round: number) => Promise<number>,
  limits: { budgetMs?: number; minRounds?: number } = {},
): Promise<Record<K, number[]>> {
  const out = Object.fromEntries(variants.map((v) => [v, [] as number[]])) as Record<K, number[]>;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    if (limits.budgetMs !== undefined && round >= (limits.minRounds ?? 1) && performance.now() - started > limits.budgetMs) break;
    for (const variant of variants) out[variant].push(await sample(variant, round));
  }
  return out;
}
