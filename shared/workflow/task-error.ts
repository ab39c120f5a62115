import { DomainError } from '../domain/errors.ts';

/**
 * What a failed task leaves in Step Functions: Lambda reports the error's name (`errorType`, what
 * Retry and Catch match), its message and its stack, and the service keeps them in the execution
 * history (`TaskFailed`, `LambdaFunctionFailed`, the `$.error` RecordError receives) for 90 days
 * after the execution ends, out of reach of the purge. A dependency's message may quote personal
 * data (SES's `MessageRejected` names the address it refused), so only our own errors keep
 * theirs, which name ids, statuses and codes; any address in it is masked all the same.
 */

/** Anything shaped like an email address. */
const ADDRESS = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+/g;
/** An error name as Lambda reports it and a Catch matches it; anything else is reported as `Error`. */
const NAME = /^[A-Za-z0-9_.:-]{1,128}$/;
/** A dependency's error code (`ECONNRESET`, `ThrottlingException`): a word, never a sentence. */
const CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
}

/** The stack's frames (`    at …`: functions and files), without the first line, which repeats the message. */
function framesOf(error: ErrorLike): string[] {
  return typeof error.stack === 'string' ? error.stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
}

function fresh(name: string, message: string, frames: string[]): Error {
  const scrubbed = new Error(message);
  scrubbed.name = name;
  scrubbed.stack = [`${name}: ${message}`, ...frames].join('\n');
  return scrubbed;
}

/**
 * The error a task throws to Step Functions in place of `error`: the same name, and a message
 * free of personal data. Our own errors keep their message (addresses masked); any other's is
 * withheld, replaced by what identifies it without quoting anyone: its code, HTTP status and
 * request id. The stack's frames are kept: they name functions and files, never data.
 */
export function scrubTaskError(error: unknown): Error {
  const e: ErrorLike = typeof error === 'object' && error !== null ? (error as ErrorLike) : {};
  const name = typeof e.name === 'string' && NAME.test(e.name) ? e.name : 'Error';
  if (error instanceof DomainError) {
    const masked = error.message.replace(ADDRESS, '[address]');
    return masked === error.message ? error : fresh(name, masked, framesOf(error));
  }
  const status = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId;
  const facts = [
    typeof e.code === 'string' && CODE.test(e.code) && e.code !== name ? `code ${e.code}` : undefined,
    typeof status === 'number' ? `HTTP ${status}` : undefined,
    typeof requestId === 'string' && CODE.test(requestId) ? `request ${requestId}` : undefined,
  ].filter((fact): fact is string => fact !== undefined);
  const message = `message withheld: it may quote personal data${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
  return fresh(name, message, framesOf(e));
}
