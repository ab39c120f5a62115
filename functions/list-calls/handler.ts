import { wirePorts } from '../../shared/adapters/wiring.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { json } from '../../shared/http/responses.ts';
import { listCalls } from '../../shared/use-cases/list-calls.ts';

const ports = wirePorts('list-calls', { repository: dynamodb });

/** GET /calls — the calls open now. */
export const handler = apiHandler('list-calls', {}, async () => json(200, { calls: await listCalls(ports) }));
