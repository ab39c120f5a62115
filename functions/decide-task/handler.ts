import { realPorts } from '../../shared/adapters/ports.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { tagApplication } from '../../shared/http/logger.ts';
import { htmlProblem } from '../../shared/http/problem-renderers.ts';
import { baseUrlFor, pathParam } from '../../shared/http/request.ts';
import { html } from '../../shared/http/responses.ts';
import { confirmationPage } from '../../shared/pages/task-pages.ts';
import { decideTask } from '../../shared/use-cases/decide-task.ts';

const ports = realPorts();

/** POST /tasks/{taskId} — the decision form (urlencoded: sig, decision, comment, the stage's fields). */
export const handler = apiHandler(
  { body: 'form', renderProblem: htmlProblem({ contact: ports.config.adminEmails[0] }) },
  async (event) => {
    const result = await decideTask(
      { ...ports, tagApplication },
      { taskId: pathParam(event, 'taskId'), fields: event.body, baseUrl: baseUrlFor(event, ports.config.baseUrl) },
    );
    return html(200, confirmationPage(result));
  },
);
