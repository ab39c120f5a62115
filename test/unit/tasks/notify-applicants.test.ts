import './task-env.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/notify-applicants/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { anApplication, LEAD, PARTNER } from '../use-cases/fakes.ts';
import { applicationItem, captureOutput } from './task-env.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESClient);
const app = anApplication({ project: { ...anApplication().project, title: '<script>alert(1)</script>' } });

beforeEach(() => {
  ddb.onAnyCommand().resolves({});
  ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  ddb.reset();
  ses.reset();
});

describe('notify-applicants handler', () => {
  it('marks the email, then sends one SES email to both contacts with the tracking link', async () => {
    const { result, output } = await captureOutput(() => handler({ applicationId: app.id, template: 'received' }));

    expect(result).toEqual({ sent: true });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining(keys.email(`${app.id}#received`)),
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Source).toBe('no-reply@fonds.example.org');
    expect(input.Destination?.ToAddresses).toEqual([LEAD, PARTNER]);
    expect(input.Message?.Subject?.Data).toBe('Dossier reçu — <script>alert(1)</script>');
    expect(input.Message?.Body?.Html?.Data).toContain('&lt;script&gt;');
    expect(input.Message?.Body?.Html?.Data).not.toContain('<script>');
    expect(input.Message?.Body?.Text?.Data).toMatch(/https:\/\/fonds\.example\.org\/applications\/app-0001\?token=[\w-]{32}/);
    // The log line says what happened to which application, and nothing about the people.
    expect(output).toContain('"applicationId":"app-0001"');
    expect(output).not.toContain(LEAD);
    expect(output).not.toContain('token=');
  });

  it('sends nothing when the email was already sent (a retried task)', async () => {
    ddb
      .on(PutCommand, { Item: keys.email(`${app.id}#received`) })
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    expect(await handler({ applicationId: app.id, template: 'received' })).toEqual({ sent: false });
    expect(ses).not.toHaveReceivedCommand(SendEmailCommand);
  });

  it('forgets the mark when SES is throttled, so the state machine’s retry sends it', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));

    const { error } = await captureOutput(() => handler({ applicationId: app.id, template: 'received' }));

    expect(error).toMatchObject({ name: 'TransientError' });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: keys.email(`${app.id}#received`) });
  });

  it('fails with SES’s error name but without the address its message quotes (the execution history keeps it)', async () => {
    const rejected = Object.assign(new Error(`Email address is not verified. The following identities failed the check: ${LEAD}`), {
      name: 'MessageRejected',
      $metadata: { httpStatusCode: 400, requestId: 'a1b2c3d4-0000-4000-8000-000000000001' },
    });
    ses.on(SendEmailCommand).rejects(rejected);

    const { error } = await captureOutput(() => handler({ applicationId: app.id, template: 'received' }));

    // What Lambda reports to Step Functions: the name (Catch matches it), the message, the stack.
    const reported = error as Error;
    expect(reported.name).toBe('MessageRejected');
    expect(reported.message).toContain('HTTP 400');
    expect(reported.message).toContain('a1b2c3d4-0000-4000-8000-000000000001');
    expect(`${reported.message}\n${reported.stack}`).not.toContain(LEAD);
    expect(reported.stack).toMatch(/^MessageRejected: message withheld/);
  });
});
