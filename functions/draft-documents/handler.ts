import { emfMetrics } from '../../shared/adapters/emf-metrics.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { s3 } from '../../shared/adapters/wire-s3.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { wirePorts } from '../../shared/adapters/wiring.ts';
import { ROUTES, type RouteName } from '../../shared/catalogue/routes.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { pathParam, queryParam } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { completeUpload, deleteDocument, requestUpload } from '../../shared/use-cases/documents.ts';

const ports = wirePorts('draft-documents', { repository: dynamodb, signer: secretSigner, metrics: emfMetrics, documents: s3 });

type Route = Extract<RouteName, 'requestDocumentUpload' | 'completeDocument' | 'deleteDocument'>;

const link = (event: ApiEvent<unknown>) => ({ id: pathParam(event, 'id'), sig: queryParam(event, 'sig') });
const documentId = (event: ApiEvent<unknown>) => pathParam(event, 'documentId');

/** Each route of the function, by its declaration (method and path template). */
const actions: Record<Route, (event: ApiEvent<unknown>) => Promise<ApiResult>> = {
  requestDocumentUpload: async (event) => {
    const { documentId: id, upload } = await requestUpload(ports, { ...link(event), body: event.body });
    return json(201, { documentId: id, upload });
  },
  completeDocument: async (event) => json(200, await completeUpload(ports, { ...link(event), documentId: documentId(event) })),
  deleteDocument: async (event) => json(200, await deleteDocument(ports, { ...link(event), documentId: documentId(event) })),
};

const byRoute = new Map(Object.entries(actions).map(([name, action]) => [`${ROUTES[name as Route].method} ${ROUTES[name as Route].path}`, action]));

/**
 * A draft's documents, behind its edit link's `sig`: `POST /drafts/{id}/documents` grants a
 * presigned POST for one exact key (the file goes straight to S3, never through here), `POST
 * …/{documentId}/complete` checks what arrived, `DELETE …/{documentId}` removes it while a draft.
 * The only function holding the S3 client.
 */
export const handler = apiHandler('draft-documents', { metrics: ports.metrics }, async (event) => {
  const action = byRoute.get(`${event.httpMethod} ${event.resource}`);
  if (!action) return json(404, { error: 'NOT_FOUND', message: 'Route inconnue.' });
  return action(event);
});
