import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ApiFunctionName, FUNCTIONS } from '../catalogue/functions.ts';
import { type BodyKind, type BodyKindOf, bodyKindsOf } from '../catalogue/routes.ts';
import type { Metrics } from '../ports/index.ts';
import { formBodyParser, jsonBodyParser, jsonOrFormBodyParser } from './body-parsers.ts';
import { httpErrorHandler, type ProblemRenderer } from './error-handler.ts';
import { requestLogger } from './logger.ts';
import { publishMetrics } from './publish-metrics.ts';
import { securityHeaders } from './security-headers.ts';
import type { ApiEvent, ApiResult } from './types.ts';

export interface HttpHandlerOptions {
  /**
   * How the body is parsed before the handler runs (none by default); by route (`METHOD path`)
   * when a function's routes read different bodies.
   */
  body?: BodyKind | ReadonlyMap<string, BodyKind>;
  /** How errors are shown (a page on the HTML routes); JSON by default. */
  renderProblem?: ProblemRenderer;
  contentSecurityPolicy?: string;
  /** What the request counted (its status changes) is published when the answer is final. */
  metrics?: Metrics;
}

type Body<K> = K extends 'json' | 'json-or-form' ? unknown : K extends 'form' ? Record<string, string> : string | null;

function parserFor(kind: BodyKind | undefined) {
  return kind === 'json' ? jsonBodyParser() : kind === 'form' ? formBodyParser() : kind === 'json-or-form' ? jsonOrFormBodyParser() : undefined;
}

/** The body parser: one for every request, or the one of the request's route (none for a route not declared). */
function bodyParsers(body: HttpHandlerOptions['body']) {
  if (body === undefined || typeof body === 'string') {
    const parser = parserFor(body);
    return parser ? [parser] : [];
  }
  const byRoute = new Map([...body].map(([route, kind]) => [route, parserFor(kind)]));
  return [
    {
      before(request: Parameters<NonNullable<ReturnType<typeof jsonBodyParser>['before']>>[0]) {
        return byRoute.get(`${request.event.httpMethod} ${request.event.resource}`)?.before?.(request);
      },
    },
  ];
}

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
 * parser each of its routes declares (shared/catalogue/routes.ts), publishing its metrics if it
 * declares them.
 */
export function apiHandler<F extends ApiFunctionName>(
  name: F,
  options: Omit<HttpHandlerOptions, 'body' | 'metrics'> & MetricsOption<F>,
  handler: (event: ApiEvent<Body<BodyKindOf<F>>>, context: Context) => Promise<ApiResult>,
) {
  // The body's type follows the same declaration as the parser: `bodyKindsOf` at run time, `BodyKindOf` in types.
  const kinds = bodyKindsOf(name);
  const [only, ...others] = new Set(kinds.values());
  return httpHandler({ ...options, body: only !== undefined && others.length === 0 ? only : kinds }, handler as never);
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
    ...bodyParsers(options.body),
  ];
  return middy<ApiEvent<unknown>, ApiResult>()
    .use(middlewares)
    .handler(handler as (event: ApiEvent<unknown>, context: Context) => Promise<ApiResult>);
}
