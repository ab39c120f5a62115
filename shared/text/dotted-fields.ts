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
export const NUMERIC_PATHS: ReadonlySet<string> = new Set([
  'project.durationMonths',
  'budget.totalCost',
  'budget.requestedAmount',
  'budget.funding.lead.cash',
  'budget.funding.lead.inKind',
  'budget.funding.partner.cash',
  'budget.funding.partner.inKind',
  'budget.funding.fundFR',
  'budget.funding.fundMA',
]);
/** Numeric fields of a list's rows (`budget.lines.0.amount`), by their name with the index left out. */
const NUMERIC_ROW_PATHS: ReadonlySet<string> = new Set(['budget.lines.year', 'budget.lines.amount', 'budget.funding.others.amount']);
/** Optional fields: left empty, they are absent. */
export const OPTIONAL_PATHS: ReadonlySet<string> = new Set(['leadAuthority.contact.phone', 'partnerAuthority.contact.phone']);
/**
 * Letters, and at most one list index (`0`…`999`, no leading zero) between them: a row of a list,
 * as in `budget.lines.0.amount`. At most 5 segments.
 */
const FIELD_NAME = /^[A-Za-z]{1,40}(\.[A-Za-z]{1,40}){0,3}$/;
const ROW_FIELD_NAME = /^[A-Za-z]{1,40}(\.[A-Za-z]{1,40}){0,2}\.(0|[1-9]\d{0,2})(\.[A-Za-z]{1,40}){1,2}$/;
const INDEX = /^(0|[1-9]\d{0,2})$/;

/** Form fields read as objects, or the first name that is not a plain dotted path of one. */
export type Nested = { ok: true; value: Record<string, unknown> } | { ok: false; unknownField: string };

export interface NestOptions {
  /** Every empty field is left out, not only the optional ones (a draft: anything may be missing). */
  omitEmpty?: boolean;
}

const isNumeric = (name: string, path: readonly string[]) =>
  NUMERIC_PATHS.has(name) || NUMERIC_ROW_PATHS.has(path.filter((segment) => !INDEX.test(segment)).join('.'));

/** A list's rows, posted by index, in index order; rows left wholly empty are gone, the others close up. */
function rowsToLists(node: Record<string, unknown>, lists: ReadonlySet<Record<string, unknown>>): unknown {
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'object' && value !== null) node[key] = rowsToLists(value as Record<string, unknown>, lists);
  }
  if (!lists.has(node)) return node;
  return Object.keys(node)
    .map(Number)
    .sort((a, b) => a - b)
    .map((index) => node[String(index)]);
}

/**
 * Dotted form names (`budget.totalCost`) back into the object the schema expects; a list's rows
 * (`budget.lines.0.amount`) into an array.
 */
export function nestFields(fields: Readonly<Record<string, string>>, skip: readonly string[] = [], options: NestOptions = {}): Nested {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const lists = new Set<Record<string, unknown>>();
  for (const [name, raw] of Object.entries(fields)) {
    if (skip.includes(name)) continue;
    // Only plain names: no `__proto__`, no brackets, nothing the schema would not know anyway.
    if (!FIELD_NAME.test(name) && !ROW_FIELD_NAME.test(name)) return { ok: false, unknownField: name };
    if ((options.omitEmpty || OPTIONAL_PATHS.has(name)) && raw.trim() === '') continue;
    const path = name.split('.');
    let node = root;
    for (const [i, segment] of path.slice(0, -1).entries()) {
      const next = node[segment];
      const isList = INDEX.test(path[i + 1] as string);
      if (next !== undefined && (typeof next !== 'object' || next === null || lists.has(next as Record<string, unknown>) !== isList)) {
        return { ok: false, unknownField: name };
      }
      if (next === undefined) {
        const created = Object.create(null) as Record<string, unknown>;
        if (isList) lists.add(created);
        node[segment] = created;
      }
      node = node[segment] as Record<string, unknown>;
    }
    node[path.at(-1) as string] = isNumeric(name, path) ? formNumber(raw) : raw;
  }
  return { ok: true, value: plain(rowsToLists(root, lists)) as Record<string, unknown> };
}

/** Objects with a prototype again (built without one, so that no name could reach it). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
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

/** An object as dotted form values (`{ budget: { totalCost: 1 } }` → `budget.totalCost = "1"`). */
export function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object') return { [prefix]: String(value) };
  return Object.assign({}, ...Object.entries(value as Record<string, unknown>).map(([key, v]) => flatten(v, prefix ? `${prefix}.${key}` : key))) as Record<
    string,
    string
  >;
}
