import type { Issue } from '../domain/errors.ts';
import type { Catalogue } from '../i18n/index.ts';
import { TASK_GONE_MESSAGES } from '../use-cases/show-task.ts';
import { fillHtml, html } from './html.ts';
import { renderPage, type PageFrame } from './layout.ts';

export interface Problem {
  status: number;
  code: string;
  message: string;
  issues?: Issue[];
}

type What = keyof Catalogue['problem']['what'];

/** Which of the catalogue's explanations fits: by code, and for a dead link by why it is dead. */
function whatKey(problem: Problem): What | undefined {
  if (problem.code === 'TASK_GONE') {
    const reason = (Object.keys(TASK_GONE_MESSAGES) as (keyof typeof TASK_GONE_MESSAGES)[]).find((key) => TASK_GONE_MESSAGES[key] === problem.message);
    return reason ?? 'closed';
  }
  return isWhat(problem.code) ? (problem.code as What) : undefined;
}

const WHAT_CODES: readonly string[] = [
  'NOT_FOUND',
  'BAD_SIGNATURE',
  'ALREADY_DECIDED',
  'VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'MALFORMED_BODY',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
] satisfies What[];
const isWhat = (code: string) => WHAT_CODES.includes(code);

/**
 * The page for an error on an HTML route: what happened, what to do, whom to write to, in the
 * visitor's language. An expired, replayed or tampered decision link each get their own words.
 */
export function problemPage(problem: Problem, frame: PageFrame): string {
  const { t } = frame;
  const titles = t.problem.title as Record<number, string>;
  const title = titles[problem.status] ?? (problem.status >= 500 ? t.problem.title[500] : t.problem.what.OTHER);
  const key = whatKey(problem);
  // French visitors read the domain's own message when the catalogue has nothing more precise.
  const what = key ? t.problem.what[key] : t.meta.lang === 'fr' ? problem.message : t.problem.what.OTHER;
  const advice = (t.problem.advice as Record<number, string>)[problem.status];
  const issues = problem.issues ?? [];
  const body = html`<h1>${title}</h1>
<p class="lead">${what}</p>
${
  issues.length > 0
    ? html`<div class="errors"><ul>${issues.map(
        (i) => html`<li>${i.path ? fillHtml(t.problem.fieldIssue, { field: html`<strong>${i.path}</strong>`, message: i.message }) : i.message}</li>`,
      )}</ul></div>`
    : ''
}
${advice ? html`<p>${advice}</p>` : ''}
${
  frame.contact && problem.status !== 400
    ? html`<p>${fillHtml(t.problem.contact, { email: html`<a href="mailto:${frame.contact}" dir="ltr">${frame.contact}</a>` })}</p>`
    : ''
}`;
  return renderPage({ title, body, frame });
}
