import { wirePorts } from '../../shared/adapters/wiring.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { stepFunctions } from '../../shared/adapters/wire-sfn.ts';
import { emfMetrics } from '../../shared/adapters/emf-metrics.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { decisionForm } from '../../shared/http/form-fields.ts';
import { tagApplication } from '../../shared/http/logger.ts';
import { pageFrame } from '../../shared/http/page-frame.ts';
import { decisionFormProblem } from '../../shared/http/problem-renderers.ts';
import { baseUrlFor, pathParam } from '../../shared/http/request.ts';
import { html } from '../../shared/http/responses.ts';
import { confirmationPage } from '../../shared/pages/task-pages.ts';
import { decideTask } from '../../shared/use-cases/decide-task.ts';
import { showTask } from '../../shared/use-cases/show-task.ts';

const ports = wirePorts('decide-task', { repository: dynamodb, signer: secretSigner, workflow: stepFunctions, metrics: emfMetrics });
const contact = ports.config.adminEmails[0];

/**
 * POST /tasks/{taskId} — the decision form (urlencoded: sig, decision, comment, the stage's
 * fields). Invalid fields show the decision page again with its errors; the answer is in the
 * language of the page the form came from (`?lang=`).
 */
export const handler = apiHandler(
  'decide-task',
  {
    metrics: ports.metrics,
    renderProblem: decisionFormProblem({ contact, show: (taskId, sig) => showTask(ports, { taskId, sig }) }),
  },
  async (event) => {
    const result = await decideTask(
      { ...ports, tagApplication },
      { taskId: pathParam(event, 'taskId'), ...decisionForm(event.body), baseUrl: baseUrlFor(event, ports.config.baseUrl) },
    );
    return html(200, confirmationPage(result, pageFrame(event, contact)));
  },
);
