import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { FUNCTION_BUNDLING } from '../../infra/constructs/app-function.ts';
import { esbuildOptionsFor } from '../../bench/lib/esbuild-options.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Every module whose error classes a Retry, a Catch or the HTTP error table matches by name. */
const errorModules = ['shared/domain/errors.ts', 'shared/http/body-parsers.ts'];

describe('function bundles (minified, without keepNames)', () => {
  it('keep the name of every error class the state machine and the API match on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coopfund-names-'));
    dirs.push(dir);
    const entry = join(dir, 'entry.ts');
    await writeFile(entry, errorModules.map((m, i) => `export * as m${i} from ${JSON.stringify(join(repoRoot, m))};`).join('\n'));
    await build(esbuildOptionsFor(FUNCTION_BUNDLING, { entry, outdir: dir, absWorkingDir: repoRoot, runtimeTarget: 'node24' }));
    const bundled = createRequire(join(dir, 'index.js'))(join(dir, 'index.js')) as Record<string, Record<string, unknown>>;
    expect((await readFile(join(dir, 'index.js'), 'utf8')).length).toBeGreaterThan(0);

    const checked: string[] = [];
    for (const module of Object.values(bundled)) {
      for (const [exported, value] of Object.entries(module)) {
        // DomainError is abstract: only its concrete classes are thrown.
        if (typeof value !== 'function' || !/Error$/.test(exported) || exported === 'DomainError') continue;
        const ErrorClass = value as new (message: string) => Error;
        expect(new ErrorClass('m').name, exported).toBe(exported);
        checked.push(exported);
      }
    }
    // The bundle is minified: a class that did not spell its name would be called `e` or `t`.
    expect(checked).toEqual(expect.arrayContaining(['TransientError', 'ValidationError', 'TaskGoneError', 'PayloadTooLargeError']));
    expect(checked.length).toBeGreaterThanOrEqual(14);
  });
});
