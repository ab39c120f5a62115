import '../unit/api/env.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mockClient } from 'aws-sdk-client-mock';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { dynamoRepository } from '../../shared/adapters/dynamodb-repository.ts';
import { hmacSigner } from '../../shared/links/signing.ts';
import { apiEvent, lambdaContext } from '../fixtures/api-event.ts';
import { TEST_ENV } from '../unit/api/env.ts';
import { problemsWith } from './support/answers.ts';
import { pathOf } from './support/http.ts';
import { n, plan, record } from './support/figures.ts';
import { decideRequests, type HostileRequest, readRequests, type Route, showTaskRequests, submitRequests, trackRequests } from './support/hostile.ts';
import { startCountingTable, type CountingTable } from './support/table.ts';
import { seedWorld, type World } from './support/world.ts';

/**
 * Point 1 of SECURITY.md, at handler level: the seven API functions, unchanged, against a real
 * DynamoDB (dynalite, counting every request on the wire), with Step Functions and SES mocked to
 * count what reaches them. fast-check generates well over 1,000 malformed requests across every
 * endpoint; each must be refused with a structured 4xx (never a 5xx), and none may write,
 * start or resume a workflow, or send an email.
 */
plan(['hostile', 'handler level']);

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const sfn = mockClient(SFNClient);
const ses = mockClient(SESClient);
let table: CountingTable;
let world: World;
const handlers = {} as Record<Route, Handler>;
const tried = new Map<Route, number>();
const statuses = new Map<number, number>();
let fiveHundreds = 0;

/** Runs per endpoint: more where the attack surface is larger. Total ≥ 1,000. */
const RUNS: Record<Route, number> = {
  submit: 420,
  decide: 220,
  track: 160,
  'show-task': 130,
  'head-task': 60,
  calls: 50,
  health: 50,
  form: 60,
};

beforeAll(async () => {
  table = await startCountingTable(TEST_ENV.TABLE_NAME);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = table.endpoint;
  const repository = dynamoRepository(table.doc, table.tableName);
  world = await seedWorld(
    repository,
    hmacSigner(async () => TEST_ENV.SIGNING_SECRET),
  );
  const load = async (name: string) => ((await import(`../../functions/${name}/handler.ts`)) as { handler: Handler }).handler;
  handlers.health = await load('health');
  handlers.calls = await load('list-calls');
  handlers.form = await load('show-form');
  handlers.submit = await load('submit-application');
  handlers.track = await load('track-application');
  handlers['show-task'] = await load('show-task');
  handlers['head-task'] = handlers['show-task'];
  handlers.decide = await load('decide-task');
  table.resetCounts();
});

afterAll(async () => {
  sfn.reset();
  ses.reset();
  await table?.stop();
});

async function send(request: HostileRequest): Promise<void> {
  const event = apiEvent({
    method: request.method,
    resource: request.resource,
    path: pathOf(request),
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    ...(request.query && Object.keys(request.query).length > 0 ? { query: request.query } : {}),
    headers: request.headers,
    body: request.body,
    isBase64Encoded: request.isBase64Encoded,
  });
  const result = await handlers[request.route](event, lambdaContext);
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
  const answer = { status: result.statusCode, headers, body: result.body ?? '' };
  tried.set(request.route, (tried.get(request.route) ?? 0) + 1);
  statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  if (answer.status >= 500) fiveHundreds += 1;
  const problems = problemsWith(request, answer);
  expect(problems, `${request.method} ${request.resource} (${request.kind}) → ${answer.status}: ${answer.body.slice(0, 300)}`).toEqual([]);
}

const property = (arbitrary: fc.Arbitrary<HostileRequest>, numRuns: number) => fc.assert(fc.asyncProperty(arbitrary, send), { numRuns, endOnFailure: true });

describe('hostile input, at handler level (real handlers, real DynamoDB)', { timeout: 120_000 }, () => {
  it(`POST /applications: ${RUNS.submit} malformed bodies, encodings, content types, forged fields`, async () => {
    await property(submitRequests(world.targets), RUNS.submit);
  });

  it(`POST /tasks/{taskId}: ${RUNS.decide} forged decisions`, async () => {
    await property(decideRequests(world.targets), RUNS.decide);
  });

  it(`GET /applications/{id}: ${RUNS.track} wrong ids and tokens`, async () => {
    await property(trackRequests(world.targets), RUNS.track);
  });

  it(`GET and HEAD /tasks/{taskId}: ${RUNS['show-task'] + RUNS['head-task']} tampered, truncated, expired links`, async () => {
    await property(showTaskRequests(world.targets, 'GET'), RUNS['show-task']);
    await property(showTaskRequests(world.targets, 'HEAD'), RUNS['head-task']);
  });

  it(`GET /health, GET /calls, GET /: ${RUNS.health + RUNS.calls + RUNS.form} odd reads`, async () => {
    await property(readRequests('health'), RUNS.health);
    await property(readRequests('calls'), RUNS.calls);
    await property(readRequests('form'), RUNS.form);
  });

  it('wrote nothing, started or resumed no workflow and sent no email', () => {
    const total = [...tried.values()].reduce((a, b) => a + b, 0);
    const writes = table.writeAttempts();
    const executions = sfn.commandCalls(StartExecutionCommand).length;
    const decisions = sfn.commandCalls(SendTaskSuccessCommand).length;
    const emails = ses.commandCalls(SendEmailCommand).length;
    expect(total).toBeGreaterThanOrEqual(1_000);
    expect({ fiveHundreds, writes, executions, decisions, emails }).toEqual({ fiveHundreds: 0, writes: 0, executions: 0, decisions: 0, emails: 0 });
    const byStatus = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, c]) => `${s}×${c}`)
      .join(' ');
    record({
      point: 'hostile',
      label: 'handler level',
      counts: { tried: total, '5xx': fiveHundreds, writes, executions: executions + decisions, emails },
      text: `${n(total)} tried, ${fiveHundreds} 5xx, ${writes} writes, ${executions + decisions} executions/decisions, ${emails} emails (${byStatus})`,
    });
  });

  it('odd but valid text (lone surrogates, NUL, bidi overrides, emoji) is filed as sent or refused, never a 5xx', async () => {
    sfn.on(StartExecutionCommand).callsFake(async (input: { name?: string }) => ({ executionArn: `arn:exec:${input.name}`, startDate: new Date() }));
    const odd = ['\ud800', 'a\u0000b', '\u202eevil\u202c', '😀'.repeat(60), '\u200b', 'x\r\ny'];
    for (const text of odd) {
      const body = { ...world.targets.validBody, project: { ...(world.targets.validBody.project as object), title: text } };
      const result = await handlers.submit(
        apiEvent({ method: 'POST', resource: '/applications', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
        lambdaContext,
      );
      expect(result.statusCode, JSON.stringify(text)).toBeLessThan(500);
      if (result.statusCode === 201) {
        const { id } = JSON.parse(result.body) as { id: string };
        const stored = await dynamoRepository(table.doc, table.tableName).getApplication(id);
        expect(stored?.project.title, JSON.stringify(text)).toBe(text.trim());
      }
    }
  });
});
