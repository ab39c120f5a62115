import { wirePorts } from '../../shared/adapters/wiring.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { emfMetrics } from '../../shared/adapters/emf-metrics.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { stepFunctions } from '../../shared/adapters/wire-sfn.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { ROUTES, type RouteName } from '../../shared/catalogue/routes.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { SCRIPT_CSP } from '../../shared/http/security-headers.ts';
import { logger } from '../../shared/http/logger.ts';
import { baseUrlFor, header, pathParam, preferredLanguage, queryParam } from '../../shared/http/request.ts';
import { draftProblem, formVersion, readDraftForm, staleDraftAnswer, toDraftPage } from '../../shared/http/draft-pages.ts';
import { unflatten } from '../../shared/http/form-fields.ts';
import { json, seeOther } from '../../shared/http/responses.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { confirmDraft, createDraft, invitePartner, requestFiling, returnDraft, saveDraft, showDraftPage } from '../../shared/use-cases/drafts.ts';

const ports = wirePorts('drafts', { repository: dynamodb, mailer: ses, signer: secretSigner, workflow: stepFunctions, metrics: emfMetrics });
const draftPorts = { ...ports, onUndoFailed: (applicationId: string) => logger.error('application stored without its workflow', { applicationId }) };

type Route = Extract<RouteName, 'createDraft' | 'saveDraft' | 'saveDraftForm' | 'inviteToDraft' | 'submitDraft' | 'confirmDraft' | 'returnDraft'>;
const pageOptions = { contact: ports.config.adminEmails[0], baseUrl: ports.config.baseUrl };

/** A form's fields (the draft's page), or undefined for a JSON client. */
const formOf = (event: ApiEvent<unknown>) => (event.bodyFormat === 'form' ? (event.body as Record<string, string>) : undefined);

/** Each route of the function, by its declaration (method and path template). */
const actions: Record<Route, (event: ApiEvent<unknown>) => Promise<ApiResult>> = {
  createDraft: async (event) =>
    json(201, await createDraft(ports, { body: event.body, language: preferredLanguage(event), baseUrl: baseUrlFor(event, ports.config.baseUrl) })),
  saveDraft: async (event) => {
    const result = await saveDraft(ports, { ...link(event), ifMatch: header(event.headers, 'if-match'), body: event.body });
    if (result.outcome === 'stale') {
      return json(409, { error: 'STALE_VERSION', message: 'Le dossier a été enregistré entre-temps par une autre personne.', current: result.current });
    }
    return json(200, { version: result.version }, { ETag: `"${result.version}"` });
  },
  // The draft's page, without JavaScript: the version it showed, then the page again (303), or the
  // page with what differs when someone saved in between (409), or with its errors (400, via draftProblem).
  saveDraftForm: async (event) => {
    const fields = formOf(event) ?? {};
    // The form sends every field: only the sections that differ from the stored draft are written.
    const result = await saveDraft(ports, { ...link(event), ifMatch: formVersion(fields), body: readDraftForm(fields), onlyChanged: true });
    if (result.outcome === 'stale') return staleDraftAnswer(event, await showDraftPage(ports, link(event)), pageOptions);
    return toDraftPage(event, ports.config.baseUrl, 'saved');
  },
  inviteToDraft: async (event) => {
    const form = formOf(event);
    const result = await invitePartner(ports, { ...link(event), body: form ? unflatten(form) : event.body });
    return form ? toDraftPage(event, ports.config.baseUrl, 'invited') : json(200, result);
  },
  submitDraft: async (event) => {
    const result = await requestFiling(draftPorts, link(event));
    if (formOf(event)) {
      return result.status === 'SUBMITTED'
        ? seeOther(`${result.trackingUrl}&lang=${preferredLanguage(event)}&submitted=1`)
        : toDraftPage(event, ports.config.baseUrl, 'requested');
    }
    return json(result.status === 'SUBMITTED' ? 201 : 200, result);
  },
  confirmDraft: async (event) => {
    const result = await confirmDraft(draftPorts, link(event));
    return formOf(event) ? seeOther(`${result.trackingUrl}&lang=${preferredLanguage(event)}&submitted=1`) : json(201, result);
  },
  returnDraft: async (event) => {
    const form = formOf(event);
    const result = await returnDraft(ports, { ...link(event), body: form ? unflatten(form) : event.body });
    return form ? toDraftPage(event, ports.config.baseUrl, 'returned') : json(200, result);
  },
};

function link(event: ApiEvent<unknown>) {
  return { id: pathParam(event, 'id'), sig: queryParam(event, 'sig'), baseUrl: baseUrlFor(event, ports.config.baseUrl) };
}

const byRoute = new Map(Object.entries(actions).map(([name, action]) => [`${ROUTES[name as Route].method} ${ROUTES[name as Route].path}`, action]));

/**
 * The joint dossier before it is filed: POST /drafts, PUT /drafts/{id} (JSON), POST /drafts/{id}
 * (the draft page's form), the invite, submit, confirm and return actions (JSON, or the page's
 * small forms, answered with a page), each behind its edit link's `sig`. 64 KiB at most. The
 * documents are the draft-documents function's (it alone carries the S3 client).
 */
export const handler = apiHandler(
  'drafts',
  {
    metrics: ports.metrics,
    renderProblem: draftProblem({ ...pageOptions, show: (id, sig) => showDraftPage(ports, { id, sig }) }),
    contentSecurityPolicy: SCRIPT_CSP,
  },
  async (event) => {
    const action = byRoute.get(`${event.httpMethod} ${event.resource}`);
    if (!action) return json(404, { error: 'NOT_FOUND', message: 'Route inconnue.' });
    return action(event);
  },
);
