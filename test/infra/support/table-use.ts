import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { repoRoot } from '../../../infra/constructs/app-function.ts';
import type { TableAction } from '../../../shared/catalogue/functions.ts';
import { entryOf, type FunctionName } from '../../../shared/catalogue/functions.ts';
import type { Repository } from '../../../shared/ports/index.ts';

/**
 * The DynamoDB actions each repository method may send, read from shared/adapters/dynamodb-repository.ts,
 * every path included: a conditional write that fails and reads the item again counts its GetItem,
 * a task found through the index and then read consistently counts Query and GetItem. Typed against
 * the port, so a new repository method cannot be forgotten here.
 */
export const REPOSITORY_ACTIONS: { readonly [M in keyof Repository]: readonly TableAction[] } = {
  putCall: ['UpdateItem'],
  getCall: ['GetItem'],
  listCalls: ['Query'],
  putRoster: ['Query', 'PutItem', 'DeleteItem'],
  getRoster: ['Query'],
  putCoChairs: ['Query', 'PutItem', 'DeleteItem'],
  getCoChairs: ['Query'],
  createApplication: ['PutItem', 'GetItem'],
  getApplication: ['GetItem'],
  getHistory: ['Query'],
  deleteApplication: ['Query', 'DeleteItem'],
  transition: ['GetItem', 'UpdateItem', 'PutItem'],
  patchApplication: ['UpdateItem'],
  listApplications: ['Query'],
  redactHistory: ['Query', 'PutItem', 'GetItem', 'UpdateItem'],
  reserveGrant: ['GetItem', 'UpdateItem'],
  releaseGrant: ['UpdateItem'],
  putTask: ['PutItem'],
  getTask: ['GetItem'],
  listTasks: ['Query', 'GetItem'],
  findOpenTask: ['Query', 'GetItem'],
  renewTaskToken: ['UpdateItem', 'GetItem'],
  claimTask: ['UpdateItem'],
  releaseTask: ['UpdateItem'],
  closeTask: ['UpdateItem'],
  closeTaskIfOpen: ['UpdateItem'],
  deleteTask: ['DeleteItem'],
  claimIdempotencyKey: ['PutItem', 'GetItem'],
  releaseIdempotencyKey: ['DeleteItem'],
  createDraft: ['PutItem'],
  getDraft: ['GetItem'],
  getDraftHistory: ['Query'],
  saveDraft: ['UpdateItem', 'GetItem', 'PutItem'],
  changeDraftStatus: ['UpdateItem', 'GetItem'],
  setDraftPartner: ['UpdateItem'],
  moveDraftsClose: ['Query', 'UpdateItem'],
  listDrafts: ['Query'],
  addDraftDocument: ['UpdateItem', 'GetItem'],
  settleDraftDocument: ['UpdateItem', 'GetItem'],
  removeDraftDocument: ['UpdateItem', 'GetItem'],
  recordDocumentScan: ['UpdateItem', 'GetItem'],
  markEmailSent: ['PutItem'],
  unmarkEmailSent: ['DeleteItem'],
};

const methods = Object.keys(REPOSITORY_ACTIONS) as Array<keyof Repository>;
const methodCall = new RegExp(`\\.(${methods.join('|')})\\(`, 'g');

/** Where repository calls may live: handlers and use cases (the adapters only define them). */
const followed = (path: string) => /^(functions|shared\/use-cases)\//.test(path);

interface Declaration {
  name: string;
  body: string;
}

/** A module's top-level declarations (`function f`, `const f =`), each with its text up to the next one. */
function declarationsOf(source: string): Declaration[] {
  const starts = [...source.matchAll(/^(?:export )?(?:async )?(?:function\*? |const )(\w+)/gm)];
  return starts.map((m, i) => ({ name: m[1] ?? '', body: source.slice(m.index, starts[i + 1]?.index ?? source.length) }));
}

/** The repo-relative modules `path` imports (relative specifiers only). */
function importsOf(path: string, source: string): string[] {
  return [...source.matchAll(/^import[^;]*?from '(\.[^']+)'/gms)].map((m) => relative(repoRoot, resolve(dirname(resolve(repoRoot, path)), m[1] ?? '')));
}

export interface TableUse {
  /** Repository methods reachable from the handler. */
  methods: Set<keyof Repository>;
  /** The actions they may send. */
  actions: Set<TableAction>;
}

/**
 * What a function's code may ask of the table, statically: from its handler, the declarations it
 * reaches (by name, through the modules it imports under functions/ and shared/use-cases/), and
 * the repository methods those call. A module with several use cases counts only those reached.
 */
export function tableUseOf(name: FunctionName): TableUse {
  const declarations = new Map<string, Declaration[]>();
  const seen = new Set<string>();
  const queue = [entryOf(name)];
  let root = '';
  while (queue.length > 0) {
    const path = queue.pop() ?? '';
    if (seen.has(path)) continue;
    seen.add(path);
    const source = readFileSync(resolve(repoRoot, path), 'utf8');
    if (path === entryOf(name)) root = source;
    for (const d of declarationsOf(source)) declarations.set(d.name, [...(declarations.get(d.name) ?? []), d]);
    for (const next of importsOf(path, source)) if (followed(next)) queue.push(next);
  }
  const reached = new Set<string>();
  const bodies = [root];
  while (bodies.length > 0) {
    const body = bodies.pop() ?? '';
    for (const [id] of body.matchAll(/\b\w+\b/g)) {
      if (reached.has(id) || !declarations.has(id)) continue;
      reached.add(id);
      for (const d of declarations.get(id) ?? []) bodies.push(d.body);
    }
  }
  const texts = [root, ...[...reached].flatMap((id) => (declarations.get(id) ?? []).map((d) => d.body))];
  const found = new Set(texts.flatMap((t) => [...t.matchAll(methodCall)].map((m) => m[1] as keyof Repository)));
  return { methods: found, actions: new Set([...found].flatMap((m) => REPOSITORY_ACTIONS[m])) };
}
