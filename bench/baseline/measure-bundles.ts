import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { version as esbuildVersion } from 'esbuild';
import { type BundleBaseline, bundleSizes } from '../lib/bundle-sizes.ts';

/**
 * Writes a baseline of every function's bundle size from another checkout of the repository:
 *
 *   git worktree add /tmp/base <commit>
 *   ln -s "$PWD/node_modules" /tmp/base/node_modules     (when package-lock.json is the same)
 *   node bench/baseline/measure-bundles.ts --root /tmp/base --out bench/baseline/bundles-<commit>.json
 *   git worktree remove /tmp/base
 *
 * The functions and their entries are the checkout's own (its shared/catalogue/functions.ts); the
 * bundling options are this repository's FUNCTION_BUNDLING, so build the baseline only from a
 * commit whose FUNCTION_BUNDLING and package-lock.json are the same as here (the JSON says so).
 */

const { values } = parseArgs({ options: { root: { type: 'string' }, out: { type: 'string' } } });
if (!values.root || !values.out) throw new Error('usage: node bench/baseline/measure-bundles.ts --root <checkout> --out <file.json>');
const root = resolve(values.root);
const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
const commit = git('rev-parse', '--short', 'HEAD');
const catalogue = (await import(pathToFileURL(join(root, 'shared/catalogue/functions.ts')).href)) as {
  functionNames: string[];
  entryOf: (name: string) => string;
};
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
      `git worktree of ${commit} with this repository's node_modules (package-lock.json identical), each function of its shared/catalogue/functions.ts ` +
      'bundled with FUNCTION_BUNDLING (infra/constructs/app-function.ts, identical at that commit) through bench/lib/esbuild-options.ts: bytes of index.js, ' +
      'contributors from the metafile (bytes in the minified output).',
    functions,
  };
  await writeFile(values.out, `${JSON.stringify(baseline, null, 2)}\n`);
  process.stdout.write(`${functions.map((f) => `${f.name} ${f.bytes}`).join('\n')}\nwrote ${values.out}\n`);
} finally {
  await rm(workDir, { recursive: true, force: true });
}
