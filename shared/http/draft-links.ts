import { pathTo } from '../catalogue/routes.ts';
import { localizeRefusal } from '../pages/draft-documents.ts';
import type { DraftPageOptions } from '../pages/draft-page.ts';
import { html as markup } from '../pages/html.ts';
import { renderPage } from '../pages/layout.ts';
import { problemPage } from '../pages/problem-page.ts';
import { isFormRequest } from './body-parsers.ts';
import { type HttpProblem, type ProblemRenderer, renderJsonProblem } from './error-handler.ts';
import { pageFrame } from './page-frame.ts';
import { baseUrlFor, pathParam, preferredLanguage, queryParam, wantsHtml } from './request.ts';
import { html, seeOther } from './responses.ts';
import type { ApiEvent, ApiResult } from './types.ts';

/**
 * The way back to a draft's page, and the problems of its routes shown as pages: what both the
 * drafts' functions and the documents' one need, without the draft's page itself (its form, its
 * merge, the dossier's schema), which only the drafts' functions render.
 */

/** Whether a person's browser made the request: a form, or a page asked for. JSON clients keep the contract's JSON. */
export const isBrowser = (event: ApiEvent<unknown>): boolean => isFormRequest(event) || wantsHtml(event);

const link = (event: ApiEvent<unknown>) => ({ id: pathParam(event, 'id'), sig: queryParam(event, 'sig') ?? '' });

/** After a form was accepted: back to the draft's page (a GET: reloading it sends nothing again), saying what was done. */
export function toDraftPage(
  event: ApiEvent<unknown>,
  configuredBaseUrl: string | undefined,
  notice: NonNullable<DraftPageOptions['notice']>,
  document?: string,
): ApiResult {
  return seeOther(draftPageUrl(event, configuredBaseUrl, notice, document));
}

/** The draft's page (a GET), saying `notice` about `document`: where a form's answer, or storage after an upload, sends the browser. */
export function draftPageUrl(
  event: ApiEvent<unknown>,
  configuredBaseUrl: string | undefined,
  notice?: NonNullable<DraftPageOptions['notice']>,
  document?: string,
): string {
  const { id, sig } = link(event);
  const lang = preferredLanguage(event);
  return `${baseUrlFor(event, configuredBaseUrl)}${pathTo('showDraft', { id }, { sig, lang, notice, document })}`;
}

/** Where a page's contact and public base URL come from. */
export interface PageContext {
  contact?: string | undefined;
  baseUrl?: string | undefined;
}

const DRAFT_CODES = ['WRONG_ROLE', 'DRAFT_GONE', 'DRAFT_STATE'] as const;
type DraftCode = (typeof DRAFT_CODES)[number];
const isDraftCode = (code: string): code is DraftCode => (DRAFT_CODES as readonly string[]).includes(code);

/** A problem of the drafts' routes for a browser: the draft's own words for its codes, with the way back; else the problem page. */
export function draftProblemPage(problem: HttpProblem, event: ApiEvent<unknown>, options: PageContext): ApiResult {
  const frame = pageFrame(event, options.contact);
  if (!isDraftCode(problem.code)) return html(problem.status, problemPage(problem, frame));
  const d = frame.t.draft;
  const { id, sig } = link(event);
  const back = id && sig ? `${baseUrlFor(event, options.baseUrl)}${pathTo('showDraft', { id }, { sig, lang: frame.t.meta.lang })}` : undefined;
  const body = markup`<h1>${d.problemTitles[problem.code]}</h1>
<p class="lead">${d.problems[problem.code]}</p>
${back ? markup`<p><a href="${back}">${d.back}</a></p>` : ''}`;
  return html(problem.status, renderPage({ title: d.problemTitles[problem.code], body, frame }));
}

const DOCUMENT_REFUSALS: readonly string[] = ['VALIDATION_FAILED', 'TOO_MANY_DOCUMENTS', 'DOCUMENT_NOT_UPLOADED'];

/**
 * How the documents' routes answer a problem: JSON to JSON clients (the page's script among
 * them); to the page's forms, a file refused (its reasons in the page's language) with the way
 * back to the draft, else as the drafts' routes do.
 */
export function documentProblem(options: PageContext): ProblemRenderer {
  return async (problem, event) => {
    if (!isBrowser(event)) return renderJsonProblem(problem, event);
    if (!DOCUMENT_REFUSALS.includes(problem.code)) return draftProblemPage(problem, event, options);
    const frame = pageFrame(event, options.contact);
    const dt = frame.t.draft.documents;
    const reasons = (problem.issues ?? []).map((i) => localizeRefusal(frame.t, i.message));
    const body = markup`<h1>${dt.refusedTitle}</h1>
<ul class="errors" id="refusal">${reasons.map((r) => markup`<li>${r}</li>`)}</ul>
<p><a href="${draftPageUrl(event, options.baseUrl)}">${frame.t.draft.back}</a></p>`;
    return html(problem.status, renderPage({ title: dt.refusedTitle, body, frame }));
  };
}
