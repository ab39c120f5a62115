import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as errors from '../../shared/domain/errors.ts';
import { toProblem } from '../../shared/http/error-handler.ts';

/**
 * Dependencies point inwards: the domain and the use cases (the functions' and the admin CLI's)
 * know nothing of HTTP, pages, adapters, the AWS SDK, middy, the handlers or the CDK app. They
 * are wired from the outside, through the ports.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const INNER = ['shared/domain', 'shared/use-cases', 'admin/use-cases'];
const FORBIDDEN: ReadonlyArray<[string, RegExp]> = [
  ['the HTTP layer', /^shared\/http\//],
  ['the pages', /^shared\/pages\//],
  ['the adapters', /^shared\/adapters\//],
  ['the handlers', /^functions\//],
  ['the CDK app', /^infra\//],
  ['the AWS SDK', /^@aws-sdk\//],
  ['middy', /^@middy\/|^middy$/],
];

const sourcesIn = (folder: string): string[] =>
  readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f));

/** What a module imports: static imports and re-exports (types too), and dynamic imports. */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) specifiers.push(match[1]!);
  return specifiers;
}

/** A relative specifier as a path from the repository's root; a package's name as it is. */
const target = (file: string, specifier: string): string =>
  specifier.startsWith('.')
    ? relative(root, resolve(root, dirname(file), specifier))
        .split('\\')
        .join('/')
    : specifier;

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = INNER.flatMap(sourcesIn);
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (graph.has(file)) continue;
    const targets = importsOf(readFileSync(join(root, file), 'utf8')).map((s) => target(file, s));
    graph.set(file, targets);
    // Follow our own modules: what an inner module reaches through another counts too.
    for (const t of targets) if (t.endsWith('.ts') && !t.startsWith('node_modules/') && !graph.has(t)) pending.push(t);
  }
  return graph;
}

describe('dependencies point inwards', () => {
  const graph = importGraph();

  it('reads the imports it checks', () => {
    expect(graph.get('shared/use-cases/decide-task.ts')).toContain('shared/use-cases/validate.ts');
    expect(graph.get('shared/use-cases/decide-task.ts')).toContain('shared/domain/errors.ts');
    expect(
      importsOf("import type {\n  A,\n  B,\n} from '../x.ts';\nexport { c } from './c.ts';\nimport './side.ts';\nawait import('@aws-sdk/client-sfn');"),
    ).toEqual(['../x.ts', './c.ts', './side.ts', '@aws-sdk/client-sfn']);
  });

  it('the domain and the use cases import no HTTP, page, adapter, AWS SDK, middy, handler or CDK module, even through another', () => {
    const found: string[] = [];
    for (const [file, targets] of graph) {
      for (const t of targets) {
        const rule = FORBIDDEN.find(([, pattern]) => pattern.test(t));
        if (rule) found.push(`${file} imports ${rule[0]} (${t})`);
      }
    }
    expect(found).toEqual([]);
    expect(graph.size).toBeGreaterThan(INNER.flatMap(sourcesIn).length);
  });

  it('only shared/ports is named "ports"', () => {
    const named = ['shared', 'admin', 'functions']
      .flatMap(sourcesIn)
      .filter((f) => /(^|\/)ports(\/|\.ts$)/.test(f))
      .filter((f) => !f.startsWith('shared/ports/'));
    expect(named).toEqual([]);
  });

  it('every domain error has its answer in the HTTP layer’s table, none a 500', () => {
    const domainErrors = Object.entries(errors).flatMap(([name, value]) =>
      typeof value === 'function' && value.prototype instanceof errors.DomainError ? [[name, value as unknown as new (message: string) => Error] as const] : [],
    );
    expect(domainErrors.map(([name]) => name)).toContain('TaskGoneError');
    const unanswered = domainErrors.filter(([, type]) => toProblem(new type('x')).status === 500).map(([name]) => name);
    expect(unanswered).toEqual([]);
  });
});
