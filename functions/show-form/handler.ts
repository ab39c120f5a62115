import { wirePorts } from '../../shared/adapters/wiring.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { ROUTES } from '../../shared/catalogue/routes.ts';
import { NotFoundError } from '../../shared/domain/errors.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { applicationFormPage, formScript, newFormKey } from '../../shared/http/application-form.ts';
import { htmlProblem } from '../../shared/http/problem-renderers.ts';
import { pathParam } from '../../shared/http/request.ts';
import { FORM_CSP } from '../../shared/http/security-headers.ts';
import { emptyState } from '../../shared/pages/fields.ts';
import { listCalls } from '../../shared/use-cases/list-calls.ts';

const ports = wirePorts('show-form', { repository: dynamodb });
const options = { contact: ports.config.adminEmails[0], baseUrl: ports.config.baseUrl };

/**
 * GET / — the application form, in the visitor's language, for the calls open now; and
 * GET /assets/{asset} — its script (the only asset: the style is inline, allowed by its hash).
 */
export const handler = apiHandler('show-form', { renderProblem: htmlProblem({ contact: options.contact }), contentSecurityPolicy: FORM_CSP }, async (event) => {
  if (event.resource === ROUTES.asset.path) {
    const script = formScript(event, pathParam(event, 'asset'));
    if (!script) throw new NotFoundError('Aucune ressource ne porte ce nom.');
    return script;
  }
  const calls = await listCalls(ports);
  return applicationFormPage(event, options, { calls, state: emptyState, idempotencyKey: newFormKey() });
});
