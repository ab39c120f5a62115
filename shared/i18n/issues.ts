import type { z } from 'zod';
import { valueAt } from '../text/dotted-fields.ts';
import { fill } from './format.ts';
import type { Catalogue } from './fr.ts';

/**
 * zod's issues as a person reads them, in their language, beside the field they are about. The
 * schemas' own messages are French (the API's); here the text comes from the issue's code and
 * the field, so the same schema speaks every language, in the browser and on the server.
 * Pure: the browser script bundles it.
 */

export type ValidationTexts = Catalogue['validation'];

export interface FieldIssue {
  /** The dotted path, which is also the form field's name (`budget.requestedAmount`). */
  path: string;
  message: string;
}

type ZodIssue = z.core.$ZodIssue;

const dotted = (path: readonly PropertyKey[]) => path.map(String).join('.');
const isEmpty = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

function messageFor(issue: ZodIssue, value: unknown, v: ValidationTexts): string {
  const path = dotted(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (isEmpty(value)) return v.required;
      if (issue.expected === 'int') return v.wholeNumber;
      return issue.expected === 'number' ? v.number : v.invalid;
    case 'too_small':
      if (issue.origin === 'string' || issue.origin === 'array') return v.required;
      if (issue.origin === 'number' && Number(issue.minimum) === 0 && !issue.inclusive) return v.positive;
      return fill(v.min, { min: Number(issue.minimum) });
    case 'too_big':
      return fill(issue.origin === 'string' ? v.tooLong : v.max, { max: Number(issue.maximum) });
    case 'invalid_format':
      if (isEmpty(value)) return v.required;
      if (issue.format === 'email') return v.email;
      if (issue.format === 'date') return v.date;
      if (path.endsWith('.phone')) return v.phone;
      return v.choice;
    case 'invalid_value':
      return isEmpty(value) ? v.required : v.choice;
    case 'custom':
      if (path === 'budget.requestedAmount') return v.requestedOverTotal;
      if (path.endsWith('.kind')) return v.kindForCountry;
      return v.invalid;
    default:
      return v.invalid;
  }
}

/**
 * One message per field (the first issue zod reports for it), in the schema's field order; an
 * unknown field is reported at its own name. `data` is what was validated (to tell an empty field
 * from a wrong one).
 */
export function localizeIssues(issues: readonly ZodIssue[], data: unknown, v: ValidationTexts): FieldIssue[] {
  const out: FieldIssue[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    out.push({ path, message });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(dotted([...issue.path, key]), v.unknownField);
      continue;
    }
    const path = dotted(issue.path);
    add(path, messageFor(issue, valueAt(data, path), v));
  }
  return out;
}

/** Issues of a decision form (flat names), from the API's issues: the field decides the words. */
export function localizeDecisionIssues(
  issues: readonly { path: string; message: string }[],
  fields: Readonly<Record<string, string>>,
  v: ValidationTexts,
  /** What the application asks of the co-chair's side, formatted: a grant may not exceed it. */
  requestedAmount: string,
): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const { path } of issues) {
    if (out.some((i) => i.path === path)) continue;
    const value = fields[path];
    const message =
      path === 'decision'
        ? v.decision
        : path === 'comment'
          ? (value ?? '').trim() === ''
            ? v.commentRequired
            : fill(v.tooLong, { max: 5000 })
          : path === 'grantedFR' || path === 'grantedMA'
            ? fill(v[path], { max: requestedAmount })
            : ['relevance', 'feasibility', 'partnership', 'impact'].includes(path)
              ? v.score
              : v.invalid;
    out.push({ path, message });
  }
  return out;
}
