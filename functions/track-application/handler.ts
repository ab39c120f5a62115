import { wirePorts } from '../../shared/adapters/wiring.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { tagApplication } from '../../shared/http/logger.ts';
import { pageFrame } from '../../shared/http/page-frame.ts';
import { negotiatedProblem } from '../../shared/http/problem-renderers.ts';
import { pathParam, queryParam, wantsJson } from '../../shared/http/request.ts';
import { html, json } from '../../shared/http/responses.ts';
import { trackingPage } from '../../shared/pages/tracking-page.ts';
import { trackApplication, trackApplicationPage } from '../../shared/use-cases/track-application.ts';

const ports = wirePorts('track-application', { repository: dynamodb, signer: secretSigner });
const contact = ports.config.adminEmails[0];
const vary = { Vary: 'Accept, Accept-Language' };

/**
 * GET /applications/{id}?token=… — JSON with `Accept: application/json` (the contract's view), a
 * page in the visitor's language otherwise (`&submitted=1` after the form's redirect).
 */
export const handler = apiHandler('track-application', { renderProblem: negotiatedProblem({ contact }) }, async (event) => {
  const request = { id: pathParam(event, 'id'), token: queryParam(event, 'token') };
  if (wantsJson(event)) {
    const view = await trackApplication(ports, request);
    tagApplication(view.id);
    return json(200, view, vary);
  }
  const model = await trackApplicationPage(ports, request);
  tagApplication(model.id);
  const page = trackingPage(model, pageFrame(event, contact), { justSubmitted: queryParam(event, 'submitted') === '1' });
  return html(200, page, vary);
});
