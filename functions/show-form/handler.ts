import { wirePorts } from '../../shared/adapters/wiring.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { ROUTES } from '../../shared/catalogue/routes.ts';
import { NotFoundError } from '../../shared/domain/errors.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { applicationFormPage, newFormKey } from '../../shared/http/application-form.ts';
import { clientScript } from '../../shared/http/client-scripts.ts';
import { htmlProblem } from '../../shared/http/problem-renderers.ts';
import { pathParam } from '../../shared/http/request.ts';
import { SCRIPT_CSP } from '../../shared/http/security-headers.ts';
import { emptyState } from '../../shared/pages/fields.ts';
import { listCalls } from '../../shared/use-cases/list-calls.ts';

const ports = wirePorts('show-form', { repository: dynamodb });
const options = { contact: ports.config.adminEmails[0], baseUrl: ports.config.baseUrl };

/**
 * GET / — the application form, in the visitor's language, for the calls open now; and
 * GET /assets/{asset} — the pages' scripts (this form's and the draft page's; the style is inline, allowed by its hash).
 */
export const handler = apiHandler(
  'show-form',
  { renderProblem: htmlProblem({ contact: options.contact }), contentSecurityPolicy: SCRIPT_CSP },
  async (event) => {
    if (event.resource === ROUTES.asset.path) {
      const script = clientScript(event, pathParam(event, 'asset'));
      if (!script) throw new NotFoundError('Aucune ressource ne porte ce nom.');
      return script;
    }
    const calls = await listCalls(ports);
    return applicationFormPage(event, options, { calls, state: emptyState, idempotencyKey: newFormKey() });
  },
);
