/**
 * Dotted names (`budget.totalCost`), as HTML forms post them and as issues name fields, read into
 * and out of objects. Pure (no Node API, no imports): the server's HTTP layer, the pages and the
 * browser script all read a form with it, so they read it alike.
 */

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
export type Nested = { ok: true; value: Record<string, unknown> } | { ok: false; unknownField: string };

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

/** The value at a dotted path of an object (the field an issue is about). */
export function valueAt(data: unknown, path: string): unknown {
  let node: unknown = data;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
