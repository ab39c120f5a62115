import './task-env.ts';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/check-eligibility/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { anApplication } from '../use-cases/fakes.ts';
import { applicationItem, callItem, TABLE } from './task-env.ts';

const ddb = mockClient(DynamoDBDocumentClient);

afterEach(() => {
  ddb.reset();
});

describe('check-eligibility handler', () => {
  it('records INELIGIBLE by a conditional write from SUBMITTED, and returns the codes of the failed rules', async () => {
    const app = anApplication({ project: { ...anApplication().project, durationMonths: 60 } });
    ddb.onAnyCommand().resolves({});
    ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });
    ddb.on(GetCommand, { Key: keys.call(app.callId) }).resolves({ Item: callItem() });

    const out = await handler({ applicationId: app.id, somethingElseInTheState: true });

    expect(out.eligible).toBe(false);
    expect(out.failedRules).toEqual(['duration']);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TABLE,
      Key: keys.application(app.id),
      ConditionExpression: '#status IN (:s0)',
      ExpressionAttributeValues: expect.objectContaining({ ':s0': 'SUBMITTED', ':to': 'INELIGIBLE' }),
    });
  });

  it('refuses a malformed event before touching the table', async () => {
    await expect(handler({ applicationId: '' })).rejects.toMatchObject({ name: 'ValidationError' });
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
