import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchBundles, type BundlesResult } from './bundles.ts';
import type { DocumentsResult } from './documents.ts';
import type { DraftsResult } from './drafts.ts';
import type { OverheadResult } from './handler-overhead.ts';
import { machine, repoRoot } from './lib/node.ts';
import { runSection } from './lib/section.ts';
import { renderReport, verdicts, type BenchResults } from './report.ts';
import type { MemoryResult } from './memory.ts';
import type { ScaleResult } from './scale.ts';
import type { StartupResult } from './startup.ts';
import type { WorkflowResult } from './workflow.ts';

/**
 * `npm run bench`: every benchmark of BENCHMARKS.md, then BENCHMARKS.md itself.
 *
 *   npm run bench                        everything (a few minutes), writes BENCHMARKS.md
 *   npm run bench -- --quick             fewer samples: a smoke run
 *   npm run bench -- --only scale,startup
 *   npm run bench -- --out /tmp/b.md     somewhere else than the repository's BENCHMARKS.md
 *   npm run bench -- --json /tmp/r.json  the raw figures too
 *   npm run bench -- --from /tmp/r.json  BENCHMARKS.md again from saved figures, nothing measured
 *
 * Sections that start services run in child processes (bench/lib/section.ts). A section that
 * fails is reported as such in BENCHMARKS.md; the others still run. Nothing here fails on a time.
 */

const sections = ['bundles', 'overhead', 'workflow', 'scale', 'startup', 'memory', 'drafts', 'documents'] as const;
type Section = (typeof sections)[number];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      from: { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const only = new Set((values.only?.split(',').map((s) => s.trim()) ?? sections) as Section[]);
  for (const name of only) if (!sections.includes(name)) throw new Error(`unknown section ${name}: one of ${sections.join(', ')}`);
  const out = values.out ?? join(repoRoot, 'BENCHMARKS.md');
  const log = (line: string) => process.stdout.write(`${line}\n`);
  if (values.from) {
    await writeFile(out, renderReport(JSON.parse(await readFile(values.from, 'utf8')) as BenchResults));
    log(`wrote ${out} from ${values.from}`);
    return;
  }

  const started = performance.now();
  const workDir = await mkdtemp(join(tmpdir(), 'coopfund-bench-'));
  const results: BenchResults = { machine: machine(), loadAverage: { before: loadavg(), after: [] }, durationMs: 0, quick, errors: {} };
  const step = async <T>(section: Section, title: string, run: () => Promise<T>): Promise<T | undefined> => {
    if (!only.has(section)) return undefined;
    log(`\n§ ${title}`);
    const t = performance.now();
    try {
      const value = await run();
      log(`  (${((performance.now() - t) / 1000).toFixed(0)} s)`);
      return value;
    } catch (error) {
      const message = (error as Error).message;
      results.errors[title] = message;
      log(`  failed: ${message}`);
      return undefined;
    }
  };
  const child = <T>(module: string, timeoutMs: number) => runSection<T>(module, workDir, { quick, log, timeoutMs });

  try {
    results.bundles = await step<BundlesResult>('bundles', '1. Bundles and cold start', () =>
      benchBundles({ workDir: join(workDir, 'bundles'), samples: quick ? 3 : 9, budgetMs: quick ? 30_000 : 100_000, log: (line) => log(`  ${line}`) }),
    );
    results.overhead = await step<OverheadResult>('overhead', '2. Handler overhead', () => child('bench/handler-overhead.ts', 240_000));
    results.workflow = await step<WorkflowResult>('workflow', '3. Cost per application (and §4 throughput)', () => child('bench/workflow.ts', 300_000));
    results.scale = await step<ScaleResult>('scale', '4. Scale', () => child('bench/scale.ts', 240_000));
    results.startup = await step<StartupResult>('startup', '5. Start-up', () => child('bench/startup.ts', 300_000));
    results.memory = await step<MemoryResult>('memory', '6. Memory of the local stack', () => child('bench/memory.ts', 300_000));
    results.drafts = await step<DraftsResult>('drafts', '7. Drafts (the joint dossier)', () => child('bench/drafts.ts', 300_000));
    results.documents = await step<DocumentsResult>('documents', '8. Documents (uploads, bundles)', () => child('bench/documents.ts', 420_000));
  } finally {
    await rm(workDir, { recursive: true, force: true, maxRetries: 3 });
  }
  results.loadAverage.after = loadavg();
  results.durationMs = performance.now() - started;

  if (values.json) await writeFile(values.json, JSON.stringify(results, null, 2));
  await writeFile(out, renderReport(results));
  log(
    `\n${verdicts(results)
      .rows.map(([target, measured, verdict]) => `${verdict}  ${target}: ${measured}`)
      .join('\n')}`,
  );
  log(`\nwrote ${out} (${(results.durationMs / 1000).toFixed(0)} s)`);
}

await main();
