import type { FieldIssue } from '../i18n/issues.ts';
import type { Catalogue } from '../i18n/index.ts';
import { fill } from '../i18n/index.ts';
import { html, trusted, type SafeHtml } from './html.ts';

/**
 * Form fields that carry their own accessibility: a label, an optional hint and error message
 * tied to the control by `aria-describedby`, `aria-invalid` when wrong. The browser script
 * (client/form.ts) finds them by the same ids: `<name>-hint`, `<name>-error`, `<name>-warning`.
 */

/** What a form shows: the values to put back and the errors to show beside their fields. */
export interface FormState {
  values: Readonly<Record<string, string>>;
  errors: ReadonlyMap<string, string>;
}

export const emptyState: FormState = { values: {}, errors: new Map() };

export function formState(values: Readonly<Record<string, string>>, issues: readonly FieldIssue[] = []): FormState {
  return { values, errors: new Map(issues.map((i) => [i.path, i.message])) };
}

export { flatten } from '../text/dotted-fields.ts';

const describedBy = (ids: (string | false | undefined)[]) => {
  const list = ids.filter((id): id is string => typeof id === 'string' && id !== '');
  return list.length > 0 ? html` aria-describedby="${list.join(' ')}"` : '';
};

export interface FieldOptions {
  name: string;
  label: string;
  hint?: string | undefined;
  type?: 'text' | 'email' | 'tel' | 'date' | 'number';
  /** Extra attributes, written by us (`required maxlength="200"`). */
  attrs?: SafeHtml;
  /** The value when the state has none (a resubmission's current content). */
  value?: string | number | undefined;
  className?: string;
}

function errorOf(state: FormState, name: string): SafeHtml | string {
  const message = state.errors.get(name);
  return message ? html`<span class="field-error" id="${name}-error">${message}</span>` : '';
}

const valueIn = (state: FormState, name: string, fallback?: string | number) =>
  Object.hasOwn(state.values, name) ? state.values[name] : fallback === undefined ? '' : String(fallback);

/** A labelled `<input>`. */
export function inputField(state: FormState, o: FieldOptions): SafeHtml {
  const error = state.errors.has(o.name);
  return html`<div class="field">
<label for="${o.name}">${o.label}</label>
${o.hint ? html`<span class="hint" id="${o.name}-hint">${o.hint}</span>` : ''}
${errorOf(state, o.name)}
<input type="${o.type ?? 'text'}" id="${o.name}" name="${o.name}" value="${valueIn(state, o.name, o.value)}"${o.attrs ?? ''}${o.className ? html` class="${o.className}"` : ''}${describedBy([o.hint && `${o.name}-hint`, error && `${o.name}-error`])}${error ? trusted(' aria-invalid="true"') : ''}>
</div>`;
}

/** A labelled `<textarea>`. */
export function textareaField(state: FormState, o: FieldOptions): SafeHtml {
  const error = state.errors.has(o.name);
  return html`<div class="field">
<label for="${o.name}">${o.label}</label>
${o.hint ? html`<span class="hint" id="${o.name}-hint">${o.hint}</span>` : ''}
${errorOf(state, o.name)}
<textarea id="${o.name}" name="${o.name}"${o.attrs ?? ''}${describedBy([o.hint && `${o.name}-hint`, error && `${o.name}-error`])}${error ? trusted(' aria-invalid="true"') : ''}>${valueIn(state, o.name, o.value)}</textarea>
</div>`;
}

/** A labelled `<select>`; `placeholder` adds a first, empty option (nothing chosen yet). */
export function selectField(
  state: FormState,
  o: FieldOptions & { options: readonly (readonly [value: string, text: string])[]; placeholder?: string },
): SafeHtml {
  const error = state.errors.has(o.name);
  const current = valueIn(state, o.name, o.value);
  return html`<div class="field">
<label for="${o.name}">${o.label}</label>
${o.hint ? html`<span class="hint" id="${o.name}-hint">${o.hint}</span>` : ''}
${errorOf(state, o.name)}
<select id="${o.name}" name="${o.name}"${o.attrs ?? ''}${describedBy([o.hint && `${o.name}-hint`, error && `${o.name}-error`])}${error ? trusted(' aria-invalid="true"') : ''}>${o.placeholder !== undefined ? html`<option value="">${o.placeholder}</option>` : ''}${o.options.map(
    ([value, text]) => html`<option value="${value}"${value === current ? trusted(' selected') : ''}>${text}</option>`,
  )}</select>
</div>`;
}

/** Radio buttons in a fieldset whose legend is the question; the error sits under the legend. */
export function radioGroup(
  state: FormState,
  o: { name: string; legend: string; hint?: string; options: readonly (readonly [value: string, text: string])[]; required?: boolean },
): SafeHtml {
  const error = state.errors.has(o.name);
  const current = state.values[o.name];
  return html`<fieldset id="${o.name}-group"${describedBy([o.hint && `${o.name}-hint`, error && `${o.name}-error`])}>
<legend>${o.legend}</legend>
${o.hint ? html`<span class="hint" id="${o.name}-hint">${o.hint}</span>` : ''}
${errorOf(state, o.name)}
<div class="choices">${o.options.map(
    ([value, text]) =>
      html`<span class="choice"><input type="radio" id="${o.name}-${value}" name="${o.name}" value="${value}"${value === current ? trusted(' checked') : ''}${o.required === false ? '' : trusted(' required')}${error ? trusted(' aria-invalid="true"') : ''}><label for="${o.name}-${value}">${text}</label></span>`,
  )}</div>
</fieldset>`;
}

/**
 * The list of a form's errors, above it, each a link to its field. `role="alert"` announces it,
 * and the script moves the focus to it (`tabindex="-1"`).
 */
export function errorSummary(
  t: Catalogue,
  heading: string,
  issues: readonly { path: string; message: string }[],
  labelOf: (path: string) => string,
  targetOf: (path: string) => string = (path) => path,
  help: string = t.form.errorSummaryHelp,
): SafeHtml {
  return html`<div class="error-summary" id="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${fill(heading, { count: issues.length })}</h2>
<p>${help}</p>
<ul>${issues.map((i) => html`<li><a href="#${targetOf(i.path)}">${fill(t.problem.fieldIssue, { field: labelOf(i.path), message: i.message })}</a></li>`)}</ul>
</div>`;
}
