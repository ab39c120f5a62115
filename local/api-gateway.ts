import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { closeServer } from './services.ts';

/**
 * A local API Gateway (REST API, Lambda proxy integration). Its routes come only from the
 * synthesized template; each request becomes the event API Gateway would send, and the handler's
 * answer is honoured as API Gateway honours it. API Gateway's own errors are the service's,
 * reshaped by the template's gateway responses (`AWS::ApiGateway::GatewayResponse`) when it has any:
 * - no resource, or no method on it → MISSING_AUTHENTICATION_TOKEN, 403 `Missing Authentication Token`
 *   (the service answers so for both);
 * - a handler that throws, times out or answers a malformed response → DEFAULT_5XX, 502 `Internal server error`;
 * - no answer within 29 s → INTEGRATION_TIMEOUT, 504; a body over 10 MB → REQUEST_TOO_LARGE, 413.
 * HEAD: a method the template declares (ours routes HEAD /tasks/{taskId} to show-task) is used as
 * is. Where it declares only GET, the service would answer 403 (a REST API maps no HEAD implicitly);
 * here, deliberately friendlier, the GET integration is invoked with `httpMethod: 'HEAD'` and no
 * body is sent, so a link behaves alike under GET and HEAD (neither decides anything).
 */

export interface GatewayRoute {
  /** `GET`, `POST`, … or `ANY`. */
  method: string;
  /** The resource path, e.g. `/applications/{id}` or `/{proxy+}`. */
  path: string;
  functionLogicalId: string;
}

/** A gateway response of the template: how API Gateway's own errors of one type look. */
export interface GatewayResponse {
  /** `MISSING_AUTHENTICATION_TOKEN`, `DEFAULT_4XX`, `DEFAULT_5XX`, … */
  type: string;
  statusCode?: number;
  /** Mapping templates by content type; `application/json` is used. */
  templates?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface ApiGatewayOptions {
  routes: GatewayRoute[];
  gatewayResponses?: GatewayResponse[];
  /** Invokes a function with an event; rejects when the function fails. */
  invoke(functionLogicalId: string, event: APIGatewayProxyEvent, options: { requestId: string }): Promise<unknown>;
  stage: string;
  port?: number;
  host?: string;
  /** One readable line per request (no query string: tokens live there). */
  log?: (line: string) => void;
  /** The integration timeout; API Gateway's is 29 s. */
  integrationTimeoutMs?: number;
  /** 10 MB, as the service. */
  maxBodyBytes?: number;
  accountId?: string;
  apiId?: string;
}

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The service's errors, before any gateway response of the template reshapes them. */
const SERVICE_ERRORS = {
  MISSING_AUTHENTICATION_TOKEN: { status: 403, message: 'Missing Authentication Token', errorType: 'MissingAuthenticationTokenException' },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request Too Long', errorType: undefined },
  INTEGRATION_TIMEOUT: { status: 504, message: 'Endpoint request timed out', errorType: undefined },
  DEFAULT_5XX: { status: 502, message: 'Internal server error', errorType: undefined },
} as const;
type ServiceError = keyof typeof SERVICE_ERRORS;

/**
 * API Gateway's answer for one of its own errors: the gateway response of that type, else
 * DEFAULT_4XX / DEFAULT_5XX, else the service's default. Templates see `$context.error.*`.
 */
export function gatewayErrorAnswer(type: ServiceError, responses: GatewayResponse[], requestId: string): HttpAnswer {
  const base = SERVICE_ERRORS[type];
  const family = base.status < 500 ? 'DEFAULT_4XX' : 'DEFAULT_5XX';
  const own = responses.find((r) => r.type === type);
  const fallback = responses.find((r) => r.type === family);
  const statusCode = own?.statusCode ?? base.status;
  const template = own?.templates?.['application/json'] ?? fallback?.templates?.['application/json'];
  const body = template
    ? template
        .replaceAll('$context.error.messageString', JSON.stringify(base.message))
        .replaceAll('$context.error.message', base.message)
        .replaceAll('$context.error.responseType', type)
        .replaceAll('$context.requestId', requestId)
    : JSON.stringify({ message: base.message });
  const headers: Array<[string, string]> = [['Content-Type', 'application/json']];
  if (base.errorType) headers.push(['x-amzn-ErrorType', base.errorType]);
  for (const [name, value] of Object.entries({ ...fallback?.headers, ...own?.headers })) headers.push([name, value]);
  return { statusCode, headers, body: Buffer.from(body) };
}

// ---------------------------------------------------------------------------------------------
// Routing

interface CompiledRoute extends GatewayRoute {
  segments: Segment[];
}
type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

export interface RouteMatch {
  route: GatewayRoute;
  pathParameters: Record<string, string> | null;
}

function compile(route: GatewayRoute): CompiledRoute {
  const segments = route.path
    .split('/')
    .filter(Boolean)
    .map((part): Segment => {
      const greedy = /^\{(\w+)\+\}$/.exec(part);
      if (greedy) return { kind: 'greedy', name: greedy[1] ?? '' };
      const param = /^\{(\w+)\}$/.exec(part);
      if (param) return { kind: 'param', name: param[1] ?? '' };
      return { kind: 'literal', value: part };
    });
  return { ...route, method: route.method.toUpperCase(), segments };
}

/** Path parameters of `parts` against `segments`, or undefined when they do not match. */
function bind(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const part = parts[i];
    if (!segment) return undefined;
    if (segment.kind === 'greedy') {
      if (i >= parts.length) return undefined;
      params[segment.name] = parts.slice(i).map(decode).join('/');
      return params;
    }
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (decode(part) !== segment.value) return undefined;
    } else {
      params[segment.name] = decode(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * API Gateway picks the most specific resource: at each level a literal beats a parameter, which
 * beats a greedy `{proxy+}`. Scores are compared segment by segment.
 */
function specificity(route: CompiledRoute): number[] {
  return route.segments.map((s) => (s.kind === 'literal' ? 3 : s.kind === 'param' ? 2 : 1));
}
function compareSpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const sa = specificity(a);
  const sb = specificity(b);
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const d = (sb[i] ?? 0) - (sa[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface Router {
  /** The route for a method and a raw (still encoded) path; `missing` when API Gateway would answer 403. */
  match(method: string, path: string): (RouteMatch & { resolvedMethod: string }) | { missing: true };
}

export function createRouter(routes: GatewayRoute[]): Router {
  const compiled = routes.map(compile).sort(compareSpecificity);
  return {
    match(method, path) {
      const parts = path.split('/').filter(Boolean);
      const upper = method.toUpperCase();
      // The most specific resource wins, and then only its own methods count (as in the service).
      let resource: { path: string; params: Record<string, string> } | undefined;
      for (const route of compiled) {
        const params = bind(route.segments, parts);
        if (params) {
          resource = { path: route.path, params };
          break;
        }
      }
      if (!resource) return { missing: true };
      const methods = compiled.filter((r) => r.path === resource.path);
      const pick = (m: string) => methods.find((r) => r.method === m) ?? methods.find((r) => r.method === 'ANY');
      const route = pick(upper) ?? (upper === 'HEAD' ? methods.find((r) => r.method === 'GET') : undefined);
      if (!route) return { missing: true };
      const pathParameters = Object.keys(resource.params).length > 0 ? resource.params : null;
      return {
        route: { method: route.method, path: route.path, functionLogicalId: route.functionLogicalId },
        pathParameters,
        resolvedMethod: route.method,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The event

/** Content types API Gateway passes as text; any other body reaches the function base64-encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    type === '' ||
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/x-www-form-urlencoded' ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript' ||
    type === 'application/graphql'
  );
}

export interface RawRequest {
  method: string;
  /** The request target as received: path and query string. */
  url: string;
  /** Node's `rawHeaders`: names with their original case, repeated headers kept. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  localPort: number;
}

/** The REST API proxy event (payload 1.0) of a request, as API Gateway builds it. */
export function buildProxyEvent(
  request: RawRequest,
  match: RouteMatch,
  context: { stage: string; requestId: string; accountId: string; apiId: string; now: Date },
): APIGatewayProxyEvent {
  const queryIndex = request.url.indexOf('?');
  const path = queryIndex < 0 ? request.url : request.url.slice(0, queryIndex);
  const query = queryIndex < 0 ? '' : request.url.slice(queryIndex + 1);

  // Null-prototype records: a header or parameter named `__proto__` is a plain key, as in API Gateway.
  const headers: Record<string, string> = Object.create(null);
  const multiValueHeaders: Record<string, string[]> = Object.create(null);
  const names = new Map<string, string>(); // lower case → the first spelling seen
  const add = (rawName: string, value: string) => {
    const name = names.get(rawName.toLowerCase()) ?? rawName;
    names.set(rawName.toLowerCase(), name);
    headers[name] = value; // API Gateway keeps the last value in `headers`
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  };
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) add(request.rawHeaders[i] ?? '', request.rawHeaders[i + 1] ?? '');
  const sourceIp = request.sourceIp;
  const forwarded = headerValue(headers, 'x-forwarded-for');
  add('X-Forwarded-For', forwarded ? `${forwarded}, ${sourceIp}` : sourceIp);
  if (!headerValue(headers, 'x-forwarded-port')) add('X-Forwarded-Port', String(request.localPort));
  if (!headerValue(headers, 'x-forwarded-proto')) add('X-Forwarded-Proto', 'http');
  if (!headerValue(headers, 'x-amzn-trace-id')) add('X-Amzn-Trace-Id', traceId(context.now));

  let queryStringParameters: Record<string, string> | null = null;
  let multiValueQueryStringParameters: Record<string, string[]> | null = null;
  if (query) {
    queryStringParameters = Object.create(null) as Record<string, string>;
    multiValueQueryStringParameters = Object.create(null) as Record<string, string[]>;
    for (const [key, value] of new URLSearchParams(query)) {
      queryStringParameters[key] = value;
      multiValueQueryStringParameters[key] = [...(multiValueQueryStringParameters[key] ?? []), value];
    }
  }

  const contentType = headerValue(headers, 'content-type');
  const hasBody = request.body.length > 0;
  const isBase64Encoded = hasBody && !isTextContentType(contentType);
  const body = hasBody ? request.body.toString(isBase64Encoded ? 'base64' : 'utf8') : null;

  const host = headerValue(headers, 'host') ?? `localhost:${request.localPort}`;
  return {
    resource: match.route.path,
    path,
    httpMethod: request.method.toUpperCase(),
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: match.pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      authorizer: null,
      domainName: host,
      domainPrefix: host.split('.')[0]?.split(':')[0] ?? host,
      extendedRequestId: context.requestId.replaceAll('-', '').slice(0, 16),
      httpMethod: request.method.toUpperCase(),
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: headerValue(headers, 'user-agent') ?? null,
        userArn: null,
      },
      path: `/${context.stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId: context.requestId,
      requestTime: requestTime(context.now),
      requestTimeEpoch: context.now.getTime(),
      resourceId: resourceId(match.route.path),
      resourcePath: match.route.path,
      stage: context.stage,
    },
    body,
    isBase64Encoded,
  };
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `09/Apr/2015:12:34:56 +0000`, API Gateway's format. */
function requestTime(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(now.getUTCDate())}/${months[now.getUTCMonth()]}/${now.getUTCFullYear()}:${p(now.getUTCHours())}:${p(now.getUTCMinutes())}:${p(now.getUTCSeconds())} +0000`;
}

function traceId(now: Date): string {
  return `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

function resourceId(path: string): string {
  let hash = 0;
  for (const char of path) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash.toString(36).padStart(6, '0').slice(0, 6);
}

// ---------------------------------------------------------------------------------------------
// The response

export interface HttpAnswer {
  statusCode: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

/**
 * What API Gateway sends for a proxy integration's result: `headers` and `multiValueHeaders` merged
 * (for a name in both, the multi-value list wins), `body` decoded when `isBase64Encoded`,
 * `Content-Type: application/json` when the function set none. Anything else is a 502.
 */
export function toHttpAnswer(result: unknown): HttpAnswer | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const r = result as Record<string, unknown>;
  const statusCode = r.statusCode === undefined ? 200 : Number(r.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  const allowed = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded', 'cookies']);
  if (Object.keys(r).some((key) => !allowed.has(key))) return undefined;
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') return undefined;

  const single = (r.headers ?? {}) as Record<string, unknown>;
  const multi = (r.multiValueHeaders ?? {}) as Record<string, unknown>;
  if (typeof single !== 'object' || typeof multi !== 'object') return undefined;
  const multiNames = new Set(Object.keys(multi).map((k) => k.toLowerCase()));
  const headers: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(single)) {
    if (multiNames.has(name.toLowerCase()) || value === undefined || value === null) continue;
    headers.push([name, String(value)]);
  }
  for (const [name, values] of Object.entries(multi)) {
    if (!Array.isArray(values)) return undefined;
    for (const value of values) headers.push([name, String(value)]);
  }
  if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/json']);

  const text = typeof r.body === 'string' ? r.body : '';
  const body = r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { statusCode, headers, body };
}

// ---------------------------------------------------------------------------------------------
// The server

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startApiGateway(options: ApiGatewayOptions): Promise<RunningGateway> {
  const router = createRouter(options.routes);
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.integrationTimeoutMs ?? 29_000;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const accountId = options.accountId ?? '000000000000';
  const responses = options.gatewayResponses ?? [];
  const gatewayError = (type: ServiceError, requestId: string) => gatewayErrorAnswer(type, responses, requestId);
  const apiId = options.apiId ?? 'local';

  const send = (req: IncomingMessage, res: ServerResponse, answer: HttpAnswer, requestId: string) => {
    const headers = [...answer.headers, ['x-amzn-RequestId', requestId] as [string, string]];
    const grouped = new Map<string, string[]>();
    for (const [name, value] of headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
    for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? (values[0] ?? '') : values);
    res.setHeader('Content-Length', answer.body.length);
    res.writeHead(answer.statusCode);
    // Node sends no body for HEAD by itself; the length above is GET's, as a server would tell.
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    let answer: HttpAnswer;
    let routeLabel = path;
    try {
      const body = await readBody(req, maxBodyBytes);
      const match = router.match(method, path);
      if ('missing' in match) {
        answer = gatewayError('MISSING_AUTHENTICATION_TOKEN', requestId);
      } else {
        routeLabel = match.route.path;
        const event = buildProxyEvent(
          {
            method,
            url,
            rawHeaders: req.rawHeaders,
            body,
            sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
            localPort: req.socket.localPort ?? 0,
          },
          match,
          { stage: options.stage, requestId, accountId, apiId, now: new Date() },
        );
        answer = await integrate(match.route.functionLogicalId, event, requestId);
      }
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      answer = gatewayError('REQUEST_TOO_LARGE', requestId);
      // The rest of the body is not worth reading: answer, then drop the connection.
      res.setHeader('Connection', 'close');
      res.on('finish', () => req.socket.destroySoon());
    }
    send(req, res, answer, requestId);
    const ms = Math.round(performance.now() - started);
    options.log?.(`${method} ${routeLabel === path ? path : `${path}  (${routeLabel})`} → ${answer.statusCode} in ${ms} ms`);
  };

  const integrate = async (functionLogicalId: string, event: APIGatewayProxyEvent, requestId: string): Promise<HttpAnswer> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const result = await Promise.race([options.invoke(functionLogicalId, event, { requestId }), timeout]);
      if (result === 'timeout') return gatewayError('INTEGRATION_TIMEOUT', requestId);
      return toHttpAnswer(result) ?? gatewayError('DEFAULT_5XX', requestId);
    } catch {
      // A function error is the function's log's business; the client sees what API Gateway shows.
      return gatewayError('DEFAULT_5XX', requestId);
    } finally {
      clearTimeout(timer);
    }
  };

  // Node's default 16 KB for the request line and headers is below what browsers and the hostile-input
  // tests send (long query strings, large cookies); the handlers see them and answer 4xx themselves.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end();
    });
  });
  // Keep idle connections longer than clients do (undici: 4 s), as load balancers do: a client
  // reusing a connection the server just closed sees « other side closed » on its next request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Tokens travel in query strings: never let Node's default error page echo a request line.
  // A request Node cannot parse still gets a short HTTP answer (not a dropped connection), without echo.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return void socket.destroy();
    const [status, reason] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
    const body = JSON.stringify({ message: reason });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    port,
    stop: () => closeServer(server),
  };
}
