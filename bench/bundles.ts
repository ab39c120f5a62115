import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS } from '../infra/constructs/app-function.ts';
import { entryOf, type FunctionName, functionNames } from '../shared/catalogue/functions.ts';
import { esbuildOptionsFor, outfileName, type FunctionBundling } from './lib/esbuild-options.ts';
import { functionEnvironment } from './lib/function-env.ts';
import { node24, repoRoot, run } from './lib/node.ts';
import { sectionMain } from './lib/section.ts';
import { interleave, summarize, type Summary } from './lib/stats.ts';

/**
 * §1 Bundles and cold start. Every function is bundled with the options CDK uses
 * (FUNCTION_BUNDLING), then loaded in fresh Node 24 processes, as Lambda's init does, next to two
 * baselines bundled the same way: an empty module, and a bundle holding only the AWS SDK clients
 * the function holds (imported and constructed: the floor of a function that uses them).
 */

export interface Contributor {
  /** A package (`zod`, `@aws-sdk/client-ses`) or a folder of ours (`shared/i18n`). */
  name: string;
  bytes: number;
}

export interface LoadFigures {
  /** `await import()` of the bundle, measured inside the process. */
  importMs: Summary;
  /** From spawn to exit: Node's own start, the import, the exit. */
  processMs: Summary;
}

export interface FunctionBundle {
  name: FunctionName;
  bytes: number;
  mapBytes: number;
  /** AWS SDK client packages in the bundle. */
  clients: string[];
  contributors: Contributor[];
  floor: string;
  load: LoadFigures;
  /** The same function with PROPOSAL applied to its sources (not to the repository). */
  proposal: { bytes: number; zodBytes: number; load: LoadFigures };
  /** The same function bundled as before FUNCTION_BUNDLING went CommonJS (ESM_BUNDLING), for ESM_SAMPLE only. */
  esm?: { bytes: number; load: LoadFigures };
}

export interface Floor {
  key: string;
  clients: string[];
  bytes: number;
  load: LoadFigures;
}

export interface BundlesResult {
  samples: number;
  proposal: string;
  nodeOptions: string;
  functions: FunctionBundle[];
  floors: Floor[];
  empty: { bytes: number; load: LoadFigures };
  /** Summed over every function, by package: what weighs most overall. */
  overall: Contributor[];
}

/**
 * A change to our sources that the bench measures without making it: `import { z } from 'zod'`
 * reaches the `z` namespace through a re-export, which esbuild cannot tree-shake, so every bundle
 * carries all of zod (its JSON-schema tools, its ~40 locales: ~460 KB); `import * as z from 'zod'`
 * lets esbuild keep only what is used. `z.locales.fr()` would still keep every locale, hence the
 * French locale imported on its own.
 */
export const PROPOSAL =
  "zod as a namespace: `import * as z from 'zod'` instead of `import { z } from 'zod'`, and `z.config(fr())` with `import fr from 'zod/v4/locales/fr.js'` instead of `z.config(z.locales.fr())`";

export function applyProposal(source: string): string {
  return source
    .replace(/import \{ z \} from 'zod';/g, "import * as z from 'zod';")
    .replace('z.config(z.locales.fr());', "import __zodFr from 'zod/v4/locales/fr.js';\nz.config(__zodFr());");
}

const proposalPlugin: Plugin = {
  name: 'bench-proposal',
  setup(b) {
    const ours = new RegExp(`^${repoRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(shared|functions)/.*\\.ts$`);
    b.onLoad({ filter: ours }, async (args) => ({ contents: applyProposal(await readFile(args.path, 'utf8')), loader: 'ts' }));
  },
};

/**
 * How the functions were bundled until FUNCTION_BUNDLING went CommonJS: ESM, with a banner that
 * gives bundled CommonJS dependencies a `require`. Measured beside it to keep the reason visible.
 */
export const ESM_BUNDLING: FunctionBundling = {
  ...(FUNCTION_BUNDLING as FunctionBundling),
  format: 'esm',
  banner: "import { createRequire as __coopfundCreateRequire } from 'node:module'; const require = __coopfundCreateRequire(import.meta.url);",
};

/** The functions the ESM comparison loads: one without SDK client, API and workflow ones, the largest. */
export const ESM_SAMPLE: readonly FunctionName[] = ['health', 'submit-application', 'check-eligibility', 'show-form'];

export const DYNAMODB_ONLY = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'] as const;

/** The client class each SDK package exports (the floor bundle constructs one of each). */
const clientClasses: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'DynamoDBClient',
  '@aws-sdk/client-ses': 'SESClient',
  '@aws-sdk/client-sesv2': 'SESv2Client',
  '@aws-sdk/client-sfn': 'SFNClient',
  '@aws-sdk/client-secrets-manager': 'SecretsManagerClient',
};

export const allFunctionNames: FunctionName[] = functionNames;

/** The package (or our folder) an input of the metafile belongs to. */
export function contributorOf(path: string): string {
  const inModules = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules) return inModules[1] as string;
  const parts = path.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : (parts[0] ?? path);
}

/** Bytes in the output, by contributor, largest first. */
export function contributorsOf(metafile: Metafile): Contributor[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const name = contributorOf(path);
      totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...totals.entries()].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** The AWS SDK clients a bundle holds (`@aws-sdk/client-*`), and the document client if it is there. */
export function sdkClientsOf(contributors: readonly Contributor[]): string[] {
  return contributors
    .filter((c) => c.bytes > 0)
    .map((c) => c.name)
    .filter((name) => name.startsWith('@aws-sdk/client-') || name === '@aws-sdk/lib-dynamodb')
    .sort();
}

/** The floor's source: each client imported and constructed, as a function using it would at cold start. */
export function floorSource(clients: readonly string[]): string {
  const lines: string[] = [];
  const made: string[] = [];
  for (const pkg of clients) {
    if (pkg === '@aws-sdk/lib-dynamodb') continue;
    const cls = clientClasses[pkg];
    if (!cls) throw new Error(`no client class known for ${pkg}: add it to bench/bundles.ts`);
    lines.push(`import { ${cls} } from '${pkg}';`);
    made.push(`new ${cls}({})`);
  }
  if (clients.includes('@aws-sdk/lib-dynamodb')) {
    lines.push(`import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';`);
    made.push('DynamoDBDocumentClient.from(new DynamoDBClient({}))');
  }
  lines.push(`export const clients = [${made.join(', ')}];`);
  return `${lines.join('\n')}\n`;
}

async function bundle(options: { entry?: string; source?: string; outdir: string; bundling: FunctionBundling; plugins?: Plugin[] }) {
  await mkdir(options.outdir, { recursive: true });
  const base = esbuildOptionsFor(options.bundling, {
    entry: options.entry ?? join(repoRoot, 'bench', 'floor.ts'),
    outdir: options.outdir,
    absWorkingDir: repoRoot,
    runtimeTarget: 'node24',
  });
  const { entryPoints: _e, ...rest } = base;
  const plugins = options.plugins ?? [];
  const result = await build(
    options.source === undefined
      ? { ...base, plugins }
      : { ...rest, plugins, stdin: { contents: options.source, resolveDir: repoRoot, sourcefile: 'floor.ts', loader: 'ts' } },
  );
  const file = join(options.outdir, outfileName(options.bundling));
  const [js, map] = await Promise.all([stat(file), stat(`${file}.map`).catch(() => undefined)]);
  return { file, bytes: js.size, mapBytes: map?.size ?? 0, metafile: result.metafile };
}

/** The probe every sample runs: one import, timed from inside. */
const PROBE = `const started = performance.now();
await import(process.argv[2]);
process.stdout.write(JSON.stringify({ importMs: performance.now() - started }));
`;

export interface BundlesOptions {
  workDir: string;
  /** Fresh processes per bundle (interleaved across bundles). */
  samples: number;
  /** No new round of samples once this is spent (at least 3 rounds run). */
  budgetMs?: number;
  functions?: readonly FunctionName[];
  log?: (line: string) => void;
}

export async function benchBundles(options: BundlesOptions): Promise<BundlesResult> {
  const log = options.log ?? (() => undefined);
  const names = options.functions ?? allFunctionNames;
  const bundling = FUNCTION_BUNDLING as FunctionBundling;

  log(`bundling ${names.length} functions with FUNCTION_BUNDLING (and, for comparison, with the zod proposal and as ESM)…`);
  const built = [];
  for (const name of names) {
    const out = await bundle({ entry: join(repoRoot, entryOf(name)), outdir: join(options.workDir, 'functions', name), bundling });
    const contributors = contributorsOf(out.metafile);
    const proposed = await bundle({
      entry: join(repoRoot, entryOf(name)),
      outdir: join(options.workDir, 'proposal', name),
      bundling,
      plugins: [proposalPlugin],
    });
    const zodBytes = contributorsOf(proposed.metafile).find((c) => c.name === 'zod')?.bytes ?? 0;
    const esm = ESM_SAMPLE.includes(name)
      ? await bundle({ entry: join(repoRoot, entryOf(name)), outdir: join(options.workDir, 'esm', name), bundling: ESM_BUNDLING })
      : undefined;
    built.push({
      name,
      ...out,
      contributors,
      clients: sdkClientsOf(contributors),
      proposed: { file: proposed.file, bytes: proposed.bytes, zodBytes },
      esm: esm ? { file: esm.file, bytes: esm.bytes } : undefined,
    });
  }

  const floorKeys = new Map<string, string[]>();
  for (const b of built) floorKeys.set(floorKey(b.clients), b.clients);
  // For reference: what a function that only reads and writes the table would hold.
  floorKeys.set(floorKey(DYNAMODB_ONLY), [...DYNAMODB_ONLY]);
  const floors = [];
  for (const [key, clients] of floorKeys) {
    const out = await bundle({ source: floorSource(clients), outdir: join(options.workDir, 'floors', slug(key)), bundling });
    floors.push({ key, clients, ...out });
  }
  const empty = await bundle({ source: 'export {};\n', outdir: join(options.workDir, 'empty'), bundling });

  const probe = join(options.workDir, 'probe.mjs');
  await writeFile(probe, PROBE);
  const exe = node24();
  const variants = [
    { id: 'empty', file: empty.file, fn: 'empty' },
    ...floors.map((f) => ({ id: `floor:${f.key}`, file: f.file, fn: 'floor' })),
    ...built.map((b) => ({ id: `fn:${b.name}`, file: b.file, fn: b.name })),
    ...built.map((b) => ({ id: `proposal:${b.name}`, file: b.proposed.file, fn: b.name })),
    ...built.flatMap((b) => (b.esm ? [{ id: `esm:${b.name}`, file: b.esm.file, fn: b.name }] : [])),
  ];
  log(`loading ${variants.length} bundles ${options.samples} times each in fresh Node processes (NODE_OPTIONS=${FUNCTION_NODE_OPTIONS})…`);
  const imports = new Map<string, number[]>();
  const processes = await interleave(
    variants.map((v) => v.id),
    options.samples,
    async (id) => {
      const variant = variants.find((v) => v.id === id)!;
      const env = functionEnvironment(variant.fn, { NODE_OPTIONS: FUNCTION_NODE_OPTIONS });
      const result = await run(exe, [probe, pathToFileURL(variant.file).href], { env, timeoutMs: 60_000 });
      if (result.code !== 0) throw new Error(`loading ${relative(options.workDir, variant.file)} failed (${result.code}): ${result.stderr.slice(-2000)}`);
      const { importMs } = JSON.parse(result.stdout) as { importMs: number };
      imports.set(id, [...(imports.get(id) ?? []), importMs]);
      return result.wallMs;
    },
    { ...(options.budgetMs !== undefined ? { budgetMs: options.budgetMs } : {}), minRounds: 3 },
  );
  const rounds = Math.min(...Object.values<number[]>(processes).map((v) => v.length));
  if (rounds < options.samples) log(`the time budget allowed ${rounds} rounds of ${options.samples}`);
  const loadOf = (id: string): LoadFigures => ({ importMs: summarize(imports.get(id) ?? []), processMs: summarize(processes[id] ?? []) });

  const overall = new Map<string, number>();
  for (const b of built) for (const c of b.contributors) overall.set(c.name, (overall.get(c.name) ?? 0) + c.bytes);

  return {
    samples: rounds,
    proposal: PROPOSAL,
    nodeOptions: FUNCTION_NODE_OPTIONS,
    functions: built.map((b) => ({
      name: b.name,
      bytes: b.bytes,
      mapBytes: b.mapBytes,
      clients: b.clients,
      contributors: b.contributors.slice(0, 12),
      floor: floorKey(b.clients),
      load: loadOf(`fn:${b.name}`),
      proposal: { bytes: b.proposed.bytes, zodBytes: b.proposed.zodBytes, load: loadOf(`proposal:${b.name}`) },
      ...(b.esm ? { esm: { bytes: b.esm.bytes, load: loadOf(`esm:${b.name}`) } } : {}),
    })),
    floors: floors.map((f) => ({ key: f.key, clients: f.clients, bytes: f.bytes, load: loadOf(`floor:${f.key}`) })),
    empty: { bytes: empty.bytes, load: loadOf('empty') },
    overall: [...overall.entries()]
      .map(([name, bytes]) => ({ name, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 15),
  };
}

const short = (pkg: string) => pkg.replace('@aws-sdk/client-', '').replace('@aws-sdk/', '');
export const floorKey = (clients: readonly string[]): string => (clients.length === 0 ? 'none' : clients.map(short).join('+'));
const slug = (key: string) => key.replace(/[^a-z0-9+-]/gi, '_');

if (import.meta.main) {
  await sectionMain(async ({ quick, log }) => {
    const workDir = await mkdtemp(join(tmpdir(), 'coopfund-bench-bundles-'));
    try {
      return await benchBundles({ workDir, samples: quick ? 3 : 9, budgetMs: quick ? 30_000 : 100_000, log });
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });
}
