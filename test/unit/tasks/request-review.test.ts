import './task-env.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/request-review/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { anApplication, roster } from '../use-cases/fakes.ts';
import { applicationItem, captureOutput } from './task-env.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESClient);
const reviewer = roster[0]!;
const app = anApplication({ status: 'IN_REVIEW', reviewer: { name: reviewer.name, email: reviewer.email } });
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAR-secret-step-functions-token';

afterEach(() => {
  ddb.reset();
  ses.reset();
});

describe('request-review handler', () => {
  it('stores the token in a new task and emails the reviewer a link that does not carry it', async () => {
    ddb.onAnyCommand().resolves({});
    ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });
    ddb.on(QueryCommand).resolves({ Items: [] });
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });

    const { result, output } = await captureOutput(() => handler({ applicationId: app.id, taskToken: TOKEN }));

    expect(result).toMatchObject({ reminders: 0 });
    const taskId = (result as { taskId: string }).taskId;
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        ...keys.task(taskId),
        gsi1pk: `APPTASKS#${app.id}`,
        stage: 'review',
        status: 'OPEN',
        taskToken: TOKEN,
        recipients: [reviewer.email],
      }),
    });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Destination?.ToAddresses).toEqual([reviewer.email]);
    expect(input.Message?.Body?.Text?.Data).toContain(`https://fonds.example.org/tasks/${taskId}?sig=`);
    expect(JSON.stringify(input)).not.toContain(TOKEN);
    expect(output).toContain('"applicationId":"app-0001"');
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(reviewer.email);
    expect(output).not.toContain(reviewer.name);
  });

  it('on a timeout, renews the open task with the new token and reminds the reviewer with the same link', async () => {
    const task = {
      ...keys.task('task-1'),
      id: 'task-1',
      applicationId: app.id,
      stage: 'review',
      taskToken: 'old-token',
      recipients: [reviewer.email],
      status: 'OPEN',
      createdAt: '2027-04-01T00:00:00.000Z',
      expiresAt: new Date(Date.now() + 10 * 24 * 3600 * 1000).toISOString(),
      reminders: 0,
    };
    ddb.onAnyCommand().resolves({});
    ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });
    ddb.on(QueryCommand).resolves({ Items: [{ pk: task.pk, sk: task.sk }] });
    ddb.on(GetCommand, { Key: keys.task('task-1') }).resolves({ Item: task });
    ddb.on(UpdateCommand, { Key: keys.task('task-1') }).resolves({ Attributes: { ...task, taskToken: TOKEN, reminders: 1 } });
    // The first request did reach the reviewer: its sent-marker is there.
    ddb
      .on(PutCommand, { Item: keys.email('task#task-1#0#0') })
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });

    const { result } = await captureOutput(() => handler({ applicationId: app.id, taskToken: TOKEN }));

    expect(result).toEqual({ taskId: 'task-1', reminders: 1 });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: keys.task('task-1'),
      ConditionExpression: '#status = :open AND taskToken <> :token',
      ExpressionAttributeValues: expect.objectContaining({ ':token': TOKEN }),
    });
    // Same task, same link: no new task item.
    expect(ddb.commandCalls(PutCommand).filter((c) => 'taskToken' in (c.args[0].input.Item ?? {}))).toEqual([]);
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Message?.Subject?.Data).toBe('Rappel : avis d’instruction attendu — Eau potable pour la médina');
    expect(input.Message?.Body?.Text?.Data).toContain('https://fonds.example.org/tasks/task-1?sig=');
  });
});
