import { pathTo } from '../catalogue/routes.ts';
import type { Catalogue } from '../i18n/index.ts';
import { fill, formatDay, formatEuros, formatPercent, localize } from '../i18n/index.ts';
import type { FieldIssue } from '../i18n/issues.ts';
import type { OpenCall } from '../use-cases/list-calls.ts';
import { applicationFields, applicationLabels } from './application-fields.ts';
import { errorSummary, selectField, type FormState } from './fields.ts';
import { html, trusted } from './html.ts';
import { langQuery, renderPage, type PageFrame } from './layout.ts';

/** What the browser script needs to speak the page's language (given in a `data-` attribute). */
export function clientTexts(t: Catalogue) {
  return {
    meta: t.meta,
    validation: t.validation,
    form: t.form,
    fieldIssue: t.problem.fieldIssue,
    labels: applicationLabels(t),
  };
}
export type ClientTexts = ReturnType<typeof clientTexts>;

export interface FormPageModel {
  /** The calls open now (the first one is selected unless the state says otherwise). */
  calls: OpenCall[];
  state: FormState;
  /** A refused submission: why, and the fields to correct. */
  problem?: { code: string; issues: FieldIssue[] };
  /** Sent back as `Idempotency-Key`: a double click files one application, not two. */
  idempotencyKey: string;
  /** The API's base URL (absolute links: the stage's path prefix is part of it). */
  baseUrl: string;
  /** The browser script's URL, or none (the form works without it). */
  script?: string;
}

/**
 * The application form (`GET /`, and again with its errors when `POST /applications` refuses it).
 * Without JavaScript it is a plain form posting `application/x-www-form-urlencoded`; the script
 * adds checks as you type, the co-financing share and a draft kept in the browser.
 */
export function formPage(model: FormPageModel, frame: PageFrame): string {
  const { t } = frame;
  const f = t.form;
  const [firstCall] = model.calls;
  if (!firstCall) {
    const refused = model.problem ? (t.formProblems as Record<string, string>)[model.problem.code] : undefined;
    const body = html`<h1>${f.title}</h1>
${refused ? html`<div class="error-summary" id="error-summary" role="alert" tabindex="-1"><p>${refused}</p></div>` : ''}
<p class="lead">${f.noCall}</p>
<p>${f.noCallHelp}</p>`;
    return renderPage({ title: f.title, body, frame });
  }
  const state = model.state;
  const selected = model.calls.find((c) => c.id === state.values.callId) ?? firstCall;
  const labels = applicationLabels(t);
  const problem = model.problem;
  const issues = problem?.issues ?? [];
  const summary =
    problem && issues.length > 0
      ? errorSummary(
          t,
          f.errorSummary,
          issues,
          (path) => labels[path] ?? path,
          (path) => (path === 'callId' ? 'callId' : path),
        )
      : problem
        ? html`<div class="error-summary" id="error-summary" role="alert" tabindex="-1"><p>${(t.formProblems as Record<string, string>)[problem.code] ?? t.formProblems.INTERNAL_ERROR}</p></div>`
        : '';
  const rules = fill(f.callRules, {
    min: selected.durationMonths.min,
    max: selected.durationMonths.max,
    grantMin: formatEuros(t, selected.grant.min),
    grantMax: formatEuros(t, selected.grant.max),
    ceiling: formatPercent(t, selected.cofinancingCeiling),
  });
  const body = html`<h1>${f.title}</h1>
<p class="lead">${f.intro}</p>
${summary}
<p>${f.required}</p>
<form id="application-form" method="post" action="${model.baseUrl}${pathTo('submitApplication')}${langQuery(frame)}" accept-charset="utf-8" data-calls="${model.baseUrl}${pathTo('listCalls')}${langQuery(frame)}" data-texts="${JSON.stringify(clientTexts(t))}">
<input type="hidden" name="idempotencyKey" value="${model.idempotencyKey}">
<div id="draft-status" class="draft" aria-live="polite"></div>
<fieldset>
<legend>${f.callLegend}</legend>
${selectField(state, {
  name: 'callId',
  label: f.call,
  hint: `${fill(f.callHelp, { closes: formatDay(t, selected.closesAt) })} ${rules}`,
  options: model.calls.map((c) => [c.id, localize(t, c.title)] as const),
  value: selected.id,
  attrs: trusted(' required'),
})}
</fieldset>
${applicationFields(t, state, selected)}
<p class="muted">${f.privacy}</p>
<button type="submit" id="submit">${f.submit}</button>
</form>`;
  return renderPage({
    title: f.title,
    body,
    frame,
    hasErrors: problem !== undefined,
    ...(model.script ? { scripts: [model.script] } : {}),
  });
}
