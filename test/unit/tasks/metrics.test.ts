import './task-env.ts';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { handler as awardGrant } from '../../../functions/award-grant/handler.ts';
import { handler as recordOutcome } from '../../../functions/record-outcome/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { emfMetricsIn, emfSum } from '../../fixtures/emf.ts';
import { anApplication } from '../use-cases/fakes.ts';
import { applicationItem, callItem, captureOutput } from './task-env.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const SERVICE = { service: 'coopfund' };
const app = anApplication({ status: 'IN_COMMITTEE' });
const decisions = [
  { decision: 'approve', grantedAmount: 45_000, comment: '' },
  { decision: 'approve', grantedAmount: 40_000, comment: '' },
];

afterEach(() => {
  ddb.reset();
});

/** One invocation: its outcome and the metrics of its EMF lines (namespace coopfund/test). */
async function invoke(handler: (event: unknown) => Promise<unknown>, event: unknown) {
  const { error, output } = await captureOutput(() => handler(event));
  const metrics = emfMetricsIn(output);
  for (const m of metrics) expect(m).toMatchObject({ namespace: 'coopfund/test', unit: 'Count' });
  return { error, metrics, sum: (name: string, dimensions: Record<string, string> = SERVICE) => emfSum(metrics, name, dimensions) };
}

describe('a task counts its outcome by task name, and the statuses it wrote', () => {
  it('AwardGrant approves: ApplicationsApproved 1 and TaskSucceeded 1 for award-grant', async () => {
    ddb.onAnyCommand().resolves({});
    ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });
    ddb.on(GetCommand, { Key: keys.call(app.callId) }).resolves({ Item: callItem(0) });

    const run = await invoke(awardGrant, { applicationId: app.id, decisions });

    expect(run.error).toBeUndefined();
    expect(run.sum('ApplicationsApproved')).toBe(1);
    expect(run.sum('TaskSucceeded', { ...SERVICE, task: 'award-grant' })).toBe(1);
    expect(run.metrics.map((m) => m.name).sort()).toEqual(['ApplicationsApproved', 'TaskSucceeded']);
  });

  it('RecordError records ERROR: ApplicationsError 1, what the ApplicationsInError alarm reads', async () => {
    ddb.onAnyCommand().resolves({});
    ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });

    const run = await invoke(recordOutcome, { applicationId: app.id, status: 'ERROR', error: { Error: 'TransientError' } });

    expect(run.error).toBeUndefined();
    expect(run.sum('ApplicationsError')).toBe(1);
    expect(run.sum('TaskSucceeded', { ...SERVICE, task: 'record-outcome' })).toBe(1);
  });

  it('a task that throws: TaskFailed 1 for its name, no status counted, the error passed on', async () => {
    ddb
      .onAnyCommand()
      .rejects(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException', $metadata: {} }));

    const run = await invoke(awardGrant, { applicationId: app.id, decisions });

    expect((run.error as Error).name).toBe('TransientError');
    expect(run.metrics.map((m) => [m.name, m.dimensions])).toEqual([['TaskFailed', { ...SERVICE, task: 'award-grant' }]]);
  });

  it('a malformed event fails the task, and counts as such', async () => {
    const run = await invoke(awardGrant, { decisions });
    expect((run.error as Error).name).toBe('ValidationError');
    expect(run.sum('TaskFailed', { ...SERVICE, task: 'award-grant' })).toBe(1);
    expect(run.sum('TaskSucceeded', { ...SERVICE, task: 'award-grant' })).toBe(0);
  });
});
