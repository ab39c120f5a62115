import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import {
  BadSignatureError,
  CallClosedError,
  CallNotFoundError,
  DocumentNotUploadedError,
  DossierIncompleteError,
  DraftGoneError,
  DraftStateError,
  IdempotencyConflictError,
  InvalidTransitionError,
  type Issue,
  NoReviewerAvailableError,
  NotFoundError,
  TaskAlreadyDecidedError,
  TaskGoneError,
  TooManyDocumentsError,
  TransientError,
  ValidationError,
  WrongRoleError,
} from '../domain/errors.ts';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from './body-parsers.ts';
import { logger as defaultLogger } from './logger.ts';
import { json } from './responses.ts';
import type { ApiEvent, ApiResult } from './types.ts';
import { formatIssues, issuesOf } from './validation.ts';

/** An error as the API tells it: the contract's `{ error, message, issues? }` and its status. */
export interface HttpProblem {
  status: number;
  code: string;
  message: string;
  issues?: Issue[];
}

/** How a problem is shown; may be async (a form re-rendered with its errors reads the open calls). */
export type ProblemRenderer = (problem: HttpProblem, event: ApiEvent<unknown>) => ApiResult | Promise<ApiResult>;

export interface ErrorHandlerOptions {
  /** How a problem is shown; JSON by default, a page for the HTML routes. */
  render?: ProblemRenderer;
  /** Seconds a client should wait after a 503. */
  retryAfterSeconds?: number;
  logger?: Pick<typeof defaultLogger, 'info' | 'warn' | 'error'>;
}

export const renderJsonProblem = ({ status, code, message, issues }: HttpProblem, _event?: ApiEvent<unknown>): ApiResult =>
  json(status, issues && issues.length > 0 ? { error: code, message, issues } : { error: code, message });

type Body = Pick<HttpProblem, 'message' | 'issues'>;
type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** How the API answers one class of error: its status, its code and what its body says. */
interface Answer {
  type: ErrorClass<Error>;
  status: number;
  code: string;
  /** The body's message and issues; by default the error's own message and no issues. */
  body: (error: Error) => Body;
}

const answer = <E extends Error>(type: ErrorClass<E>, status: number, code: string, body?: (error: E) => Body): Answer => ({
  type,
  status,
  code,
  body: (error) => (body ? body(error as E) : { message: error.message }),
});

const withIssues = (message: string, issues: Issue[]): Body => (issues.length > 0 ? { message, issues } : { message });

/** The API's contract, error by error. No class here extends another: at most one row matches. */
const ANSWERS: readonly Answer[] = [
  answer(ValidationError, 400, 'VALIDATION_FAILED', (e) => withIssues(e.message, formatIssues(e.issues))),
  answer(z.ZodError, 400, 'VALIDATION_FAILED', (e) => withIssues('Certains champs sont invalides.', issuesOf(e))),
  answer(MalformedBodyError, 400, 'MALFORMED_BODY'),
  answer(BadSignatureError, 403, 'BAD_SIGNATURE'),
  answer(WrongRoleError, 403, 'WRONG_ROLE'),
  answer(NotFoundError, 404, 'NOT_FOUND'),
  answer(CallNotFoundError, 404, 'CALL_NOT_FOUND'),
  answer(CallClosedError, 409, 'CALL_CLOSED'),
  answer(TaskAlreadyDecidedError, 409, 'ALREADY_DECIDED'),
  answer(InvalidTransitionError, 409, 'INVALID_TRANSITION'),
  answer(NoReviewerAvailableError, 409, 'NO_REVIEWER_AVAILABLE'),
  answer(DraftStateError, 409, 'DRAFT_STATE'),
  answer(TooManyDocumentsError, 409, 'TOO_MANY_DOCUMENTS', (e) => withIssues(e.message, [...e.issues])),
  answer(DocumentNotUploadedError, 409, 'DOCUMENT_NOT_UPLOADED', (e) => withIssues(e.message, [...e.issues])),
  answer(TaskGoneError, 410, 'TASK_GONE'),
  answer(DraftGoneError, 410, 'DRAFT_GONE'),
  answer(PayloadTooLargeError, 413, 'PAYLOAD_TOO_LARGE'),
  answer(UnsupportedMediaTypeError, 415, 'UNSUPPORTED_MEDIA_TYPE'),
  answer(IdempotencyConflictError, 422, 'IDEMPOTENCY_KEY_REUSED'),
  answer(DossierIncompleteError, 422, 'DOSSIER_INCOMPLETE', (e) => withIssues(e.message, [...e.issues])),
  answer(TransientError, 503, 'SERVICE_UNAVAILABLE'),
];

/** What every unknown failure becomes: nothing about our internals reaches the client. */
const INTERNAL: HttpProblem = {
  status: 500,
  code: 'INTERNAL_ERROR',
  message: 'Une erreur interne est survenue. Réessayez plus tard.',
};

const TIMED_OUT: HttpProblem = {
  status: 503,
  code: 'SERVICE_UNAVAILABLE',
  message: 'Le service est momentanément indisponible. Réessayez dans quelques instants.',
};

export function toProblem(error: unknown): HttpProblem {
  if (!(error instanceof Error)) return INTERNAL;
  const found = ANSWERS.find(({ type }) => error instanceof type);
  if (found) return { status: found.status, code: found.code, ...found.body(error) };
  // middy stops a request just before Lambda's own timeout: the dependencies were too slow, a
  // retry may well succeed (the submission's idempotency key makes it safe).
  if (error.name === 'TimeoutError') return TIMED_OUT;
  return INTERNAL;
}

/**
 * The one place errors become HTTP answers: an error of the table answers its status and code
 * (issues with dotted paths), a TransientError or a timeout 503 with Retry-After, anything else a
 * logged 500.
 */
export function httpErrorHandler(options: ErrorHandlerOptions = {}): MiddlewareObj<ApiEvent<unknown>, ApiResult, unknown, Context> {
  const render = options.render ?? renderJsonProblem;
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  const log = options.logger ?? defaultLogger;
  return {
    async onError(request) {
      if (request.response !== undefined && request.response !== null) return;
      const error = request.error;
      const problem = toProblem(error);
      if (problem === INTERNAL) {
        log.error('unhandled error', error instanceof Error ? error : new Error(String(error)));
      } else if (problem.status >= 500) {
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause.name : undefined;
        log.warn('dependency unavailable', { code: problem.code, cause });
      } else {
        // 4xx are the client's: their code is enough (a message may quote what the client sent).
        log.info('request refused', { code: problem.code, status: problem.status });
      }
      let response: ApiResult;
      try {
        response = await render(problem, request.event);
      } catch (failure) {
        // The page could not be drawn (its data is unavailable): the problem itself still answers.
        log.error('problem page failed', failure instanceof Error ? failure : new Error(String(failure)));
        response = renderJsonProblem(problem);
      }
      request.response = problem.status === 503 ? { ...response, headers: { ...response.headers, 'Retry-After': retryAfter } } : response;
    },
  };
}
