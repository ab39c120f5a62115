import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, inject, onTestFailed } from 'vitest';
import { POINTS, type Figure, type Point } from './points.ts';

export { POINTS, type Figure, type Point } from './points.ts';

/**
 * The reliability suite's figures: each test that proves a point writes what it measured to a
 * small JSON file, and the global teardown (report.ts) prints them as one table at the end of
 * `npm test`. A figure is recorded only once its test's assertions passed.
 */

declare module 'vitest' {
  interface ProvidedContext {
    reliabilityDir: string;
  }
}

function figuresDir(): string {
  let dir: string | undefined;
  try {
    dir = inject('reliabilityDir');
  } catch {
    dir = undefined;
  }
  // Run without the global setup (a single file from an editor): the figures still go somewhere.
  return dir ?? join(tmpdir(), `coopfund-reliability-${process.ppid}`);
}

let sequence = 0;

function write(kind: 'figure' | 'planned' | 'failed', value: object): void {
  const dir = figuresDir();
  mkdirSync(dir, { recursive: true });
  sequence += 1;
  writeFileSync(join(dir, `${kind}-${process.pid}-${sequence}.json`), JSON.stringify({ kind, ...value }));
}

/** Prints the figure's compact line and keeps it for the final table. */
export function record(figure: Figure): void {
  console.log(`[reliability] ${POINTS[figure.point]} (${figure.label}): ${figure.text}`);
  write('figure', figure);
}

/**
 * Announces the figures a test file will record (call at its top level): one that never comes —
 * its test failed, or the file could not even start — turns its point red in the table.
 */
export function plan(...figures: Array<[Point, string]>): void {
  for (const [point, label] of figures) write('planned', { point, label });
}

// Every failed test of the reliability suite is named in the table too.
beforeEach((context) => {
  onTestFailed(() => write('failed', { test: `${context.task.file?.name ?? ''} > ${context.task.name}` }));
});

/** `1234` → `1,234`: figures read at a glance. */
export const n = (value: number): string => value.toLocaleString('en-US');
