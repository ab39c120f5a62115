import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { version as esbuildVersion } from 'esbuild';
import { FUNCTION_BUNDLING } from '../../infra/constructs/app-function.ts';
import { type BundleBaseline, bundleSizes } from '../lib/bundle-sizes.ts';
import { repoRoot } from '../lib/node.ts';

/**
 * Writes a baseline of every function's bundle size from another checkout of the repository:
 *
 *   git worktree add /tmp/base <commit>
 *   ln -s "$PWD/node_modules" /tmp/base/node_modules     (when package-lock.json is the same)
 *   node bench/baseline/measure-bundles.ts --root /tmp/base --out bench/baseline/bundles-<commit>.json
 *   git worktree remove /tmp/base
 *
 * The functions and their entries are the checkout's own (its shared/catalogue/functions.ts); the
 * bundling options are this repository's FUNCTION_BUNDLING, so that only the code differs. The JSON
 * says whether the checkout's FUNCTION_BUNDLING was the same, and whether every package of its
 * package-lock.json is at the same version here (packages added since change nothing in its bundles).
 */

/** Packages of `older`'s lock file whose version differs here (or that are gone): none means its bundles take the same code. */
async function changedPackages(older: string, current: string): Promise<{ changed: string[]; added: number }> {
  type Lock = { packages: Record<string, { version?: string }> };
  const [a, b] = await Promise.all([older, current].map(async (dir) => JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8')) as Lock));
  const was = a?.packages ?? {};
  const now = b?.packages ?? {};
  const changed = Object.entries(was)
    .filter(([path, p]) => path !== '' && now[path]?.version !== p.version)
    .map(([path]) => path.replace(/^node_modules\//, ''));
  return { changed, added: Object.keys(now).filter((path) => !(path in was)).length };
}

const { values } = parseArgs({ options: { root: { type: 'string' }, out: { type: 'string' } } });
if (!values.root || !values.out) throw new Error('usage: node bench/baseline/measure-bundles.ts --root <checkout> --out <file.json>');
const root = resolve(values.root);
const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
const commit = git('rev-parse', '--short', 'HEAD');
const catalogue = (await import(pathToFileURL(join(root, 'shared/catalogue/functions.ts')).href)) as {
  functionNames: string[];
  entryOf: (name: string) => string;
};
const checkoutBundling = (await import(pathToFileURL(join(root, 'infra/constructs/app-function.ts')).href)) as { FUNCTION_BUNDLING: unknown };
const sameBundling = JSON.stringify(checkoutBundling.FUNCTION_BUNDLING) === JSON.stringify(FUNCTION_BUNDLING);
const packages = await changedPackages(root, repoRoot);
if (packages.changed.length > 0) {
  throw new Error(
    `package-lock.json: ${packages.changed.slice(0, 5).join(', ')}… differ from here: install the checkout's own node_modules instead of the link`,
  );
}
const workDir = await mkdtemp(join(tmpdir(), 'coopfund-baseline-'));
try {
  const functions = await bundleSizes({ root, workDir, functions: catalogue.functionNames.map((name) => ({ name, entry: catalogue.entryOf(name) })) });
  const baseline: BundleBaseline = {
    commit,
    measuredAt: new Date().toISOString(),
    commitDate: git('show', '-s', '--format=%cI', 'HEAD'),
    esbuild: esbuildVersion,
    node: process.version,
    how:
      `git worktree of ${commit} with this repository's node_modules (${packages.added === 0 ? 'package-lock.json identical' : `every package of its package-lock.json at the same version; ${packages.added} added since, which its bundles do not import`}), ` +
      'each function of its shared/catalogue/functions.ts ' +
      `bundled with this repository's FUNCTION_BUNDLING (infra/constructs/app-function.ts, ${sameBundling ? 'identical at that commit' : "changed since: the commit's code bundled with today's options"}) ` +
      'through bench/lib/esbuild-options.ts: bytes of index.js, contributors from the metafile (bytes in the minified output).',
    functions,
  };
  await writeFile(values.out, `${JSON.stringify(baseline, null, 2)}\n`);
  process.stdout.write(`${functions.map((f) => `${f.name} ${f.bytes}`).join('\n')}\nwrote ${values.out}\n`);
} finally {
  await rm(workDir, { recursive: true, force: true });
}
