import './task-env.ts';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/award-grant/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { anApplication } from '../use-cases/fakes.ts';
import { applicationItem, callItem, captureOutput } from './task-env.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const app = anApplication({ status: 'IN_COMMITTEE' });
// As the Committee of an execution started before the two envelopes collects them: one amount in
// euros each (France grants the lower one). The second as an execution started before the workflow
// stopped carrying comments would still send it: accepted, the comment dropped.
const decisions = [
  { decision: 'approve', grantedAmount: 45_000 },
  { decision: 'approve', grantedAmount: 40_000, comment: 'Montant ajusté.' },
];

afterEach(() => {
  ddb.reset();
});

describe('award-grant handler', () => {
  it('reserves the lower amount in the envelope, then approves', async () => {
    ddb.onAnyCommand().resolves({});
    ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });
    ddb.on(GetCommand, { Key: keys.call(app.callId) }).resolves({ Item: callItem(100_000) });

    const { result } = await captureOutput(() => handler({ applicationId: app.id, decisions }));

    expect(result).toEqual({ status: 'APPROVED', grantedFR: 40_000 });
    expect(ddb).toHaveReceivedNthCommandWith(UpdateCommand, 1, {
      Key: keys.call(app.callId),
      UpdateExpression: 'ADD #committed :amount, #awarded :ids',
      ExpressionAttributeValues: expect.objectContaining({ ':amount': 40_000, ':bound': 160_000, ':id': app.id }),
    });
    expect(ddb).toHaveReceivedNthCommandWith(UpdateCommand, 2, {
      Key: keys.application(app.id),
      ExpressionAttributeValues: expect.objectContaining({ ':to': 'APPROVED', ':s0': 'IN_COMMITTEE' }),
    });
  });

  it('rejects without reserving when the envelope cannot take it', async () => {
    ddb.onAnyCommand().resolves({});
    ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });
    ddb.on(GetCommand, { Key: keys.call(app.callId) }).resolves({ Item: callItem(190_000, ['other']) });

    const { result } = await captureOutput(() => handler({ applicationId: app.id, decisions }));

    expect(result).toEqual({ status: 'REJECTED', reason: 'Enveloppe de l’appel épuisée' });
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: keys.application(app.id),
      ExpressionAttributeValues: expect.objectContaining({ ':to': 'REJECTED' }),
    });
  });
});
