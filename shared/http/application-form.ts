import { newId } from '../domain/ids.ts';
import { checkApplicationForm } from '../pages/application-validation.ts';
import { formState, type FormState } from '../pages/fields.ts';
import { formPage } from '../pages/form-page.ts';
import type { OpenCall } from '../use-cases/list-calls.ts';
import { isFormRequest } from './body-parsers.ts';
import { renderJsonProblem, type ProblemRenderer } from './error-handler.ts';
import { pageFrame } from './page-frame.ts';
import { baseUrlFor } from './request.ts';
import { scriptUrl } from './script-urls.ts';
import { html } from './responses.ts';
import type { ApiEvent, ApiResult } from './types.ts';

/** A new key per form shown: posting the same form twice files one application. */
export const newFormKey = (): string => `form-${newId()}`;

export interface ApplicationFormOptions {
  /** The secretariat's address. */
  contact?: string | undefined;
  /** BASE_URL when configured (else derived from the request). */
  baseUrl?: string | undefined;
}

/** The application form as a page answering `event`, in the visitor's language. */
export function applicationFormPage(
  event: ApiEvent<unknown>,
  options: ApplicationFormOptions,
  model: { calls: OpenCall[]; state: FormState; idempotencyKey: string; problem?: Parameters<typeof formPage>[0]['problem'] },
  status = 200,
): ApiResult {
  const baseUrl = baseUrlFor(event, options.baseUrl);
  const page = formPage({ ...model, baseUrl, script: scriptUrl(baseUrl, 'form.js') }, pageFrame(event, options.contact));
  return html(status, page, { Vary: 'Accept-Language' });
}

/**
 * How `POST /applications` answers a refused form: the form again (400, 404, 409…), with what was
 * typed and each error beside its field, in the language of the page it came from. JSON clients
 * get the contract's JSON problem, unchanged.
 */
export function applicationFormProblem(options: ApplicationFormOptions & { calls: () => Promise<OpenCall[]> }): ProblemRenderer {
  return async (problem, event) => {
    if (!isFormRequest(event)) return renderJsonProblem(problem);
    const fields = event.body !== null && typeof event.body === 'object' ? (event.body as Record<string, string>) : {};
    const t = pageFrame(event).t;
    const checked = problem.code === 'VALIDATION_FAILED' ? checkApplicationForm(fields, t.validation) : undefined;
    const issues = checked && !checked.ok ? checked.issues : [];
    const posted = typeof fields.idempotencyKey === 'string' ? fields.idempotencyKey : undefined;
    const idempotencyKey = posted && problem.code !== 'IDEMPOTENCY_KEY_REUSED' ? posted : newFormKey();
    return applicationFormPage(
      event,
      options,
      { calls: await options.calls(), state: formState(fields, issues), idempotencyKey, problem: { code: problem.code, issues } },
      problem.status,
    );
  };
}
