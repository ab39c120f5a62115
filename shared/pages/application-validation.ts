import { nestFields } from '../text/dotted-fields.ts';
import { localizeIssues, type FieldIssue, type ValidationTexts } from '../i18n/issues.ts';
import { applicationInputSchema, resubmissionSchema, type ApplicationInput, type Resubmission } from '../schemas/application.ts';

/**
 * The application form's fields checked with the API's own schema, the issues in the visitor's
 * language. The server runs it to re-render a refused form; the browser script runs the very same
 * code (bundled) before the form is sent.
 */

/** Hidden fields of the form that are not part of the application. */
export const FORM_ONLY_FIELDS = ['idempotencyKey'] as const;

type Checked<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

function check<T>(
  schema: typeof applicationInputSchema | typeof resubmissionSchema,
  fields: Readonly<Record<string, string>>,
  skip: readonly string[],
  v: ValidationTexts,
): Checked<T> {
  const nested = nestFields(fields, skip);
  if (!nested.ok) return { ok: false, issues: [{ path: nested.unknownField, message: v.unknownField }] };
  const data = nested.value;
  const result = schema.safeParse(data);
  return result.success ? { ok: true, value: result.data as T } : { ok: false, issues: localizeIssues(result.error.issues, data, v) };
}

export function checkApplicationForm(fields: Readonly<Record<string, string>>, v: ValidationTexts): Checked<ApplicationInput> {
  return check(applicationInputSchema, fields, FORM_ONLY_FIELDS, v);
}

/** The resubmission form: the same fields without the call, plus the task link's own. */
export function checkResubmissionForm(fields: Readonly<Record<string, string>>, v: ValidationTexts): Checked<Resubmission> {
  return check(resubmissionSchema, fields, ['sig', 'decision', 'comment'], v);
}
