import { emfMetrics } from '../../shared/adapters/emf-metrics.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { s3 } from '../../shared/adapters/wire-s3.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { wirePorts } from '../../shared/adapters/wiring.ts';
import { ROUTES, type RouteName } from '../../shared/catalogue/routes.ts';
import { documentsOrigin } from '../../shared/config/documents-origin.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { isFormRequest } from '../../shared/http/body-parsers.ts';
import { documentProblem, draftPageUrl, toDraftPage } from '../../shared/http/draft-links.ts';
import { pageFrame } from '../../shared/http/page-frame.ts';
import { pathParam, queryParam } from '../../shared/http/request.ts';
import { html, json } from '../../shared/http/responses.ts';
import { draftPageCsp } from '../../shared/http/security-headers.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { uploadSlotPage } from '../../shared/pages/draft-documents.ts';
import { completeUpload, deleteDocument, openUploadSlot, requestUpload } from '../../shared/use-cases/documents.ts';

const ports = wirePorts('draft-documents', { repository: dynamodb, signer: secretSigner, metrics: emfMetrics, documents: s3 });
const pageOptions = { contact: ports.config.adminEmails[0], baseUrl: ports.config.baseUrl };

type Route = Extract<RouteName, 'requestDocumentUpload' | 'completeDocument' | 'deleteDocument' | 'deleteDocumentForm'>;

const link = (event: ApiEvent<unknown>) => ({ id: pathParam(event, 'id'), sig: queryParam(event, 'sig') });
const documentId = (event: ApiEvent<unknown>) => pathParam(event, 'documentId');
const PAGE_HEADERS = { 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow' };

/** Each route of the function, by its declaration (method and path template). */
const actions: Record<Route, (event: ApiEvent<unknown>) => Promise<ApiResult>> = {
  requestDocumentUpload: async (event) => {
    if (event.bodyFormat === 'form') {
      // The page without JavaScript: the storage's own form, which comes back to the draft's page.
      const slot = await openUploadSlot(ports, {
        ...link(event),
        body: event.body,
        redirect: (id) => draftPageUrl(event, pageOptions.baseUrl, 'uploaded', id),
      });
      const page = uploadSlotPage(pageFrame(event, pageOptions.contact), { ...slot, back: draftPageUrl(event, pageOptions.baseUrl) });
      return html(200, page, PAGE_HEADERS);
    }
    const { documentId: id, upload } = await requestUpload(ports, { ...link(event), body: event.body });
    return json(201, { documentId: id, upload });
  },
  completeDocument: async (event) => {
    const check = await completeUpload(ports, { ...link(event), documentId: documentId(event) });
    if (!isFormRequest(event)) return json(200, check);
    return toDraftPage(
      event,
      pageOptions.baseUrl,
      check.status === 'ACCEPTED' ? 'accepted' : check.status === 'REFUSED' ? 'refused' : 'uploaded',
      check.documentId,
    );
  },
  deleteDocument: async (event) => json(200, await deleteDocument(ports, { ...link(event), documentId: documentId(event) })),
  deleteDocumentForm: async (event) => {
    await deleteDocument(ports, { ...link(event), documentId: documentId(event) });
    return toDraftPage(event, pageOptions.baseUrl, 'deleted');
  },
};

const byRoute = new Map(Object.entries(actions).map(([name, action]) => [`${ROUTES[name as Route].method} ${ROUTES[name as Route].path}`, action]));

/**
 * A draft's documents, behind its edit link's `sig`: `POST /drafts/{id}/documents` grants a
 * presigned POST for one exact key (the file goes straight to S3, never through here) — as JSON
 * for the page's script, or, for its form without JavaScript, as a page holding S3's own upload
 * form that comes back to the draft's page; `POST …/{documentId}/complete` checks what arrived
 * (a form's answer: the draft's page saying accepted or refused); `DELETE …/{documentId}` (or
 * `POST …/{documentId}/delete` from the page) removes it while a draft. The only function holding
 * the S3 client.
 */
export const handler = apiHandler(
  'draft-documents',
  { metrics: ports.metrics, renderProblem: documentProblem(pageOptions), contentSecurityPolicy: draftPageCsp(documentsOrigin(ports.config.documentsBucket)) },
  async (event) => {
    const action = byRoute.get(`${event.httpMethod} ${event.resource}`);
    if (!action) return json(404, { error: 'NOT_FOUND', message: 'Route inconnue.' });
    return action(event);
  },
);
