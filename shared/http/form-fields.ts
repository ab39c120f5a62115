import { ValidationError } from '../domain/errors.ts';
import { type Nested, type NestOptions, nestFields } from '../text/dotted-fields.ts';
import type { DecisionForm } from '../use-cases/decide-task.ts';
import { UNKNOWN_FIELD } from './validation.ts';

/**
 * HTML forms post flat, dotted names (`budget.totalCost`); the schemas expect objects. What a request
 * makes of them (a ValidationError naming an unknown field, the decision form's parts) is the HTTP
 * layer's; the pure reading of dotted names (shared/text/dotted-fields.ts) is shared with the pages
 * and the browser script, which read their own form exactly as the server does.
 */

const INVALID = 'Le formulaire contient des erreurs : rien n’a été enregistré.';

/** `nestFields`, a name that is no field being a ValidationError (400) naming it. */
export function unflatten(fields: Readonly<Record<string, string>>, skip: readonly string[] = [], options: NestOptions = {}): Record<string, unknown> {
  return nestedOrRefused(nestFields(fields, skip, options));
}

/** Fields read as objects, or a ValidationError (400) naming the first that is no field. */
export function nestedOrRefused(nested: Nested): Record<string, unknown> {
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
