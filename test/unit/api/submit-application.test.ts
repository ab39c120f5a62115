import './env.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { handler } from '../../../functions/submit-application/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { apiEvent, bodyOf, lambdaContext } from '../../fixtures/api-event.ts';
import { TEST_ENV } from './env.ts';
import { callItem, tokenFor } from './items.ts';
import { NOW, sampleCall, sampleInput } from './samples.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

const submit = (body: unknown, headers: Record<string, string> = {}, query?: Record<string, string>) =>
  handler(
    apiEvent({
      method: 'POST',
      resource: '/applications',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...(query ? { query } : {}),
    }),
    lambdaContext,
  );

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const expectNoWrite = () => {
  expect(ddb).not.toHaveReceivedCommand(PutCommand);
  expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: keys.call('2027-T1') }).resolves({ Item: callItem(sampleCall()) });
  ddb.on(PutCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: NOW });
});
afterEach(() => {
  ddb.reset();
  sfn.reset();
  vi.useRealTimers();
});

describe('POST /applications', () => {
  it('stores the application, starts its workflow named after its id, answers 201 with a tracking URL', async () => {
    const res = await submit(sampleInput());
    expect(res.statusCode).toBe(201);
    const body = bodyOf(res) as { id: string; status: string; trackingUrl: string };
    expect(body.status).toBe('SUBMITTED');
    expect(body.trackingUrl).toBe(`${TEST_ENV.BASE_URL}/applications/${body.id}?token=${await tokenFor(body.id)}`);

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        ...keys.application(body.id),
        id: body.id,
        status: 'SUBMITTED',
        language: 'fr',
        createdAt: NOW.toISOString(),
        gsi1pk: 'CALL#2027-T1#STATUS#SUBMITTED',
        budget: { totalCost: 120_000, requestedAmount: 50_000 },
      }),
    });
    // The first history event, by the applicant.
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: `APP#${body.id}`, status: 'SUBMITTED', actor: 'applicant', at: NOW.toISOString() }),
    });
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: TEST_ENV.STATE_MACHINE_ARN,
      name: body.id,
      input: JSON.stringify({ applicationId: body.id }),
    });
    expect(res.headers?.['X-Content-Type-Options']).toBe('nosniff');
  });

  it('records the applicants’ language from ?lang= or Accept-Language', async () => {
    await submit(sampleInput(), { 'Accept-Language': 'ar-MA,ar;q=0.9,fr;q=0.8' });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ status: 'SUBMITTED', language: 'ar', sk: 'APP' }) });
    ddb.resetHistory();
    await submit(sampleInput(), { 'Accept-Language': 'ar' }, { lang: 'en' });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ language: 'en', sk: 'APP' }) });
  });

  it('refuses an unknown field such as status with 400 naming it, and writes nothing', async () => {
    const res = await submit({ ...sampleInput(), status: 'APPROVED' });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res)).toMatchObject({ error: 'VALIDATION_FAILED', issues: [{ path: 'status', message: 'champ inconnu' }] });
    expectNoWrite();
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });

  it('lists every invalid field with its dotted path', async () => {
    const input = sampleInput();
    const res = await submit({
      ...input,
      leadAuthority: { ...input.leadAuthority, contact: { ...input.leadAuthority.contact, email: 'pas-une-adresse' } },
      budget: { totalCost: 10_000, requestedAmount: 50_000 },
    });
    expect(res.statusCode).toBe(400);
    const paths = (bodyOf(res) as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['leadAuthority.contact.email', 'budget.requestedAmount']));
    expectNoWrite();
  });

  it('an unknown call is 404, a closed one 409, and nothing is stored', async () => {
    const unknown = await submit({ ...sampleInput(), callId: '2031-T9' });
    expect(unknown.statusCode).toBe(404);
    expect(bodyOf(unknown)).toMatchObject({ error: 'CALL_NOT_FOUND' });
    vi.setSystemTime(new Date('2027-04-01T00:00:00Z'));
    const closed = await submit(sampleInput());
    expect(closed.statusCode).toBe(409);
    expect(bodyOf(closed)).toMatchObject({ error: 'CALL_CLOSED' });
    expectNoWrite();
  });

  it('413 over 64 KiB, 415 when not JSON, 400 on malformed JSON: nothing read or written', async () => {
    const big = await submit({ ...sampleInput(), padding: 'x'.repeat(70_000) });
    expect(big.statusCode).toBe(413);
    const text = await submit(JSON.stringify(sampleInput()), { 'Content-Type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    const broken = await submit('{"callId": "2027-T1",');
    expect(broken.statusCode).toBe(400);
    expect(bodyOf(broken)).toMatchObject({ error: 'MALFORMED_BODY' });
    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('a malformed Idempotency-Key is a 400', async () => {
    const res = await submit(sampleInput(), { 'Idempotency-Key': 'spaces are not allowed' });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res)).toMatchObject({ issues: [{ path: 'Idempotency-Key' }] });
    expectNoWrite();
  });

  it('the same Idempotency-Key with another body is a 422, and nothing is created', async () => {
    ddb.on(PutCommand).callsFake((input: { Item: { pk: string } }) => {
      if (input.Item.pk === keys.idempotency('key-1').pk) throw conditionFailed();
      return {};
    });
    ddb.on(GetCommand, { Key: keys.idempotency('key-1') }).resolves({ Item: { bodyHash: 'f'.repeat(64), applicationId: 'first-app' } });
    const res = await submit(sampleInput(), { 'idempotency-key': 'key-1' });
    expect(res.statusCode).toBe(422);
    expect(bodyOf(res)).toMatchObject({ error: 'IDEMPOTENCY_KEY_REUSED' });
    expect(ddb).not.toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ sk: 'APP' }) });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('when the workflow cannot start: the application is deleted, the key freed, 503 with Retry-After', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => {
      const pk = input.ExpressionAttributeValues[':pk'] ?? '';
      return { Items: [{ pk, sk: 'APP' }, { pk, sk: `EVENT#${NOW.toISOString()}#001` }] };
    });
    ddb.on(DeleteCommand).resolves({});
    const res = await submit(sampleInput(), { 'Idempotency-Key': 'key-2' });
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBeDefined();
    const created = ddb.commandCalls(PutCommand).find((c) => c.args[0].input.Item?.sk === 'APP');
    const id = created?.args[0].input.Item?.id as string;
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: keys.application(id) });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: `APP#${id}`, sk: `EVENT#${NOW.toISOString()}#001` } });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: keys.idempotency('key-2') });
  });

  it('DynamoDB throttling is a 503, never a 500', async () => {
    ddb.on(GetCommand, { Key: keys.call('2027-T1') }).rejects(
      Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException', $metadata: {} }),
    );
    const res = await submit(sampleInput());
    expect(res.statusCode).toBe(503);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
