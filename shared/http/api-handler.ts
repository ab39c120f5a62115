import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { formBodyParser, jsonBodyParser, jsonOrFormBodyParser } from './body-parsers.ts';
import { httpErrorHandler, type ProblemRenderer } from './error-handler.ts';
import { requestLogger } from './logger.ts';
import { securityHeaders } from './security-headers.ts';
import type { ApiEvent, ApiResult } from './types.ts';

export interface ApiHandlerOptions {
  /** How the body is parsed before the handler runs; none by default. */
  body?: 'json' | 'form' | 'json-or-form';
  /** How errors are shown (a page on the HTML routes); JSON by default. */
  renderProblem?: ProblemRenderer;
  contentSecurityPolicy?: string;
}

type Body<O extends ApiHandlerOptions> = O['body'] extends 'json' | 'json-or-form'
  ? unknown
  : O['body'] extends 'form'
    ? Record<string, string>
    : string | null;

/** HEAD is answered as GET, without the body (API Gateway passes HEAD through to the proxy). */
const headWithoutBody = {
  after(request: { event: ApiEvent<unknown>; response: ApiResult | null | undefined }) {
    if (request.event.httpMethod === 'HEAD' && request.response) request.response = { ...request.response, body: '' };
  },
};

/**
 * An API Gateway REST proxy handler with the project's middlewares, outermost first: security
 * headers, request logging, error mapping, then the body parser.
 */
export function apiHandler<O extends ApiHandlerOptions>(
  options: O,
  handler: (event: ApiEvent<Body<O>>, context: Context) => Promise<ApiResult>,
) {
  const middlewares = [
    securityHeaders({ ...(options.contentSecurityPolicy ? { contentSecurityPolicy: options.contentSecurityPolicy } : {}) }),
    { ...headWithoutBody, onError: headWithoutBody.after },
    requestLogger(),
    httpErrorHandler({ ...(options.renderProblem ? { render: options.renderProblem } : {}) }),
    ...(options.body === 'json'
      ? [jsonBodyParser()]
      : options.body === 'form'
        ? [formBodyParser()]
        : options.body === 'json-or-form'
          ? [jsonOrFormBodyParser()]
          : []),
  ];
  return middy<ApiEvent<unknown>, ApiResult>().use(middlewares).handler(handler as (event: ApiEvent<unknown>, context: Context) => Promise<ApiResult>);
}
