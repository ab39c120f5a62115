import { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ApiEvent, ApiResult } from './types.ts';

/**
 * The one logger of the API functions. Lines carry the route template (`GET /tasks/{taskId}`),
 * never the path's query string, a token, a signature or a person's data; the application id is
 * added as soon as it is known.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'coopfund' });

/** Adds the application id to every following line of this invocation. */
export function tagApplication(applicationId: string): void {
  logger.appendKeys({ applicationId });
}

export interface RequestLoggerOptions {
  logger?: Logger;
}

type Timed = { startedAt?: number };

/** One line per request: route, status, duration. Keys are reset so nothing leaks between invocations. */
export function requestLogger(options: RequestLoggerOptions = {}): MiddlewareObj<ApiEvent<unknown>, ApiResult, Error, Context, Timed> {
  const log = options.logger ?? logger;
  const done = (request: { event: ApiEvent<unknown>; response: ApiResult | null | undefined; internal: Timed }) => {
    log.info('request', {
      status: request.response?.statusCode,
      durationMs: request.internal.startedAt === undefined ? undefined : Date.now() - request.internal.startedAt,
    });
  };
  return {
    before(request) {
      request.internal.startedAt = Date.now();
      log.resetKeys();
      if (request.context && typeof request.context.awsRequestId === 'string') log.addContext(request.context);
      log.appendKeys({ route: `${request.event.httpMethod} ${request.event.resource}` });
    },
    after: done,
    onError: done,
  };
}
