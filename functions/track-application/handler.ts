import { realPorts } from '../../shared/adapters/ports.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { tagApplication } from '../../shared/http/logger.ts';
import { negotiatedProblem } from '../../shared/http/problem-renderers.ts';
import { pathParam, queryParam, wantsJson } from '../../shared/http/request.ts';
import { html, json } from '../../shared/http/responses.ts';
import { trackingPage } from '../../shared/pages/tracking-page.ts';
import { trackApplication } from '../../shared/use-cases/track-application.ts';

const ports = realPorts();

/** GET /applications/{id}?token=… — a page, or JSON with `Accept: application/json`. */
export const handler = apiHandler({ renderProblem: negotiatedProblem() }, async (event) => {
  const id = pathParam(event, 'id');
  const view = await trackApplication(ports, { id, token: queryParam(event, 'token') });
  tagApplication(view.id);
  const vary = { Vary: 'Accept' };
  return wantsJson(event) ? json(200, view, vary) : html(200, trackingPage(view), vary);
});
