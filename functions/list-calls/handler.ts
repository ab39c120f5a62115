import { realPorts } from '../../shared/adapters/ports.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { json } from '../../shared/http/responses.ts';
import { listCalls } from '../../shared/use-cases/list-calls.ts';

const ports = realPorts();

/** GET /calls — the calls open now. */
export const handler = apiHandler({}, async () => json(200, { calls: await listCalls(ports) }));
