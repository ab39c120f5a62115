import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ApiFunctionName, FUNCTIONS } from '../catalogue/functions.ts';
import { type BodyKindOf, bodyKindOf } from '../catalogue/routes.ts';
import type { Metrics } from '../ports/index.ts';
import { formBodyParser, jsonBodyParser, jsonOrFormBodyParser } from './body-parsers.ts';
import { httpErrorHandler, type ProblemRenderer } from './error-handler.ts';
import { requestLogger } from './logger.ts';
import { publishMetrics } from './publish-metrics.ts';
import { securityHeaders } from './security-headers.ts';
import type { ApiEvent, ApiResult } from './types.ts';

export interface HttpHandlerOptions {
  /** How the body is parsed before the handler runs; none by default. */
  body?: 'none' | 'json' | 'form' | 'json-or-form';
  /** How errors are shown (a page on the HTML routes); JSON by default. */
  renderProblem?: ProblemRenderer;
  contentSecurityPolicy?: string;
  /** What the request counted (its status changes) is published when the answer is final. */
  metrics?: Metrics;
}

type Body<K extends HttpHandlerOptions['body']> = K extends 'json' | 'json-or-form' ? unknown : K extends 'form' ? Record<string, string> : string | null;

/** HEAD is answered as GET, without the body (API Gateway passes HEAD through to the proxy). */
const headWithoutBody = {
  after(request: { event: ApiEvent<unknown>; response: ApiResult | null | undefined }) {
    if (request.event.httpMethod === 'HEAD' && request.response) request.response = { ...request.response, body: '' };
  },
};

/** A function that declares the metrics port must publish them: the option is required of it, and refused otherwise. */
type MetricsOption<F extends ApiFunctionName> = 'metrics' extends (typeof FUNCTIONS)[F]['ports'][number] ? { metrics: Metrics } : { metrics?: never };

/**
 * The handler of API function `name` (shared/catalogue/functions.ts): `httpHandler` with the body
 * parser its routes declare (shared/catalogue/routes.ts), publishing its metrics if it declares them.
 */
export function apiHandler<F extends ApiFunctionName>(
  name: F,
  options: Omit<HttpHandlerOptions, 'body' | 'metrics'> & MetricsOption<F>,
  handler: (event: ApiEvent<Body<BodyKindOf<F>>>, context: Context) => Promise<ApiResult>,
) {
  // The body's type follows the same declaration as the parser: `bodyKindOf` at run time, `BodyKindOf` in types.
  return httpHandler({ ...options, body: bodyKindOf(name) }, handler as never);
}

/**
 * An API Gateway REST proxy handler with the project's middlewares, outermost first: publishing
 * the metrics (when given), security headers, request logging, error mapping, then the body parser.
 */
export function httpHandler<O extends HttpHandlerOptions>(options: O, handler: (event: ApiEvent<Body<O['body']>>, context: Context) => Promise<ApiResult>) {
  const middlewares = [
    ...(options.metrics ? [publishMetrics(options.metrics)] : []),
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
  return middy<ApiEvent<unknown>, ApiResult>()
    .use(middlewares)
    .handler(handler as (event: ApiEvent<unknown>, context: Context) => Promise<ApiResult>);
}
