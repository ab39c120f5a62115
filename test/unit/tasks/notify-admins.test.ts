import './task-env.ts';
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/notify-admins/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { ADMIN, anApplication } from '../use-cases/fakes.ts';
import { applicationItem, captureOutput } from './task-env.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESClient);

afterEach(() => {
  ddb.reset();
  ses.reset();
});

describe('notify-admins handler', () => {
  it('emails the admins the failed application, its call and the error name', async () => {
    const app = anApplication({ status: 'ERROR' });
    ddb.onAnyCommand().resolves({});
    ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });
    ddb.on(QueryCommand).resolves({ Items: [{ ...keys.event(app.id, '2027-04-02T08:00:00.000Z', 2), at: 'x', status: 'ERROR', actor: 'workflow' }] });
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });

    const { result } = await captureOutput(() =>
      handler({ applicationId: app.id, error: { Error: 'NoReviewerAvailableError', Cause: '{"errorMessage":"no reviewer"}' } }),
    );

    expect(result).toEqual({ sent: true });
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Destination?.ToAddresses).toEqual([ADMIN]);
    expect(input.Message?.Subject?.Data).toBe('Échec du traitement — dossier app-0001');
    expect(input.Message?.Body?.Text?.Data).toContain('NoReviewerAvailableError');
    expect(input.Message?.Body?.Text?.Data).toContain('2027-T1');
  });

  it('still alerts when the catch handed it no error object', async () => {
    ddb.onAnyCommand().resolves({});
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const { result } = await captureOutput(() => handler({ applicationId: 'ghost', error: 'odd' }));
    expect(result).toEqual({ sent: true });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
  });
});
