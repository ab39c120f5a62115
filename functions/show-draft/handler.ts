import { wirePorts } from '../../shared/adapters/wiring.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { pathParam, queryParam } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import { showDraft } from '../../shared/use-cases/drafts.ts';

const ports = wirePorts('show-draft', { repository: dynamodb, signer: secretSigner });

/**
 * GET and HEAD /drafts/{id}?sig=… — the draft as its contact sees it (JSON). Read-only, and its
 * function holds no write permission: mail scanners fetch these links.
 */
export const handler = apiHandler('show-draft', {}, async (event) => {
  const view = await showDraft(ports, { id: pathParam(event, 'id'), sig: queryParam(event, 'sig') });
  return json(200, view, { ETag: `"${view.version}"`, 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow' });
});
