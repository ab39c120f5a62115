import './env.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { handler as decide } from '../../../functions/decide-task/handler.ts';
import { handler as submitHandler } from '../../../functions/submit-application/handler.ts';
import { memoryMetrics } from '../../../shared/adapters/memory-metrics.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { CallClosedError } from '../../../shared/domain/errors.ts';
import { apiHandler, httpHandler } from '../../../shared/http/api-handler.ts';
import { json } from '../../../shared/http/responses.ts';
import { flatten } from '../../../shared/pages/fields.ts';
import { apiEvent, lambdaContext } from '../../fixtures/api-event.ts';
import { captureOutput } from '../../fixtures/capture-output.ts';
import { emfMetricsIn, emfSum } from '../../fixtures/emf.ts';
import { applicationItem, callItem, sigFor, taskItem } from './items.ts';
import { NOW, sampleApplication, sampleCall, sampleInput, sampleTask } from './samples.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const SERVICE = { service: 'coopfund' };

/** Runs a request; what it answered, and the metrics its EMF lines carry (namespace coopfund/test). */
async function measured(run: () => Promise<{ statusCode: number }>) {
  const { result, output } = await captureOutput(run);
  const metrics = emfMetricsIn(output);
  for (const m of metrics) expect(m).toMatchObject({ namespace: 'coopfund/test', unit: 'Count' });
  return { status: result?.statusCode, submitted: emfSum(metrics, 'ApplicationsSubmitted', SERVICE), metrics };
}

const submit = (body: unknown, headers: Record<string, string> = {}) =>
  measured(() =>
    submitHandler(
      apiEvent({ method: 'POST', resource: '/applications', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) }),
      lambdaContext,
    ),
  );

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: keys.call('2027-T1') }).resolves({ Item: callItem(sampleCall()) });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: NOW });
  sfn.on(SendTaskSuccessCommand).resolves({});
});
afterEach(() => {
  ddb.reset();
  sfn.reset();
  vi.useRealTimers();
});

describe('POST /applications counts what it stored', () => {
  it('an application stored and started: ApplicationsSubmitted 1, published with the answer', async () => {
    expect(await submit(sampleInput())).toMatchObject({ status: 201, submitted: 1 });
  });

  it('a refused body: nothing stored, nothing counted', async () => {
    const { status, metrics } = await submit({ ...sampleInput(), status: 'APPROVED' });
    expect(status).toBe(400);
    expect(metrics).toEqual([]);
  });

  it('a submission undone because its workflow could not start counts nothing (503, the retry will count)', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => ({
      Items: [{ pk: input.ExpressionAttributeValues[':pk'] ?? '', sk: 'APP' }],
    }));
    ddb.on(DeleteCommand).resolves({});
    expect(await submit(sampleInput(), { 'Idempotency-Key': 'key-undo' })).toMatchObject({ status: 503, submitted: 0 });
  });
});

describe('POST /tasks/{taskId} counts the status it wrote', () => {
  it('a resubmission moves the application back to SUBMITTED: ApplicationsSubmitted 1', async () => {
    const task = sampleTask({ id: 'task-resub', stage: 'resubmission', recipients: ['claire.martin@example.fr'] });
    const changes = sampleApplication({ status: 'CHANGES_REQUESTED' });
    ddb.on(GetCommand, { Key: keys.task(task.id) }).resolves({ Item: taskItem(task) });
    ddb.on(GetCommand, { Key: keys.application(changes.id) }).resolves({ Item: applicationItem(changes) });
    ddb.on(UpdateCommand).callsFake((input: { Key: { pk: string } }) =>
      input.Key.pk.startsWith('APP#')
        ? {
            Attributes: {
              ...applicationItem({ ...changes, status: 'SUBMITTED' }),
              seq: 2,
              lastEvent: { at: NOW.toISOString(), status: 'SUBMITTED', actor: 'applicant' },
            },
          }
        : {},
    );
    const input = sampleInput();
    const fields = {
      ...flatten({ project: input.project, leadAuthority: input.leadAuthority, partnerAuthority: input.partnerAuthority, budget: input.budget }),
      sig: await sigFor(task),
    };
    const result = await measured(() =>
      decide(
        apiEvent({
          method: 'POST',
          resource: '/tasks/{taskId}',
          pathParameters: { taskId: task.id },
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields).toString(),
        }),
        lambdaContext,
      ),
    );
    expect(result).toMatchObject({ status: 200, submitted: 1 });
    expect(result.metrics.map((m) => m.name)).toEqual(['ApplicationsSubmitted']);
  });
});

describe('the metrics middleware', () => {
  it("publishes what the request counted once its answer is final, an error's answer too", async () => {
    const metrics = memoryMetrics();
    const counting = (fail: boolean) =>
      httpHandler({ metrics }, async () => {
        metrics.count('ApplicationsSubmitted');
        if (fail) throw new CallClosedError('closed');
        return json(201, {});
      });
    expect((await counting(false)(apiEvent({ method: 'POST', resource: '/applications' }), lambdaContext)).statusCode).toBe(201);
    expect((await counting(true)(apiEvent({ method: 'POST', resource: '/applications' }), lambdaContext)).statusCode).toBe(409);
    expect(metrics.total('ApplicationsSubmitted')).toBe(2);
    expect(metrics.pending).toEqual([]);
  });

  it('is required of the API functions that declare the metrics port, and refused to the others', () => {
    const ok = async () => json(200, {});
    // @ts-expect-error: submit-application declares the metrics port, so it must publish them
    expect(apiHandler('submit-application', {}, ok)).toBeTypeOf('function');
    // @ts-expect-error: list-calls does not declare it
    expect(apiHandler('list-calls', { metrics: memoryMetrics() }, ok)).toBeTypeOf('function');
  });
});
