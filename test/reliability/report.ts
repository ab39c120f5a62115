import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { POINTS, type Figure, type Point } from './support/points.ts';

/**
 * Global setup of the test run: gives the reliability tests a folder for their figures, and at the
 * end prints them as one table (one row per point of SECURITY.md). Nothing is printed when no
 * reliability test ran (e.g. `npx vitest run test/unit`).
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'coopfund-reliability-'));
  project.provide('reliabilityDir', dir);
  return () => {
    try {
      const entries = readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Entry);
      const figures = entries.filter((e): e is Entry & Figure => e.kind === 'figure');
      const planned = entries.filter((e): e is Entry & Pick<Figure, 'point' | 'label'> => e.kind === 'planned');
      const failed = entries.filter((e): e is Entry & { test: string } => e.kind === 'failed').map((e) => e.test);
      if (entries.length > 0) process.stdout.write(`\n${reliabilityTable(figures, planned, failed)}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

interface Entry {
  kind: 'figure' | 'planned' | 'failed';
}

/**
 * The table: each point, ✔ when every figure announced for it was recorded (and at least one was),
 * its figures summed and joined; then the failed tests, if any.
 */
export function reliabilityTable(figures: Figure[], planned: Array<Pick<Figure, 'point' | 'label'>> = [], failed: string[] = []): string {
  const rows = (Object.keys(POINTS) as Point[]).map((point) => {
    const mine = figures.filter((f) => f.point === point);
    const missing = planned.filter((p) => p.point === point && !mine.some((f) => f.label === p.label)).map((p) => p.label);
    const sums = new Map<string, number>();
    for (const f of mine) for (const [k, v] of Object.entries(f.counts ?? {})) sums.set(k, (sums.get(k) ?? 0) + v);
    const parts = [
      ...(sums.size > 0 ? [[...sums].map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`).join(', ')] : []),
      ...mine.filter((f) => f.counts === undefined || f.short).map((f) => f.short ?? `${f.label}: ${f.text}`),
    ];
    const ran = mine.length > 0 || missing.length > 0;
    const ok = mine.length > 0 && missing.length === 0;
    const text = [...(missing.length > 0 ? [`MISSING (failed): ${missing.join(', ')}`] : []), ...parts].join('; ') || 'not run';
    return { mark: !ran ? '–' : ok ? '✔' : '✘', name: POINTS[point], text };
  });
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = rows.flatMap((r) => {
    // Long figures wrap under their own column, so the table stays readable at 120 columns.
    const wrapped = wrap(r.text, 120 - width - 6);
    return wrapped.map((part, i) => (i === 0 ? ` ${r.mark} ${r.name.padEnd(width)}  ${part}` : ` ${' '.repeat(width + 2)}  ${part}`));
  });
  // A run of some files only (`npx vitest run test/reliability/money.test.ts`) leaves points out: said so.
  const green = rows.every((r) => r.mark !== '✘') && failed.length === 0;
  const run = rows.filter((r) => r.mark !== '–').length;
  const scope = run === rows.length ? '' : ` (${run} of ${rows.length} points run)`;
  return [
    `Reliability and security (SECURITY.md) — ${green ? 'all green' : 'NOT all green'}${scope}`,
    ...lines,
    ...failed.map((test) => ` ✘ failed: ${test}`),
  ].join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
