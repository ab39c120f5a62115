import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { node24, run } from './node.ts';

/**
 * Sections that start services or load handlers run in a child process of their own: each gets a
 * clean `process.env`, module cache and heap, and a section that leaves something behind cannot
 * skew the next one. The child writes its result as JSON to `--out`.
 */

export type Log = (line: string) => void;

/** The child's side: `node bench/<section>.ts --out <file> [--quick]`. */
export async function sectionMain<T>(bench: (options: { quick: boolean; log: Log }) => Promise<T>): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, quick: { type: 'boolean', default: false } } });
  const log: Log = (line) => process.stderr.write(`${line}\n`);
  try {
    const result = await bench({ quick: values.quick ?? false, log });
    const text = JSON.stringify(result, null, 2);
    if (values.out) await writeFile(values.out, text);
    else process.stdout.write(`${text}\n`);
    process.exit(0);
  } catch (error) {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}

/** The parent's side: runs a section's module in a child and reads its result. */
export async function runSection<T>(module: string, workDir: string, options: { quick: boolean; log: Log; timeoutMs: number }): Promise<T> {
  const out = join(workDir, `${module.replace(/\W+/g, '-')}.json`);
  const args = [module, '--out', out, ...(options.quick ? ['--quick'] : [])];
  // The child logs its progress on stderr; the handlers' own log lines go to its stdout.
  const result = await run(node24(), args, { timeoutMs: options.timeoutMs, onStderrLine: (line) => options.log(`  ${line}`) });
  if (result.code !== 0) throw new Error(`${module} failed (exit ${result.code ?? result.signal})`);
  return JSON.parse(await readFile(out, 'utf8')) as T;
}
