import { wirePorts } from '../../shared/adapters/wiring.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { s3Reader } from '../../shared/adapters/wire-s3-reader.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { tagApplication } from '../../shared/http/logger.ts';
import { pageFrame } from '../../shared/http/page-frame.ts';
import { htmlProblem } from '../../shared/http/problem-renderers.ts';
import { pathParam, queryParam } from '../../shared/http/request.ts';
import { html } from '../../shared/http/responses.ts';
import { decisionPage } from '../../shared/pages/task-pages.ts';
import { showTask } from '../../shared/use-cases/show-task.ts';

const ports = wirePorts('show-task', { repository: dynamodb, signer: secretSigner, documents: s3Reader });
const contact = ports.config.adminEmails[0];

/**
 * GET and HEAD /tasks/{taskId}?sig=… — the decision page, in the visitor's language. Read-only:
 * mail scanners fetch these links, and only the form's POST decides.
 */
export const handler = apiHandler('show-task', { renderProblem: htmlProblem({ contact }) }, async (event) => {
  const model = await showTask(
    { ...ports, scanned: ports.config.documentsScanned, tagApplication },
    { taskId: pathParam(event, 'taskId'), sig: queryParam(event, 'sig') },
  );
  return html(200, decisionPage(model, pageFrame(event, contact)), { 'X-Robots-Tag': 'noindex, nofollow', Vary: 'Accept-Language' });
});
