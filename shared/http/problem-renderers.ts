import type { Catalogue } from '../i18n/fr.ts';
import { formatEuros } from '../i18n/format.ts';
import { formatSide } from '../i18n/money.ts';
import { localizeDecisionIssues } from '../i18n/issues.ts';
import { checkResubmissionForm } from '../pages/application-validation.ts';
import { problemPage } from '../pages/problem-page.ts';
import { decisionPage } from '../pages/task-pages.ts';
import type { TaskPageModel } from '../use-cases/show-task.ts';
import { renderJsonProblem, type ProblemRenderer } from './error-handler.ts';
import { pageFrame } from './page-frame.ts';
import { pathParam, wantsJson } from './request.ts';
import { html } from './responses.ts';

export interface ProblemPageOptions {
  /** The address people are told to write to (the fund's secretariat). */
  contact?: string | undefined;
}

/** Errors as pages in the visitor's language, for the routes people open from an email. */
export function htmlProblem(options: ProblemPageOptions = {}): ProblemRenderer {
  return (problem, event) => html(problem.status, problemPage(problem, pageFrame(event, options.contact)));
}

/** JSON for `Accept: application/json`, a page otherwise (the tracking URL serves both). */
export function negotiatedProblem(options: ProblemPageOptions = {}): ProblemRenderer {
  const page = htmlProblem(options);
  return (problem, event) => (wantsJson(event) ? renderJsonProblem(problem, event) : page(problem, event));
}

/**
 * A refused decision (400) shows the decision page again, the posted values kept and each error
 * beside its field, in the visitor's language; any other problem, or a link that no longer opens,
 * gets the problem page. Reading the page again writes nothing (`show` is the GET's use case).
 */
export function decisionFormProblem(
  options: ProblemPageOptions & { show: (taskId: string, sig: string | undefined) => Promise<TaskPageModel> },
): ProblemRenderer {
  const page = htmlProblem(options);
  return async (problem, event) => {
    const fields = event.body !== null && typeof event.body === 'object' ? (event.body as Record<string, string>) : undefined;
    if (problem.code !== 'VALIDATION_FAILED' || !fields) return page(problem, event);
    let model: TaskPageModel;
    try {
      model = await options.show(pathParam(event, 'taskId'), fields.sig);
    } catch {
      return page(problem, event);
    }
    const frame = pageFrame(event, options.contact);
    const v = frame.t.validation;
    const checked = model.stage === 'resubmission' ? checkResubmissionForm(fields, v) : undefined;
    const issues = checked && !checked.ok ? checked.issues : localizeDecisionIssues(problem.issues ?? [], fields, v, requestedOfSide(frame.t, model));
    return html(400, decisionPage(model, frame, { values: fields, issues }));
  };
}

/** What a co-chair's side was asked, in that side's currency (a review has no grant: the total request). */
function requestedOfSide(t: Catalogue, model: TaskPageModel): string {
  const c = model.committee;
  return c ? formatSide(t, c.side, c.requested, model.madPerEur) : formatEuros(t, model.application.budget.requestedAmount);
}
