import { request as httpRequest } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter, startApiGateway, toHttpAnswer } from '../../../local/api-gateway.ts';
import type { ApiGatewayOptions, GatewayRoute, RunningGateway } from '../../../local/api-gateway.ts';

const routes: GatewayRoute[] = [
  { method: 'GET', path: '/health', functionLogicalId: 'Health' },
  { method: 'GET', path: '/applications/{id}', functionLogicalId: 'Track' },
  { method: 'POST', path: '/applications', functionLogicalId: 'Submit' },
  { method: 'GET', path: '/tasks/{taskId}', functionLogicalId: 'ShowTask' },
  { method: 'POST', path: '/tasks/{taskId}', functionLogicalId: 'DecideTask' },
  { method: 'GET', path: '/applications/latest', functionLogicalId: 'Latest' },
];

describe('routing like a REST API', () => {
  const router = createRouter(routes);

  it('binds path parameters, decoded', () => {
    expect(router.match('GET', '/applications/a%20b')).toMatchObject({
      route: { path: '/applications/{id}', functionLogicalId: 'Track' },
      pathParameters: { id: 'a b' },
    });
  });

  it('prefers a literal resource over a parameter', () => {
    expect(router.match('GET', '/applications/latest')).toMatchObject({ route: { functionLogicalId: 'Latest' }, pathParameters: null });
  });

  it('knows nothing of a path or method the template does not declare', () => {
    expect(router.match('GET', '/nowhere')).toEqual({ missing: true });
    expect(router.match('DELETE', '/applications/x')).toEqual({ missing: true });
    expect(router.match('GET', '/applications/x/extra')).toEqual({ missing: true });
  });

  it('answers HEAD through the GET method of the resource', () => {
    expect(router.match('HEAD', '/tasks/t1')).toMatchObject({ route: { functionLogicalId: 'ShowTask' } });
  });

  it('matches greedy and ANY resources', () => {
    const greedy = createRouter([{ method: 'ANY', path: '/files/{proxy+}', functionLogicalId: 'Files' }]);
    expect(greedy.match('PUT', '/files/a/b%2Fc')).toMatchObject({ pathParameters: { proxy: 'a/b/c' } });
    expect(greedy.match('GET', '/files')).toEqual({ missing: true });
  });
});

describe('proxy responses', () => {
  it('merges headers and multi-value headers, the latter winning', () => {
    const answer = toHttpAnswer({
      statusCode: 201,
      headers: { 'Content-Type': 'text/html', 'Set-Cookie': 'a=1' },
      multiValueHeaders: { 'set-cookie': ['b=2', 'c=3'] },
      body: '<p>ok</p>',
    });
    expect(answer?.statusCode).toBe(201);
    expect(answer?.headers).toEqual([
      ['Content-Type', 'text/html'],
      ['set-cookie', 'b=2'],
      ['set-cookie', 'c=3'],
    ]);
  });

  it('decodes a base64 body and defaults the content type to JSON', () => {
    const answer = toHttpAnswer({ statusCode: 200, body: Buffer.from([0, 1, 2]).toString('base64'), isBase64Encoded: true });
    expect([...(answer?.body ?? [])]).toEqual([0, 1, 2]);
    expect(answer?.headers).toEqual([['Content-Type', 'application/json']]);
  });

  it('refuses a malformed response', () => {
    expect(toHttpAnswer('hello')).toBeUndefined();
    expect(toHttpAnswer({ statusCode: 200, body: { not: 'a string' } })).toBeUndefined();
    expect(toHttpAnswer({ statusCode: 200, extra: true })).toBeUndefined();
  });
});

describe('local API Gateway', () => {
  let gateway: RunningGateway | undefined;
  const events: APIGatewayProxyEvent[] = [];
  const logs: string[] = [];

  const start = async (
    invoke: (id: string, event: APIGatewayProxyEvent) => Promise<unknown>,
    extra: Partial<Pick<ApiGatewayOptions, 'integrationTimeoutMs' | 'maxBodyBytes' | 'gatewayResponses'>> = {},
  ) => {
    gateway = await startApiGateway({
      routes,
      stage: 'dev',
      port: 0,
      log: (line) => logs.push(line),
      invoke: async (id, event) => {
        events.push(event);
        return invoke(id, event);
      },
      ...extra,
    });
    return gateway;
  };

  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    events.length = 0;
    logs.length = 0;
  });

  it('builds the REST proxy event of a request', async () => {
    const api = await start(async () => ({ statusCode: 200, body: '{"ok":true}' }));

    const response = await fetch(`${api.url}/applications/abc?token=t1&x=1&x=2`, {
      headers: { Accept: 'application/json', 'X-Custom': 'v' },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    const event = events[0];
    expect(event).toMatchObject({
      resource: '/applications/{id}',
      path: '/applications/abc',
      httpMethod: 'GET',
      pathParameters: { id: 'abc' },
      queryStringParameters: { token: 't1', x: '2' },
      multiValueQueryStringParameters: { token: ['t1'], x: ['1', '2'] },
      body: null,
      isBase64Encoded: false,
      stageVariables: null,
      requestContext: {
        stage: 'dev',
        httpMethod: 'GET',
        path: '/dev/applications/abc',
        resourcePath: '/applications/{id}',
        domainName: `localhost:${api.port}`,
        identity: { sourceIp: '127.0.0.1' },
      },
    });
    expect(event?.requestContext.requestId).toBe(response.headers.get('x-amzn-requestid'));
    const lower = (o: object) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v as unknown]));
    expect(lower(event?.headers ?? {})).toMatchObject({ accept: 'application/json', 'x-custom': 'v', 'x-forwarded-proto': 'http' });
    expect(lower(event?.multiValueHeaders ?? {})['x-custom']).toEqual(['v']);
    // One line per request, without the query string where tokens live.
    expect(logs).toEqual([expect.stringMatching(/^GET \/applications\/abc {2}\(\/applications\/\{id\}\) → 200 in \d+ ms$/)]);
    expect(logs[0]).not.toContain('token');
  });

  it('keeps the header names as the client spelled them', async () => {
    const api = await start(async () => ({ statusCode: 204 }));
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${api.url}/health`, { headers: { 'X-Mixed-Case': 'yes' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    expect(Object.keys(events[0]?.headers ?? {})).toContain('X-Mixed-Case');
  });

  it('passes a form as text and a binary body as base64', async () => {
    const api = await start(async () => ({ statusCode: 200, body: 'ok', headers: { 'content-type': 'text/plain' } }));

    await fetch(`${api.url}/tasks/t1`, { method: 'POST', body: new URLSearchParams({ decision: 'approve', comment: 'très bien' }) });
    await fetch(`${api.url}/applications`, { method: 'POST', body: new Uint8Array([255, 0, 1]), headers: { 'Content-Type': 'application/pdf' } });

    expect(events[0]).toMatchObject({ body: 'decision=approve&comment=tr%C3%A8s+bien', isBase64Encoded: false });
    expect(events[1]).toMatchObject({ body: Buffer.from([255, 0, 1]).toString('base64'), isBase64Encoded: true });
  });

  it('answers 403 Missing Authentication Token for what the template does not declare', async () => {
    const api = await start(async () => ({ statusCode: 200 }));

    for (const [method, path] of [
      ['GET', '/'],
      ['DELETE', '/applications/x'],
      ['GET', '/applications'],
    ]) {
      const response = await fetch(`${api.url}${path}`, { method });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    }
    expect(events).toHaveLength(0);
  });

  it('reshapes its own errors with the gateway responses of the template', async () => {
    const api = await start(
      async () => {
        throw new Error('boom');
      },
      {
        gatewayResponses: [
          { type: 'MISSING_AUTHENTICATION_TOKEN', statusCode: 404, templates: { 'application/json': '{"error":"NOT_FOUND","message":"Not found"}' } },
          { type: 'DEFAULT_5XX', templates: { 'application/json': '{"error":"$context.error.responseType","message":$context.error.messageString}' } },
        ],
      },
    );

    const unknown = await fetch(`${api.url}/nowhere`);
    const failing = await fetch(`${api.url}/health`);

    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'NOT_FOUND', message: 'Not found' });
    expect(failing.status).toBe(502);
    expect(await failing.json()).toEqual({ error: 'DEFAULT_5XX', message: 'Internal server error' });
  });

  it('answers HEAD with GET headers and no body, telling the handler it was a HEAD', async () => {
    const api = await start(async () => ({ statusCode: 200, headers: { 'Content-Type': 'text/html' }, body: '<p>page</p>' }));

    const response = await fetch(`${api.url}/tasks/t1?sig=s`, { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(response.headers.get('content-length')).toBe('11');
    expect(await response.text()).toBe('');
    expect(events[0]).toMatchObject({ httpMethod: 'HEAD', resource: '/tasks/{taskId}', requestContext: { httpMethod: 'HEAD' } });
  });

  it('passes long query strings and large headers to the handler, and answers (never drops) what it cannot parse', async () => {
    const api = await start(async () => ({ statusCode: 404, body: '{"error":"NOT_FOUND"}' }));

    const long = await fetch(`${api.url}/applications/abc?token=${'x'.repeat(12_000)}`, { headers: { Cookie: `a=${'b'.repeat(8_000)}` } });
    expect(long.status).toBe(404);
    expect(events[0]?.queryStringParameters?.token).toHaveLength(12_000);

    const huge = await fetch(`${api.url}/health`, { headers: { 'X-Huge': 'h'.repeat(80_000) } });
    expect(huge.status).toBe(431);
    expect(await huge.json()).toEqual({ message: 'Request Header Fields Too Large' });
  });

  it('answers 502 when the handler throws or answers something malformed', async () => {
    const api = await start(async (id) => {
      if (id === 'Health') throw new Error('boom');
      return 'not a proxy response';
    });

    for (const path of ['/health', '/applications/x']) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ message: 'Internal server error' });
    }
  });

  it('answers 504 when the integration times out', async () => {
    const api = await start(() => new Promise(() => undefined), { integrationTimeoutMs: 100 });

    const response = await fetch(`${api.url}/health`);

    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({ message: 'Endpoint request timed out' });
  });

  it('refuses a body over the limit without invoking anything', async () => {
    const api = await start(async () => ({ statusCode: 200 }), { maxBodyBytes: 1024 });

    const response = await fetch(`${api.url}/applications`, { method: 'POST', body: 'x'.repeat(2048) });

    expect(response.status).toBe(413);
    expect(events).toHaveLength(0);
  });
});
