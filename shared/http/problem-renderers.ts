import { problemPage } from '../pages/problem-page.ts';
import { renderJsonProblem, type ProblemRenderer } from './error-handler.ts';
import { wantsJson } from './request.ts';
import { html } from './responses.ts';

export interface ProblemPageOptions {
  /** The address people are told to write to (the fund's secretariat). */
  contact?: string | undefined;
}

/** Errors as pages, for the routes people open from an email. */
export function htmlProblem(options: ProblemPageOptions = {}): ProblemRenderer {
  return (problem) => html(problem.status, problemPage(problem, options));
}

/** JSON for `Accept: application/json`, a page otherwise (the tracking URL serves both). */
export function negotiatedProblem(options: ProblemPageOptions = {}): ProblemRenderer {
  const page = htmlProblem(options);
  return (problem, event) => (wantsJson(event) ? renderJsonProblem(problem, event) : page(problem, event));
}
