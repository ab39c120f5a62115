import '../unit/api/env.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { closeServer } from '../../local/services.ts';
import { createFaultSwitch, type FaultRule } from '../../local/faults.ts';
import { dynamoRepository } from '../../shared/adapters/dynamodb-repository.ts';
import { apiEvent, bodyOf, lambdaContext } from '../fixtures/api-event.ts';
import { TEST_ENV } from '../unit/api/env.ts';
import { plan, record } from './support/figures.ts';
import { startCountingTable, type CountingTable, type Item } from './support/table.ts';
import { openCall, validInput } from './support/world.ts';

/**
 * Point 5 of SECURITY.md through the local stack's fault switch (local/faults.ts), at handler
 * level: the submit function, unchanged, reaches a real DynamoDB (dynalite) and a Step Functions
 * endpoint through the switch's proxies, which answer the services' own errors on the wire. The
 * AWS SDK's retries, our classification and the undo all run for real; the table is compared item
 * by item. The invariant: no application without its execution, no execution without its application.
 */
plan(['faults', 'API, fault switch']);

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const faults = createFaultSwitch();
let table: CountingTable;
let stepFunctions: Server;
let stops: Array<() => Promise<void>> = [];
let submit: Handler;
/** Executions the Step Functions stub started, by name (the application id). */
const executions = new Set<string>();
const figures: string[] = [];

beforeAll(async () => {
  table = await startCountingTable(TEST_ENV.TABLE_NAME);
  await dynamoRepository(table.doc, table.tableName).putCall(openCall());
  // Step Functions as far as submit-application needs it: StartExecution, one execution per name.
  stepFunctions = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { name?: string; stateMachineArn?: string };
      const exists = executions.has(body.name ?? '');
      executions.add(body.name ?? '');
      res.writeHead(exists ? 400 : 200, { 'Content-Type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify(
          exists
            ? { __type: 'com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists', message: 'Execution Already Exists' }
            : { executionArn: `${body.stateMachineArn}:${body.name}`, startDate: Date.now() / 1000 },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => stepFunctions.listen(0, '127.0.0.1', resolve));
  const proxies = await faults.start({
    dynamodb: table.endpoint,
    sfn: `http://127.0.0.1:${(stepFunctions.address() as AddressInfo).port}`,
    ses: 'http://127.0.0.1:9',
  });
  stops = Object.values(proxies).map((p) => () => p.stop());
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: proxies.dynamodb.url, AWS_ENDPOINT_URL_SFN: proxies.sfn.url });
  submit = (await import('../../functions/submit-application/handler.ts')).handler as Handler;
});
afterEach(() => faults.clear());
afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
  if (stepFunctions) await closeServer(stepFunctions);
  await table?.stop();
  if (figures.length > 0)
    record({
      point: 'faults',
      label: 'API, fault switch',
      counts: { 'faults injected': figures.length },
      text: figures.join('; '),
      short: '503 + Retry-After, 0 half-done',
    });
});

const post = (body: unknown, key?: string) =>
  submit(
    apiEvent({
      method: 'POST',
      resource: '/applications',
      headers: { 'Content-Type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) },
      body: JSON.stringify(body),
    }),
    lambdaContext,
  );

const applications = (items: Item[]) => items.filter((i) => i.sk === 'APP').map((i) => String(i.id));

/** Every stored application has its execution, and every execution its application. */
async function invariant(): Promise<void> {
  expect(new Set(applications(await table.scan()))).toEqual(executions);
}

function expect503(answer: APIGatewayProxyResult): void {
  expect(answer.statusCode, answer.body).toBe(503);
  expect(answer.headers?.['Retry-After']).toMatch(/^\d+$/);
  expect(bodyOf(answer)).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
}

/** Injects `rules`, posts, and checks that the answer is 503 and the table did not change. */
async function refusedWithNothingStored(rules: FaultRule[], key: string): Promise<void> {
  const before = await table.scan();
  for (const rule of rules) faults.inject(rule);
  expect503(await post(validInput(), key));
  expect(await table.scan()).toEqual(before);
  faults.clear();
  await invariant();
}

describe('POST /applications through the fault switch', { timeout: 60_000 }, () => {
  it('DynamoDB throttled for good: 503, nothing stored, no execution', async () => {
    const errors = ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'InternalServerError'];
    const before = await table.scan();
    // At once, each request meeting its own error (the rule matches its key in the request).
    for (const error of errors) faults.inject({ service: 'dynamodb', operation: 'PutItem', match: `k-${error}`, error });
    const answers = await Promise.all(errors.map((error) => post(validInput(), `k-${error}`)));
    answers.forEach(expect503);
    expect(await table.scan()).toEqual(before);
    // The SDK tried each three times (its own retries) before our 503.
    expect(faults.hits()['dynamodb:PutItem']).toBeGreaterThanOrEqual(errors.length * 3);
    await invariant();
    figures.push('DynamoDB ProvisionedThroughputExceeded/Throttling/RequestLimitExceeded/InternalServerError → 503, 0 stored');
  });

  it('DynamoDB throttled briefly: the SDK retries, the application is filed', async () => {
    faults.inject({ service: 'dynamodb', operation: 'PutItem', error: 'ProvisionedThroughputExceededException', count: 2 });
    const answer = await post(validInput(), 'k-brief');
    expect(answer.statusCode, answer.body).toBe(201);
    await invariant();
  });

  it('Step Functions unavailable: 503, the application undone; the retry with the same key files it once', async () => {
    const input = validInput();
    await refusedWithNothingStored([{ service: 'sfn', operation: 'StartExecution', error: 'ServiceUnavailable' }], 'k-sfn');
    await refusedWithNothingStored([{ service: 'sfn', operation: 'StartExecution', error: 'ThrottlingException' }], 'k-sfn');
    const retried = await post(input, 'k-sfn');
    expect(retried.statusCode, retried.body).toBe(201);
    await invariant();
    figures.push('SFN ServiceUnavailable/Throttling → 503, 0 stored, the retry files it once');
  });

  it('Step Functions down and the undo throttled: the undo retries until it holds', async () => {
    await refusedWithNothingStored(
      [
        { service: 'sfn', operation: 'StartExecution', error: 'ServiceUnavailable' },
        // More than the SDK's own three attempts: the first undo fails, the next one holds.
        { service: 'dynamodb', operation: 'DeleteItem', error: 'ProvisionedThroughputExceededException', count: 4 },
      ],
      'k-double',
    );
    figures.push('SFN down + undo throttled → 503, 0 stored');
  });

  it('both down for good: the application waits for the retry with its key, which starts its workflow', async () => {
    const input = validInput();
    faults.inject({ service: 'sfn', operation: 'StartExecution', error: 'ServiceUnavailable' });
    faults.inject({ service: 'dynamodb', operation: 'DeleteItem', error: 'ThrottlingException' });
    const first = await post(input, 'k-both');
    expect503(first);
    faults.clear();
    const retried = await post(input, 'k-both');
    expect(retried.statusCode, retried.body).toBe(201);
    await invariant();
    figures.push('both down → 503, healed by the retry with the same key; invariant app ⇔ execution holds');
  });
});
