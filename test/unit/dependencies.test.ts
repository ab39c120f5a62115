import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What package.json promises about dependencies, so that an update (by hand or by a bot) keeps it:
 * exact versions only, so that `npm ci` installs what was tested; the AWS SDK clients on one version,
 * and the Powertools packages on one version, as renovate.json groups their updates; and a lockfile
 * that installs exactly those versions.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string }>;
};
const declared = { ...pkg.dependencies, ...pkg.devDependencies };

describe('dependencies', () => {
  it('are pinned to exact versions', () => {
    const ranges = Object.entries(declared).filter(([, version]) => !/^\d+\.\d+\.\d+$/.test(version));
    expect(ranges, 'a range lets two installs differ: write the exact version').toEqual([]);
  });

  it.each([
    ['the AWS SDK clients', '@aws-sdk/'],
    ['Powertools for AWS Lambda', '@aws-lambda-powertools/'],
  ])('%s are on one version', (_, scope) => {
    const versions = Object.entries(declared).filter(([name]) => name.startsWith(scope));
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions.map(([, version]) => version)), `${scope}*: ${versions.map(([n, v]) => `${n}@${v}`).join(', ')}`).toHaveProperty('size', 1);
  });

  it('are installed by the lockfile at the versions package.json declares', () => {
    const drift = Object.entries(declared)
      .map(([name, version]) => [name, version, lock.packages[`node_modules/${name}`]?.version] as const)
      .filter(([, version, locked]) => locked !== version);
    expect(drift, 'package-lock.json is behind package.json: run npm install').toEqual([]);
  });
});
