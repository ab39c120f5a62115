import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { memoryMetrics } from '../../../shared/adapters/memory-metrics.ts';
import type { Ports } from '../../../shared/adapters/wiring.ts';
import { matchRoute, ROUTES, routeNames } from '../../../shared/catalogue/routes.ts';
import { hmacSigner } from '../../../shared/links/signing.ts';
import type { DocumentStore } from '../../../shared/ports/index.ts';
import { apiEvent, lambdaContext } from '../../fixtures/api-event.ts';
import { FakeMailer } from '../../fixtures/fake-ports.ts';
import { MemoryDocumentStore } from '../../fixtures/memory-documents.ts';
import { MemoryRepository } from '../../fixtures/memory-repository.ts';
import { TEST_ENV } from './env.ts';

/**
 * The API in process: a request goes to the production handler its route names in the catalogue,
 * as API Gateway's REST proxy integration sends it (the route template as `resource`), and every
 * handler runs on the same in-memory ports — a test file mocks `wirePorts` to return `ports`:
 *
 *   vi.mock('../../../shared/adapters/wiring.ts', async () => {
 *     const { ports } = await import('./in-process.ts');
 *     return { wirePorts: () => ports, resetWiring: () => undefined };
 *   });
 *
 * What one request stores, the next one reads; what is emailed waits in `ports.mailer`.
 */

/** Workflow executions started, by application id. */
export const started: string[] = [];

export const ports = {
  repository: new MemoryRepository(),
  mailer: new FakeMailer(),
  workflow: { start: async (id: string) => void started.push(id), succeedTask: async () => undefined },
  signer: hmacSigner(async () => TEST_ENV.SIGNING_SECRET),
  metrics: memoryMetrics(),
  documents: new MemoryDocumentStore(),
  clock: { now: () => new Date() },
  config: {
    tableName: TEST_ENV.TABLE_NAME,
    stateMachineArn: TEST_ENV.STATE_MACHINE_ARN,
    baseUrl: TEST_ENV.BASE_URL,
    senderEmail: TEST_ENV.SENDER_EMAIL,
    adminEmails: ['secretariat@coopfund.example.org'],
    linkTtlSeconds: Number(TEST_ENV.LINK_TTL_SECONDS),
    signingKeyGraceSeconds: Number(TEST_ENV.LINK_TTL_SECONDS),
    signingKeyMaxAgeSeconds: 300,
    documentsScanned: false,
  },
} satisfies Ports & { documents: DocumentStore };

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** `method url` through the route that serves it (an absolute URL, as links are, or a path). */
export async function request(method: string, url: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<APIGatewayProxyResult> {
  const target = new URL(url, TEST_ENV.BASE_URL);
  for (const name of routeNames) {
    const route = ROUTES[name];
    const pathParameters = route.method === method ? matchRoute(name, target.pathname) : undefined;
    if (!pathParameters) continue;
    const { handler } = (await import(`../../../functions/${route.function}/handler.ts`)) as { handler: Handler };
    const query = Object.fromEntries(target.searchParams);
    const event = apiEvent({
      method,
      resource: route.path,
      path: target.pathname,
      ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
      ...(Object.keys(query).length > 0 ? { query } : {}),
      headers: options.headers ?? {},
      body: options.body ?? null,
    });
    return handler(event, lambdaContext);
  }
  throw new Error(`no route serves ${method} ${target.pathname}`);
}
