import { flatten, type Nested, nestFields } from '../text/dotted-fields.ts';

/**
 * What the draft's form and a stale save have in common on the server and in the browser (no Node
 * API: client/draft.ts bundles it): the dossier a form's fields make, and the field-by-field merge
 * of a save that started from an older version.
 */

/** Fields of the draft's form that are not the dossier's: the version it was shown at, and a digest of what it showed. */
export const DRAFT_FORM_ONLY: readonly string[] = ['version', 'base'];

/**
 * The dossier a draft's form holds: each empty field left out (a draft may be incomplete), rows
 * left empty dropped, and every section the form shows sent, even emptied (its fields were cleared).
 */
export function draftFormDossier(fields: Readonly<Record<string, string>>, sections: readonly string[]): Nested {
  const nested = nestFields(fields, DRAFT_FORM_ONLY, { omitEmpty: true });
  if (nested.ok) for (const section of sections) nested.value[section] ??= {};
  return nested;
}

/** A field the other person changed since this person's page was shown (a stale save). */
export interface ConflictRow {
  path: string;
  theirs: string;
  yours: string;
  /** What the form now holds: what this person typed when they changed the field too, else the other's value. */
  kept: 'theirs' | 'yours';
}

const ORDER = ['project', 'leadAuthority', 'partnerAuthority', 'budget.lines', 'budget.funding'];
const fieldOrder = (path: string) => {
  const index = ORDER.findIndex((prefix) => path === prefix || path.startsWith(`${prefix}.`));
  return index === -1 ? ORDER.length : index;
};

/**
 * A stale save, merged field by field (both dossiers as the schema reads them): a field this person
 * changed from what their page showed (`shownAs` says whether a value is what it showed) keeps what
 * they typed; any other takes the stored value, so their save never undoes what the other person
 * did. The rows are the fields the other person changed, in the form's order.
 */
export function mergeDossiers(
  stored: unknown,
  typed: unknown,
  shownPaths: Iterable<string>,
  shownAs: (path: string, value: string) => boolean,
): { values: Record<string, string>; conflict: ConflictRow[] } {
  const theirs = flatten(stored);
  const yours = flatten(typed);
  const paths = [...new Set([...Object.keys(yours), ...Object.keys(theirs), ...shownPaths])].sort(
    (a, b) => fieldOrder(a) - fieldOrder(b) || a.localeCompare(b, 'en', { numeric: true }),
  );
  const values: Record<string, string> = {};
  const conflict: ConflictRow[] = [];
  for (const path of paths) {
    const mine = yours[path] ?? '';
    const other = theirs[path] ?? '';
    const changedByMe = !shownAs(path, mine);
    values[path] = changedByMe ? mine : other;
    if (!shownAs(path, other) && other !== mine) conflict.push({ path, theirs: other, yours: mine, kept: changedByMe ? 'yours' : 'theirs' });
  }
  return { values, conflict };
}
