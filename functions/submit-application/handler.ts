import { realPorts } from '../../shared/adapters/ports.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { tagApplication } from '../../shared/http/logger.ts';
import { baseUrlFor, header, preferredLanguage } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import { submitApplication } from '../../shared/use-cases/submit-application.ts';

const ports = realPorts({ require: ['stateMachineArn'] });

/** POST /applications — JSON body (64 KiB at most), optional Idempotency-Key. */
export const handler = apiHandler({ body: 'json' }, async (event) => {
  const result = await submitApplication(
    { ...ports, tagApplication },
    {
      body: event.body,
      idempotencyKey: header(event.headers, 'idempotency-key'),
      language: preferredLanguage(event),
      baseUrl: baseUrlFor(event, ports.config.baseUrl),
    },
  );
  return json(201, result);
});
