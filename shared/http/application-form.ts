import { pathTo } from '../catalogue/routes.ts';
import { newId } from '../domain/ids.ts';
import { FORM_SCRIPT, FORM_SCRIPT_VERSION } from '../pages/client/form.bundle.ts';
import { checkApplicationForm } from '../pages/application-validation.ts';
import { formState, type FormState } from '../pages/fields.ts';
import { formPage } from '../pages/form-page.ts';
import type { OpenCall } from '../use-cases/list-calls.ts';
import { isFormRequest } from './body-parsers.ts';
import { renderJsonProblem, type ProblemRenderer } from './error-handler.ts';
import { pageFrame } from './page-frame.ts';
import { baseUrlFor, queryParam } from './request.ts';
import { html, JS_TYPE } from './responses.ts';
import type { ApiEvent, ApiResult } from './types.ts';

/** The browser script's route (`GET /assets/{asset}`, served by show-form). */
export const FORM_SCRIPT_ASSET = 'form.js';

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
  const page = formPage(
    { ...model, baseUrl, script: `${baseUrl}${pathTo('asset', { asset: FORM_SCRIPT_ASSET }, { v: FORM_SCRIPT_VERSION })}` },
    pageFrame(event, options.contact),
  );
  return html(status, page, { Vary: 'Accept-Language' });
}

/**
 * The browser script. Immutable under its version (the page names it), so cached for a year;
 * any other version is answered too, uncached (a page from before a deployment).
 */
export function formScript(event: ApiEvent<unknown>, asset: string): ApiResult | undefined {
  if (asset !== FORM_SCRIPT_ASSET) return undefined;
  const current = queryParam(event, 'v') === FORM_SCRIPT_VERSION;
  return {
    statusCode: 200,
    headers: {
      'Content-Type': JS_TYPE,
      'Cache-Control': current ? 'public, max-age=31536000, immutable' : 'no-cache',
    },
    body: FORM_SCRIPT,
  };
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
