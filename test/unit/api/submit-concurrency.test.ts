import './env.ts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand, type StartExecutionCommandInput } from '@aws-sdk/client-sfn';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { dynamoRepository } from '../../../shared/adapters/dynamodb-repository.ts';
import type { Repository } from '../../../shared/ports/index.ts';
import { apiEvent, bodyOf, lambdaContext } from '../../fixtures/api-event.ts';
import { startDynaliteTable, type DynaliteTable } from '../../fixtures/dynalite-table.ts';
import { TEST_ENV } from './env.ts';
import { NOW, sampleCall, sampleInput } from './samples.ts';

/**
 * The submit function end to end over a real (embedded) DynamoDB, with Step Functions faked as it
 * behaves: one execution per name.
 */
const sfn = mockClient(SFNClient);
let table: DynaliteTable;
let repo: Repository;
let handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
let executions: Set<string>;

beforeAll(async () => {
  table = await startDynaliteTable(TEST_ENV.TABLE_NAME);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = table.endpoint;
  repo = dynamoRepository(table.doc, table.tableName);
  await repo.putCall(sampleCall());
  ({ handler } = await import('../../../functions/submit-application/handler.ts'));
});
afterAll(async () => {
  await table.stop();
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  executions = new Set();
  sfn.on(StartExecutionCommand).callsFake(async (input: StartExecutionCommandInput) => {
    const name = input.name ?? '';
    if (executions.has(name)) throw new ExecutionAlreadyExists({ message: `Execution already exists: ${name}`, $metadata: {} });
    executions.add(name);
    return { executionArn: `${input.stateMachineArn}:${name}`, startDate: new Date() };
  });
});
afterEach(() => {
  sfn.reset();
  vi.useRealTimers();
});

const submit = (body: unknown, key: string) =>
  handler(
    apiEvent({
      method: 'POST',
      resource: '/applications',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(body),
    }),
    lambdaContext,
  );

async function submittedIds(): Promise<string[]> {
  const out = await table.doc.send(
    new QueryCommand({
      TableName: table.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'CALL#2027-T1#STATUS#SUBMITTED' },
    }),
  );
  return (out.Items ?? []).map((i) => i.id as string);
}

describe('POST /applications, concurrently, with one Idempotency-Key', () => {
  it('50 identical submissions: one application, one execution, the same id for every caller', async () => {
    const before = await submittedIds();
    const body = sampleInput({ project: { ...sampleInput().project, title: 'Cinquante fois le même dossier' } });
    const answers = await Promise.all(Array.from({ length: 50 }, () => submit(body, 'same-key-50')));

    expect(answers.map((a) => a.statusCode)).toEqual(Array(50).fill(201));
    const ids = new Set(answers.map((a) => (bodyOf(a) as { id: string }).id));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as [string];
    expect([...executions]).toEqual([id]);
    const created = (await submittedIds()).filter((x) => !before.includes(x));
    expect(created).toEqual([id]);
    expect(await repo.getHistory(id)).toHaveLength(1);

    // Later, the same key with another body is refused.
    const other = await submit({ ...body, budget: { totalCost: 120_000, requestedAmount: 60_000 } }, 'same-key-50');
    expect(other.statusCode).toBe(422);
  });

  it('a workflow that could not start leaves nothing behind; the retry with the same key succeeds', async () => {
    const before = await submittedIds();
    sfn.reset();
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(Object.assign(new Error('unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }))
      .resolves({ executionArn: 'arn:exec', startDate: new Date() });
    const body = sampleInput({ project: { ...sampleInput().project, title: 'Réessayé' } });

    const failed = await submit(body, 'retry-key');
    expect(failed.statusCode).toBe(503);
    expect(failed.headers?.['Retry-After']).toBeDefined();
    expect((await submittedIds()).filter((x) => !before.includes(x))).toEqual([]);

    const retried = await submit(body, 'retry-key');
    expect(retried.statusCode).toBe(201);
    const { id } = bodyOf(retried) as { id: string };
    expect((await submittedIds()).filter((x) => !before.includes(x))).toEqual([id]);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { name: id });
  });
});
