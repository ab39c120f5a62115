import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { TransientError } from '../domain/errors.ts';
import type { Mailer } from '../ports/index.ts';
import { isTransient } from './aws-errors.ts';

/** SES must answer within this; an unanswered call (a local emulator, a stuck socket) is transient. */
const SEND_TIMEOUT_MS = 5_000;

/** The Mailer over SES v1 SendEmail: one message, HTML and text, UTF-8. */
export function sesMailer(ses: SESClient, sender: string, timeoutMs = SEND_TIMEOUT_MS): Mailer {
  return {
    async send(message) {
      if (message.to.length === 0) throw new Error('an email needs at least one recipient');
      const command = new SendEmailCommand({
        Source: sender,
        Destination: { ToAddresses: [...new Set(message.to)] },
        Message: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: {
            Html: { Data: message.html, Charset: 'UTF-8' },
            Text: { Data: message.text, Charset: 'UTF-8' },
          },
        },
      });
      try {
        await ses.send(command, { abortSignal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        // MessageRejected, a bad address, an unverified sender: retrying cannot help.
        if (isTransient(error)) throw Object.assign(new TransientError('SES unavailable'), { cause: error });
        throw error;
      }
    },
  };
}
