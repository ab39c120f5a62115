import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ApiFunctionName } from '../catalogue/functions.ts';
import { type BodyKindOf, bodyKindOf } from '../catalogue/routes.ts';
import { formBodyParser, jsonBodyParser, jsonOrFormBodyParser } from './body-parsers.ts';
import { httpErrorHandler, type ProblemRenderer } from './error-handler.ts';
import { requestLogger } from './logger.ts';
import { securityHeaders } from './security-headers.ts';
import type { ApiEvent, ApiResult } from './types.ts';

export interface HttpHandlerOptions {
  /** How the body is parsed before the handler runs; none by default. */
  body?: 'none' | 'json' | 'form' | 'json-or-form';
  /** How errors are shown (a page on the HTML routes); JSON by default. */
  renderProblem?: ProblemRenderer;
  contentSecurityPolicy?: string;
}

type Body<K extends HttpHandlerOptions['body']> = K extends 'json' | 'json-or-form'
  ? unknown
  : K extends 'form'
    ? Record<string, string>
    : string | null;

/** HEAD is answered as GET, without the body (API Gateway passes HEAD through to the proxy). */
const headWithoutBody = {
  after(request: { event: ApiEvent<unknown>; response: ApiResult | null | undefined }) {
    if (request.event.httpMethod === 'HEAD' && request.response) request.response = { ...request.response, body: '' };
  },
};

/**
 * The handler of API function `name` (shared/catalogue/functions.ts): `httpHandler` with the body
 * parser its routes declare (shared/catalogue/routes.ts).
 */
export function apiHandler<F extends ApiFunctionName>(
  name: F,
  options: Omit<HttpHandlerOptions, 'body'>,
  handler: (event: ApiEvent<Body<BodyKindOf<F>>>, context: Context) => Promise<ApiResult>,
) {
  // The body's type follows the same declaration as the parser: `bodyKindOf` at run time, `BodyKindOf` in types.
  return httpHandler({ ...options, body: bodyKindOf(name) }, handler as never);
}

/**
 * An API Gateway REST proxy handler with the project's middlewares, outermost first: security
 * headers, request logging, error mapping, then the body parser.
 */
export function httpHandler<O extends HttpHandlerOptions>(
  options: O,
  handler: (event: ApiEvent<Body<O['body']>>, context: Context) => Promise<ApiResult>,
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
