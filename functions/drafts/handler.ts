import { wirePorts } from '../../shared/adapters/wiring.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { emfMetrics } from '../../shared/adapters/emf-metrics.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { stepFunctions } from '../../shared/adapters/wire-sfn.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { ROUTES, type RouteName } from '../../shared/catalogue/routes.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { logger } from '../../shared/http/logger.ts';
import { baseUrlFor, header, pathParam, preferredLanguage, queryParam } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { confirmDraft, createDraft, invitePartner, requestFiling, returnDraft, saveDraft } from '../../shared/use-cases/drafts.ts';

const ports = wirePorts('drafts', { repository: dynamodb, mailer: ses, signer: secretSigner, workflow: stepFunctions, metrics: emfMetrics });
const draftPorts = { ...ports, onUndoFailed: (applicationId: string) => logger.error('application stored without its workflow', { applicationId }) };

type Route = Extract<RouteName, 'createDraft' | 'saveDraft' | 'inviteToDraft' | 'submitDraft' | 'confirmDraft' | 'returnDraft'>;

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
  inviteToDraft: async (event) => json(200, await invitePartner(ports, { ...link(event), body: event.body })),
  submitDraft: async (event) => {
    const result = await requestFiling(draftPorts, link(event));
    return json(result.status === 'SUBMITTED' ? 201 : 200, result);
  },
  confirmDraft: async (event) => json(201, await confirmDraft(draftPorts, link(event))),
  returnDraft: async (event) => json(200, await returnDraft(ports, { ...link(event), body: event.body })),
};

function link(event: ApiEvent<unknown>) {
  return { id: pathParam(event, 'id'), sig: queryParam(event, 'sig'), baseUrl: baseUrlFor(event, ports.config.baseUrl) };
}

const byRoute = new Map(Object.entries(actions).map(([name, action]) => [`${ROUTES[name as Route].method} ${ROUTES[name as Route].path}`, action]));

/**
 * The joint dossier before it is filed (JSON): POST /drafts, PUT /drafts/{id}, and the invite,
 * submit, confirm and return actions, each behind its edit link's `sig`. 64 KiB at most.
 */
export const handler = apiHandler('drafts', { metrics: ports.metrics }, async (event) => {
  const action = byRoute.get(`${event.httpMethod} ${event.resource}`);
  if (!action) return json(404, { error: 'NOT_FOUND', message: 'Route inconnue.' });
  return action(event);
});
