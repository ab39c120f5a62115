import { wirePorts } from '../../shared/adapters/wiring.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { stepFunctions } from '../../shared/adapters/wire-sfn.ts';
import { emfMetrics } from '../../shared/adapters/emf-metrics.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { applicationFormProblem } from '../../shared/http/application-form.ts';
import { unflatten } from '../../shared/http/form-fields.ts';
import { logger, tagApplication } from '../../shared/http/logger.ts';
import { baseUrlFor, header, preferredLanguage } from '../../shared/http/request.ts';
import { json, seeOther } from '../../shared/http/responses.ts';
import { FORM_ONLY_FIELDS } from '../../shared/pages/application-validation.ts';
import { listCalls } from '../../shared/use-cases/list-calls.ts';
import { submitApplication } from '../../shared/use-cases/submit-application.ts';

const ports = wirePorts('submit-application', { repository: dynamodb, mailer: ses, signer: secretSigner, workflow: stepFunctions, metrics: emfMetrics });

/**
 * POST /applications — JSON (the contract: 201 filed, 202 awaiting the partner's confirmation where
 * the call asks for it, or a JSON problem), or the form of `GET /` (urlencoded, dotted names: 303 to
 * the tracking page, or to the lead's own page of the dossier awaiting the partner; or the form again
 * with its errors). 64 KiB at most; Idempotency-Key header, or the form's own key.
 */
export const handler = apiHandler(
  'submit-application',
  {
    metrics: ports.metrics,
    renderProblem: applicationFormProblem({ contact: ports.config.adminEmails[0], baseUrl: ports.config.baseUrl, calls: () => listCalls(ports) }),
  },
  async (event) => {
    const form = event.bodyFormat === 'form' ? (event.body as Record<string, string>) : undefined;
    const language = preferredLanguage(event);
    const result = await submitApplication(
      {
        ...ports,
        tagApplication,
        // Rare: the workflow did not start and the undo failed too. The same key's retry heals it.
        onUndoFailed: (applicationId) => logger.error('application stored without its workflow', { applicationId }),
      },
      {
        body: form ? unflatten(form, FORM_ONLY_FIELDS) : event.body,
        idempotencyKey: header(event.headers, 'idempotency-key') ?? form?.idempotencyKey,
        language,
        baseUrl: baseUrlFor(event, ports.config.baseUrl),
      },
    );
    if (result.status === 'AWAITING_PARTNER') {
      return form ? seeOther(`${result.editUrl}&lang=${language}&notice=requested`) : json(202, { id: result.id, status: result.status });
    }
    return form ? seeOther(`${result.trackingUrl}&lang=${language}&submitted=1`) : json(201, result);
  },
);
