import { wirePorts } from '../../shared/adapters/wiring.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { s3Reader } from '../../shared/adapters/wire-s3-reader.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { documentsOrigin } from '../../shared/config/documents-origin.ts';
import { draftPageCsp } from '../../shared/http/security-headers.ts';
import { draftPageAnswer, draftProblem } from '../../shared/http/draft-pages.ts';
import { pathParam, queryParam, wantsHtml } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import { isDraftNotice } from '../../shared/pages/draft-page.ts';
import { showDraft, showDraftPage } from '../../shared/use-cases/drafts.ts';

const ports = wirePorts('show-draft', { repository: dynamodb, signer: secretSigner, documents: s3Reader });
const pageOptions = { contact: ports.config.adminEmails[0], baseUrl: ports.config.baseUrl, documentsScanned: ports.config.documentsScanned };

/**
 * GET and HEAD /drafts/{id}?sig=… — the draft as its contact sees it: JSON, or its page for a
 * browser (`Accept: text/html`; `&notice=` after one of the page's forms). Read-only, and its
 * function holds no write permission: mail scanners fetch these links.
 */
export const handler = apiHandler(
  'show-draft',
  {
    renderProblem: draftProblem({ ...pageOptions, show: (id, sig) => showDraftPage(ports, { id, sig }) }),
    contentSecurityPolicy: draftPageCsp(documentsOrigin(ports.config.documentsBucket)),
  },
  async (event) => {
    const request = { id: pathParam(event, 'id'), sig: queryParam(event, 'sig') };
    if (wantsHtml(event)) {
      // After an upload, storage adds `bucket`, `key` and `etag` to the query: only `notice` and `document` are read.
      const notice = queryParam(event, 'notice');
      const document = queryParam(event, 'document');
      const shown = isDraftNotice(notice) ? { notice, ...(document ? { document } : {}) } : {};
      return draftPageAnswer(event, await showDraftPage(ports, request), pageOptions, shown);
    }
    const view = await showDraft(ports, request);
    return json(200, view, { ETag: `"${view.version}"`, 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow', Vary: 'Accept' });
  },
);
