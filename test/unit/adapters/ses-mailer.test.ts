import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { MessageRejected, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { sesMailer } from '../../../shared/adapters/ses-mailer.ts';
import { TransientError } from '../../../shared/domain/errors.ts';

const ses = mockClient(SESClient);
afterEach(() => {
  ses.reset();
});

const message = {
  to: ['claire.martin@example.fr', 'y.alaoui@example.ma', 'claire.martin@example.fr'],
  subject: 'Candidature reçue — Fès',
  html: '<p>Bonjour</p>',
  text: 'Bonjour',
};

describe('sesMailer', () => {
  it('sends one SES v1 email, HTML and text in UTF-8, each recipient once', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await sesMailer(new SESClient({}), 'no-reply@coopfund.example.org').send(message);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      Source: 'no-reply@coopfund.example.org',
      Destination: { ToAddresses: ['claire.martin@example.fr', 'y.alaoui@example.ma'] },
      Message: {
        Subject: { Data: 'Candidature reçue — Fès', Charset: 'UTF-8' },
        Body: { Html: { Data: '<p>Bonjour</p>', Charset: 'UTF-8' }, Text: { Data: 'Bonjour', Charset: 'UTF-8' } },
      },
    });
  });

  it('throttling and a send that never answers are transient', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' }));
    await expect(sesMailer(new SESClient({}), 'a@b.fr').send(message)).rejects.toBeInstanceOf(TransientError);

    const started = Date.now();
    // A client that never answers but honours the abort signal, as the SDK's HTTP handler does.
    const hanging = sesMailer(
      {
        send: (_c: unknown, o: { abortSignal: AbortSignal }) =>
          new Promise((_, reject) => o.abortSignal.addEventListener('abort', () => reject(o.abortSignal.reason))),
      } as unknown as SESClient,
      'a@b.fr',
      50,
    ).send(message);
    await expect(hanging).rejects.toBeInstanceOf(TransientError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a rejected message is not retried as transient', async () => {
    ses.on(SendEmailCommand).rejects(new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }));
    const error = await sesMailer(new SESClient({}), 'a@b.fr')
      .send(message)
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(TransientError);
    expect((error as Error).name).toBe('MessageRejected');
  });
});
