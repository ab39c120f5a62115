import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { FUNCTION_BUNDLING } from '../../infra/constructs/app-function.ts';
import { type Contributor, contributorsOf } from '../bundles.ts';
import { esbuildOptionsFor, outfileName, type FunctionBundling } from './esbuild-options.ts';

/**
 * The size of each function's bundle, built as CDK builds it (FUNCTION_BUNDLING), from the sources
 * under `root`: this repository, or another checkout of it (an older commit, for a baseline).
 * Nothing is loaded: only the bytes of `index.js` and what they are made of.
 */

export interface BundleSize {
  name: string;
  bytes: number;
  /** Bytes in the output by package or folder of ours, largest first (all of them). */
  contributors: Contributor[];
}

export async function bundleSizes(options: { root: string; workDir: string; functions: readonly { name: string; entry: string }[] }): Promise<BundleSize[]> {
  const bundling = FUNCTION_BUNDLING as FunctionBundling;
  const sizes: BundleSize[] = [];
  for (const fn of options.functions) {
    const outdir = join(options.workDir, fn.name);
    await mkdir(outdir, { recursive: true });
    const result = await build(
      esbuildOptionsFor(bundling, { entry: join(options.root, fn.entry), outdir, absWorkingDir: options.root, runtimeTarget: 'node24' }),
    );
    const { size } = await stat(join(outdir, outfileName(bundling)));
    sizes.push({ name: fn.name, bytes: size, contributors: contributorsOf(result.metafile) });
  }
  return sizes;
}

/** A baseline of bundle sizes, as bench/baseline/measure-bundles.ts writes it. */
export interface BundleBaseline {
  commit: string;
  /** When it was measured, and the commit's own date. */
  measuredAt: string;
  commitDate: string;
  esbuild: string;
  node: string;
  how: string;
  functions: BundleSize[];
}

export interface BundleGrowthRow {
  name: string;
  bytes: number;
  /** Undefined for a function the baseline does not hold (new since). */
  baselineBytes?: number;
  /** `bytes / baselineBytes − 1`. */
  growth?: number;
  over: boolean;
  /** Contributors that grew most (bytes added), when the function is in the baseline. */
  grew: Contributor[];
}

export interface BundleGrowth {
  limit: number;
  rows: BundleGrowthRow[];
  /** Functions of the baseline no longer built. */
  removed: string[];
  /** Every function of the baseline grew by at most `limit`. */
  met: boolean;
}

/** Each function's growth since the baseline; a function the baseline lacks is new, with no ratio. */
export function bundleGrowth(current: readonly BundleSize[], baseline: readonly BundleSize[], limit: number): BundleGrowth {
  const before = new Map(baseline.map((f) => [f.name, f]));
  const rows = current.map((f): BundleGrowthRow => {
    const old = before.get(f.name);
    if (!old) return { name: f.name, bytes: f.bytes, over: false, grew: [] };
    const growth = f.bytes / old.bytes - 1;
    const was = new Map(old.contributors.map((c) => [c.name, c.bytes]));
    const grew = f.contributors
      .map((c) => ({ name: c.name, bytes: c.bytes - (was.get(c.name) ?? 0) }))
      .filter((c) => c.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes);
    // In bytes, not by the ratio: 1,100 bytes over 1,000 is 10 % exactly, not 10.000000000000009 %.
    return { name: f.name, bytes: f.bytes, baselineBytes: old.bytes, growth, over: !(f.bytes - old.bytes <= limit * old.bytes), grew };
  });
  const names = new Set(current.map((f) => f.name));
  const removed = baseline.filter((f) => !names.has(f.name)).map((f) => f.name);
  return { limit, rows, removed, met: rows.every((r) => !r.over) };
}
