import { describe, expect, it } from 'vitest';
import { InvalidTransitionError, NotFoundError, TransientError } from '../../../shared/domain/errors.ts';
import { scrubTaskError } from '../../../shared/workflow/task-error.ts';

const ADDRESS = 'nadia.benjelloun@tanger.example.ma';

/** Everything Lambda reports of an error to Step Functions, as one string. */
const reported = (e: Error) => `${e.name}\n${e.message}\n${e.stack ?? ''}`;

describe('scrubTaskError', () => {
  it('keeps a dependency’s error name and what identifies it, and withholds its message', () => {
    const sdk = Object.assign(new Error(`Email address is not verified: ${ADDRESS}`), {
      name: 'MessageRejected',
      code: 'MessageRejected',
      $metadata: { httpStatusCode: 400, requestId: 'req-42' },
    });

    const scrubbed = scrubTaskError(sdk);

    expect(scrubbed.name).toBe('MessageRejected');
    expect(scrubbed.message).toBe('message withheld: it may quote personal data (HTTP 400, request req-42)');
    expect(reported(scrubbed)).not.toContain(ADDRESS);
    // The frames say where it failed: functions and files, no data.
    expect(scrubbed.stack?.split('\n').slice(1)).toEqual(sdk.stack?.split('\n').filter((l) => /^\s+at /.test(l)));
  });

  it('names a network error by its code', () => {
    const e = Object.assign(new Error(`connect ECONNREFUSED for ${ADDRESS}`), { code: 'ECONNREFUSED' });
    expect(scrubTaskError(e).message).toBe('message withheld: it may quote personal data (code ECONNREFUSED)');
  });

  it('keeps our own errors as they are: their messages name ids and statuses', () => {
    const ours = new InvalidTransitionError('application app-1: IN_REVIEW → APPROVED is not allowed');
    expect(scrubTaskError(ours)).toBe(ours);
    const transient = new TransientError('SES unavailable');
    expect(scrubTaskError(transient)).toBe(transient);
  });

  it('masks an address in one of our own messages all the same', () => {
    const scrubbed = scrubTaskError(new NotFoundError(`no reviewer ${ADDRESS} on the roster`));
    expect(scrubbed.name).toBe('NotFoundError');
    expect(scrubbed.message).toBe('no reviewer [address] on the roster');
    expect(reported(scrubbed)).not.toContain(ADDRESS);
  });

  it('turns anything else thrown into a plain Error that quotes nothing', () => {
    for (const thrown of [ADDRESS, { name: ADDRESS, message: ADDRESS }, undefined, 42]) {
      const scrubbed = scrubTaskError(thrown);
      expect(scrubbed.name).toBe('Error');
      expect(reported(scrubbed)).not.toContain(ADDRESS);
    }
  });

  it('keeps the name of a bug, which the state machine records', () => {
    const bug = new TypeError(`Cannot read properties of undefined (reading '${ADDRESS}')`);
    const scrubbed = scrubTaskError(bug);
    expect(scrubbed.name).toBe('TypeError');
    expect(reported(scrubbed)).not.toContain(ADDRESS);
  });
});
