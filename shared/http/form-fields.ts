import { ValidationError } from '../domain/errors.ts';
import type { DecisionForm } from '../use-cases/decide-task.ts';
import { UNKNOWN_FIELD } from './validation.ts';

/**
 * HTML forms post flat, dotted names (`budget.totalCost`); the schemas expect objects. Pure (no
 * Node API): the browser script bundles it to read its own form exactly as the server does.
 */

const INVALID = 'Le formulaire contient des erreurs : rien n’a été enregistré.';

/** Numbers a person types: `120 000`, `120000`; `120000,50` is not whole and stays text (an issue). */
export function formNumber(value: string): number | string {
  const compact = value.replace(/[\s\u00a0\u202f]/g, '');
  return /^-?\d+(\.\d+)?$/.test(compact) ? Number(compact) : value;
}

/** Fields the schemas want as numbers; an empty one stays `''` (reported as required). */
export const NUMERIC_PATHS: ReadonlySet<string> = new Set(['project.durationMonths', 'budget.totalCost', 'budget.requestedAmount']);
/** Optional fields: left empty, they are absent. */
export const OPTIONAL_PATHS: ReadonlySet<string> = new Set(['leadAuthority.contact.phone', 'partnerAuthority.contact.phone']);
const FIELD_NAME = /^[A-Za-z]{1,40}(\.[A-Za-z]{1,40}){0,3}$/;

/** Form fields read as objects, or the first name that is not a plain dotted path of one. */
export type Nested = DecisionForm['content'];

/** Dotted form names (`budget.totalCost`) back into the object the schema expects. */
export function nestFields(fields: Readonly<Record<string, string>>, skip: readonly string[] = []): Nested {
  const root: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(fields)) {
    if (skip.includes(name)) continue;
    // Only plain names: no `__proto__`, no index, nothing the schema would not know anyway.
    if (!FIELD_NAME.test(name)) return { ok: false, unknownField: name };
    if (OPTIONAL_PATHS.has(name) && raw.trim() === '') continue;
    const path = name.split('.');
    let node = root;
    for (const segment of path.slice(0, -1)) {
      const next = node[segment];
      if (next !== undefined && (typeof next !== 'object' || next === null)) return { ok: false, unknownField: name };
      if (next === undefined) node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
    node[path.at(-1) as string] = NUMERIC_PATHS.has(name) ? formNumber(raw) : raw;
  }
  return { ok: true, value: root };
}

/** `nestFields`, a name that is no field being a ValidationError (400) naming it. */
export function unflatten(fields: Readonly<Record<string, string>>, skip: readonly string[] = []): Record<string, unknown> {
  const nested = nestFields(fields, skip);
  if (!nested.ok) throw new ValidationError(INVALID, [{ path: nested.unknownField, message: UNKNOWN_FIELD }]);
  return nested.value;
}

/** Fields of a decision form that are the link's or the decision's, never an application's. */
const DECISION_FIELDS = ['sig', 'decision', 'comment'];

/**
 * A decision form (`POST /tasks/{taskId}`) as decide-task reads it: the link's signature, the
 * decision's flat fields, and what a resubmission's dotted names make (read only by that stage).
 */
export function decisionForm(posted: Readonly<Record<string, string>>): DecisionForm {
  const { sig, ...fields } = posted;
  return { sig, fields, content: nestFields(posted, DECISION_FIELDS) };
}

/** The value at a dotted path of an object (the field an issue is about). */
export function valueAt(data: unknown, path: string): unknown {
  let node: unknown = data;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
