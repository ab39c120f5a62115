import { ROUTES } from '../catalogue/routes.ts';
import { type FieldIssue, localizeIssues } from '../i18n/issues.ts';
import { draftPage, type DraftPageOptions, formBase, mergeStale, readBase } from '../pages/draft-page.ts';
import { DRAFT_FORM_ONLY, draftFormDossier } from '../pages/draft-merge.ts';
import { flatten } from '../pages/fields.ts';
import { type DossierDraft, dossierDraftSchema, dossierSections, inviteSchema, returnSchema } from '../schemas/dossier.ts';
import { nestFields } from '../text/dotted-fields.ts';
import type { DraftPageModel } from '../use-cases/drafts.ts';
import { isFormRequest } from './body-parsers.ts';
import { draftProblemPage, isBrowser } from './draft-links.ts';
import { scriptUrl } from './script-urls.ts';
import { type HttpProblem, type ProblemRenderer, renderJsonProblem } from './error-handler.ts';
import { nestedOrRefused } from './form-fields.ts';
import { pageFrame } from './page-frame.ts';
import { baseUrlFor, pathParam, queryParam } from './request.ts';
import { html } from './responses.ts';
import type { ApiEvent, ApiResult } from './types.ts';

/**
 * The draft's pages on the HTTP side: reading its form (`POST /drafts/{id}`, dotted names) into the
 * dossier the save use case takes, answering a browser with the page (saved, refused, stale), and
 * its problems as pages in the visitor's language. JSON clients keep the contract's answers.
 */

/**
 * The dossier a draft's form posts: every section the form shows is sent (a section left empty
 * replaces the stored one: its fields were cleared), each empty field left out (a draft may be
 * incomplete), rows left empty dropped. A name that is no field is a 400 naming it.
 */
export function readDraftForm(fields: Readonly<Record<string, string>>): Record<string, unknown> {
  return nestedOrRefused(draftFormDossier(fields, dossierSections));
}

/** The version the form was shown at, as the save's `If-Match` (a missing one is the use case's 400). */
export const formVersion = (fields: Readonly<Record<string, string>>): string | undefined => (fields.version === undefined ? undefined : `"${fields.version}"`);

const link = (event: ApiEvent<unknown>) => ({ id: pathParam(event, 'id'), sig: queryParam(event, 'sig') ?? '' });

/** What the draft's pages need of their function: whom to write to, the public base URL, whether documents are scanned. */
export interface DraftPageContext {
  contact?: string | undefined;
  baseUrl?: string | undefined;
  /** The stage's `malwareScan` (`DOCUMENTS_SCANNED`), for the functions that know it. */
  documentsScanned?: boolean;
}

/** The draft's page answering `event`, in its language (else the draft's). */
export function draftPageAnswer(
  event: ApiEvent<unknown>,
  model: DraftPageModel,
  options: DraftPageContext,
  page: Omit<DraftPageOptions, 'sig' | 'baseUrl' | 'script'> = {},
  status = 200,
): ApiResult {
  const frame = pageFrame(event, options.contact, model.language);
  const baseUrl = baseUrlFor(event, options.baseUrl);
  const scanned = options.documentsScanned === undefined ? {} : { scanned: options.documentsScanned };
  const body = draftPage(model, frame, { ...scanned, ...page, sig: link(event).sig, baseUrl, script: scriptUrl(baseUrl, 'draft.js') });
  return html(status, body, { 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow', Vary: 'Accept, Accept-Language' });
}

/** What was typed, as the schema reads it, and its errors in the page's language (none: well-formed). */
function typedDossier(
  fields: Readonly<Record<string, string>>,
  v: Parameters<typeof localizeIssues>[2],
): { values: Record<string, string>; issues: FieldIssue[]; dossier?: DossierDraft } {
  const nested = nestFields(fields, DRAFT_FORM_ONLY, { omitEmpty: true });
  if (!nested.ok) return { values: { ...fields }, issues: [{ path: nested.unknownField, message: v.unknownField }] };
  const result = dossierDraftSchema.safeParse(nested.value);
  const values = flatten(nested.value);
  return result.success ? { values, issues: [], dossier: result.data } : { values, issues: localizeIssues(result.error.issues, nested.value, v) };
}

/**
 * A stale save (409): the page at the current version, merged field by field (what this person
 * changed, as they typed it; the rest as stored: saving again undoes nothing of the other's), and
 * what the other person changed beside what this person typed.
 */
export function staleDraftAnswer(
  event: ApiEvent<unknown>,
  model: DraftPageModel,
  options: { contact?: string | undefined; baseUrl?: string | undefined },
): ApiResult {
  const fields = event.body as Record<string, string>;
  const typed = readDraftForm(fields) as DossierDraft;
  const { values, conflict } = mergeStale(model.view.dossier, typed, readBase(fields.base));
  return draftPageAnswer(event, model, options, { values, conflict, base: formBase(flatten(model.view.dossier)) }, 409);
}

/**
 * How the drafts' routes answer a problem: JSON to JSON clients (the contract, unchanged); to a
 * browser, the draft's page again for a refused save (400, each error beside its field) or a
 * refused request to file (422, what is missing), else a page saying what happened and leading
 * back to the draft. Reading the draft again writes nothing.
 */
export function draftProblem(options: {
  contact?: string | undefined;
  baseUrl?: string | undefined;
  show: (id: string, sig: string | undefined) => Promise<DraftPageModel>;
}): ProblemRenderer {
  return async (problem: HttpProblem, event) => {
    if (!isBrowser(event)) return renderJsonProblem(problem, event);
    const fields = isFormRequest(event) && event.body !== null && typeof event.body === 'object' ? (event.body as Record<string, string>) : undefined;
    const route = (name: 'saveDraftForm' | 'inviteToDraft' | 'returnDraft') => event.httpMethod === ROUTES[name].method && event.resource === ROUTES[name].path;
    const actionSchema = route('inviteToDraft') ? inviteSchema : route('returnDraft') ? returnSchema : undefined;
    const refusedForm = problem.code === 'VALIDATION_FAILED' && fields !== undefined && (route('saveDraftForm') || actionSchema !== undefined);
    if (refusedForm || problem.code === 'DOSSIER_INCOMPLETE') {
      let model: DraftPageModel | undefined;
      try {
        model = await options.show(pathParam(event, 'id'), queryParam(event, 'sig'));
      } catch {
        model = undefined;
      }
      if (model) {
        const v = pageFrame(event, options.contact, model.language).t.validation;
        if (problem.code === 'DOSSIER_INCOMPLETE') {
          const incomplete = (problem.issues ?? []).map((i) => ({ path: i.path, message: i.message === 'champ obligatoire' ? v.required : v.invalid }));
          return draftPageAnswer(event, model, options, { incomplete }, problem.status);
        }
        if (actionSchema) {
          // An invitation or a sending back: the page again, that small form holding what was typed, each error beside its field.
          const nested = nestFields(fields ?? {});
          const checked = nested.ok ? actionSchema.safeParse(nested.value) : undefined;
          const issues =
            checked && !checked.success
              ? localizeIssues(checked.error.issues, nested.ok ? nested.value : {}, v)
              : (problem.issues ?? []).map((i) => ({ path: i.path, message: v.invalid }));
          return draftPageAnswer(event, model, options, { action: { values: fields ?? {}, issues } }, problem.status);
        }
        const typed = typedDossier(fields ?? {}, v);
        // The use case refused what the page's own check accepts (the version): its issues, as given.
        const issues = typed.issues.length > 0 ? typed.issues : (problem.issues ?? []).map((i) => ({ path: i.path, message: v.invalid }));
        // Still the version and digest the form was shown at: a save in between is then caught as stale.
        const version = /^[1-9]\d{0,8}$/.test(fields?.version ?? '') ? Number(fields?.version) : undefined;
        const shownAt = { ...(version === undefined ? {} : { version }), ...(fields?.base === undefined ? {} : { base: fields.base }) };
        return draftPageAnswer(event, model, options, { values: typed.values, issues, ...shownAt }, problem.status);
      }
    }
    return draftProblemPage(problem, event, options);
  };
}

export { draftPageUrl, isBrowser, toDraftPage } from './draft-links.ts';
