import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { DomainError, type Issue } from '../domain/errors.ts';
import { logger as defaultLogger } from './logger.ts';
import { json } from './responses.ts';
import type { ApiEvent, ApiResult } from './types.ts';
import { issuesOf } from './validation.ts';

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
  if (error instanceof DomainError) {
    return { status: error.status, code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) };
  }
  // middy stops a request just before Lambda's own timeout: the dependencies were too slow, a
  // retry may well succeed (the submission's idempotency key makes it safe).
  if (error instanceof Error && error.name === 'TimeoutError') return TIMED_OUT;
  if (error instanceof z.ZodError) {
    return { status: 400, code: 'VALIDATION_FAILED', message: 'Certains champs sont invalides.', issues: issuesOf(error) };
  }
  return INTERNAL;
}

/**
 * The one place errors become HTTP answers: a DomainError answers its own status and code, a zod
 * error 400 with dotted paths, a TransientError or a timeout 503 with Retry-After, anything else a
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
      request.response =
        problem.status === 503 ? { ...response, headers: { ...response.headers, 'Retry-After': retryAfter } } : response;
    },
  };
}
