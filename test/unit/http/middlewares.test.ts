import '../api/env.ts';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import { CallNotFoundError, TransientError, ValidationError } from '../../../shared/domain/errors.ts';
import { httpHandler } from '../../../shared/http/api-handler.ts';
import { httpErrorHandler } from '../../../shared/http/error-handler.ts';
import { requestLogger } from '../../../shared/http/logger.ts';
import { htmlProblem } from '../../../shared/http/problem-renderers.ts';
import { baseUrlFor, preferredLanguage } from '../../../shared/http/request.ts';
import { html, json } from '../../../shared/http/responses.ts';
import type { ApiEvent, ApiResult } from '../../../shared/http/types.ts';
import { applicationInputSchema } from '../../../shared/schemas/application.ts';
import { apiEvent, bodyOf, lambdaContext } from '../../fixtures/api-event.ts';

const post = (body: string | null, headers: Record<string, string> = { 'Content-Type': 'application/json' }, extra = {}) =>
  apiEvent({ method: 'POST', resource: '/applications', body, headers, ...extra });

/** A JSON endpoint that echoes what the parser gave it. */
const echo = httpHandler({ body: 'json' }, async (event) => json(200, { received: event.body }));

describe('JSON body parsing', () => {
  it('parses application/json, with or without a UTF-8 charset', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"']) {
      const res = await echo(post('{"a":1}', { 'content-type': type }), lambdaContext);
      expect(res.statusCode).toBe(200);
      expect(bodyOf(res)).toEqual({ received: { a: 1 } });
    }
  });

  it('refuses anything but JSON with 415, before reading the body', async () => {
    const variants: Record<string, string>[] = [{ 'Content-Type': 'text/plain' }, { 'Content-Type': 'application/json; charset=latin1' }, {}];
    for (const headers of variants) {
      const res = await echo(post('{"a":1}', headers), lambdaContext);
      expect(res.statusCode).toBe(415);
      expect(bodyOf(res)).toMatchObject({ error: 'UNSUPPORTED_MEDIA_TYPE' });
    }
  });

  it('refuses a body over 64 KiB with 413, raw or base64-encoded', async () => {
    const big = JSON.stringify({ a: 'x'.repeat(64 * 1024) });
    expect((await echo(post(big), lambdaContext)).statusCode).toBe(413);
    const encoded = Buffer.from(big).toString('base64');
    expect((await echo(post(encoded, undefined, { isBase64Encoded: true }), lambdaContext)).statusCode).toBe(413);
    // Exactly 64 KiB of multi-byte text is counted in bytes, not characters.
    const accents = JSON.stringify({ a: 'é'.repeat(33 * 1024) });
    expect((await echo(post(accents), lambdaContext)).statusCode).toBe(413);
  });

  it('answers malformed JSON with 400 (not 422), and invalid UTF-8 too', async () => {
    const res = await echo(post('{"a":'), lambdaContext);
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res)).toMatchObject({ error: 'MALFORMED_BODY' });
    expect((await echo(post(''), lambdaContext)).statusCode).toBe(400);
    const latin1 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]).toString('base64');
    expect((await echo(post(latin1, undefined, { isBase64Encoded: true }), lambdaContext)).statusCode).toBe(400);
  });

  it('decodes base64 bodies', async () => {
    const res = await echo(post(Buffer.from('{"ville":"Fès"}').toString('base64'), undefined, { isBase64Encoded: true }), lambdaContext);
    expect(bodyOf(res)).toEqual({ received: { ville: 'Fès' } });
  });
});

describe('form parsing', () => {
  const form = httpHandler({ body: 'form' }, async (event) => json(200, event.body));
  it('parses urlencoded fields, first value of a repeated field wins', async () => {
    const res = await form(
      post('sig=a.b.c&comment=Tr%C3%A8s+bien&decision=favorable&decision=changes', { 'Content-Type': 'application/x-www-form-urlencoded' }),
      lambdaContext,
    );
    expect(bodyOf(res)).toEqual({ sig: 'a.b.c', comment: 'Très bien', decision: 'favorable' });
  });
  it('refuses JSON with 415', async () => {
    expect((await form(post('{}'), lambdaContext)).statusCode).toBe(415);
  });
});

describe('JSON or form parsing (POST /applications)', () => {
  const either = httpHandler({ body: 'json-or-form' }, async (event) => json(200, { format: event.bodyFormat, received: event.body }));

  it('takes JSON and urlencoded bodies, saying which it got; refuses anything else with 415', async () => {
    expect(bodyOf(await either(post('{"a":1}'), lambdaContext))).toEqual({ format: 'json', received: { a: 1 } });
    const form = await either(post('a=1&b.c=%C3%A9', { 'Content-Type': 'application/x-www-form-urlencoded' }), lambdaContext);
    expect(bodyOf(form)).toEqual({ format: 'form', received: { a: '1', 'b.c': 'é' } });
    expect((await either(post('a', { 'Content-Type': 'text/plain' }), lambdaContext)).statusCode).toBe(415);
  });
});

describe('error mapping', () => {
  const failing = (error: unknown) =>
    httpHandler({}, async () => {
      throw error;
    });
  const get = apiEvent({ method: 'GET', resource: '/x' });

  it('a DomainError answers its status and code', async () => {
    const res = await failing(new CallNotFoundError('L’appel « X » n’existe pas.'))(get, lambdaContext);
    expect(res.statusCode).toBe(404);
    expect(bodyOf(res)).toEqual({ error: 'CALL_NOT_FOUND', message: 'L’appel « X » n’existe pas.' });
    expect(res.headers?.['Content-Type']).toBe('application/json; charset=utf-8');
  });

  it('a zod error is a 400 whose issues have dotted paths; unknown fields are named', async () => {
    const parsed = applicationInputSchema.safeParse({ callId: '2027-T1', status: 'APPROVED', budget: { totalCost: 10, requestedAmount: 20 } });
    const res = await failing(parsed.error)(get, lambdaContext);
    expect(res.statusCode).toBe(400);
    const body = bodyOf(res) as { error: string; issues: { path: string; message: string }[] };
    expect(body.error).toBe('VALIDATION_FAILED');
    const paths = body.issues.map((i) => i.path);
    expect(paths).toContain('status');
    expect(paths).toContain('project');
    const nested = await failing(z.object({ budget: z.object({ requestedAmount: z.number() }) }).safeParse({ budget: {} }).error)(get, lambdaContext);
    expect((bodyOf(nested) as { issues: { path: string }[] }).issues[0]?.path).toBe('budget.requestedAmount');
  });

  it('a ValidationError keeps its issues', async () => {
    const res = await failing(new ValidationError('invalide', [{ path: 'budget.totalCost', message: 'trop grand' }]))(get, lambdaContext);
    expect(bodyOf(res)).toEqual({ error: 'VALIDATION_FAILED', message: 'invalide', issues: [{ path: 'budget.totalCost', message: 'trop grand' }] });
  });

  it('a TransientError is a 503 with Retry-After', async () => {
    const res = await failing(new TransientError('DynamoDB unavailable'))(get, lambdaContext);
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBe('5');
    expect(bodyOf(res)).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
  });

  it("a request stopped before Lambda's timeout (slow dependencies) is a 503 with Retry-After, not a 500", async () => {
    const timedOut = Object.assign(new Error('[AbortError]: The operation was aborted.'), { name: 'TimeoutError' });
    const res = await failing(timedOut)(get, lambdaContext);
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBe('5');
    expect(bodyOf(res)).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
  });

  it('anything else is a 500 that tells nothing of our internals, and is logged', async () => {
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const h = middy<ApiEvent<unknown>, ApiResult>()
      .use(httpErrorHandler({ logger: log as unknown as Logger }))
      .handler(async () => {
        throw new Error('secret table name arn:aws:dynamodb:…');
      });
    const res = await h(get, lambdaContext);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(bodyOf(res)).toEqual({ error: 'INTERNAL_ERROR', message: expect.any(String) });
    expect(log.error).toHaveBeenCalledOnce();
  });

  it('HTML routes get an escaped page instead, with the same status', async () => {
    const h = httpHandler({ renderProblem: htmlProblem({ contact: 'secretariat@coopfund.example.org' }) }, async () => {
      throw new ValidationError('invalide', [{ path: 'comment', message: '<script>alert(1)</script>' }]);
    });
    const res = await h(get, lambdaContext);
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>');
  });
});

describe('error pages', () => {
  it('a page that cannot be drawn still answers the problem (as JSON), and is logged', async () => {
    const error = vi.fn();
    const logger = { info: vi.fn(), warn: vi.fn(), error } as unknown as Pick<Logger, 'info' | 'warn' | 'error'>;
    const failing = middy<ApiEvent<unknown>, ApiResult>()
      .use(httpErrorHandler({ logger, render: async () => Promise.reject(new Error('calls unavailable')) }))
      .handler(async () => {
        throw new CallNotFoundError('Appel inconnu.');
      });
    const res = await failing(post(null), lambdaContext);
    expect(res.statusCode).toBe(404);
    expect(bodyOf(res)).toMatchObject({ error: 'CALL_NOT_FOUND' });
    expect(error).toHaveBeenCalledWith('problem page failed', expect.any(Error));
  });

  it('are in the visitor’s language', async () => {
    const page = httpHandler({ renderProblem: htmlProblem({ contact: 'secretariat@example.org' }) }, async () => {
      throw new TransientError('indisponible');
    });
    const res = await page(apiEvent({ method: 'GET', resource: '/tasks/{taskId}', query: { lang: 'en' } }), lambdaContext);
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('<h1>Service briefly unavailable</h1>');
    expect(res.body).toContain('mailto:secretariat@example.org');
  });
});

describe('security headers', () => {
  const expectSecure = (res: ApiResult) => {
    const h = res.headers ?? {};
    const csp = String(h['Content-Security-Policy']);
    for (const directive of ["default-src 'none'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'", "img-src 'self'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('script-src');
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['X-Frame-Options']).toBe('DENY');
    expect(h['Referrer-Policy']).toBe('no-referrer');
  };

  it('are on every answer: JSON, HTML, errors', async () => {
    const get = apiEvent({ method: 'GET', resource: '/x' });
    const ok = await httpHandler({}, async () => json(200, {}))(get, lambdaContext);
    const page = await httpHandler({}, async () => html(200, '<!doctype html><title>x</title>'))(get, lambdaContext);
    const failed = await httpHandler({}, async () => {
      throw new Error('boom');
    })(get, lambdaContext);
    const refused = await echo(post('x', { 'Content-Type': 'text/plain' }), lambdaContext);
    for (const res of [ok, page, failed, refused]) {
      expectSecure(res);
      expect(res.headers?.['Cache-Control']).toBe('no-store');
    }
  });

  it('a handler may set its own caching', async () => {
    const res = await httpHandler({}, async () => json(200, {}, { 'cache-control': 'public, max-age=60' }))(
      apiEvent({ method: 'GET', resource: '/x' }),
      lambdaContext,
    );
    expect(res.headers?.['cache-control']).toBe('public, max-age=60');
    expect(res.headers?.['Cache-Control']).toBeUndefined();
  });

  it('HEAD answers like GET without a body', async () => {
    const res = await httpHandler({}, async () => html(200, '<p>page</p>'))(apiEvent({ method: 'HEAD', resource: '/x' }), lambdaContext);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expectSecure(res);
  });
});

describe('request logging', () => {
  it('logs the route template and status, never the path, query string or token', async () => {
    const keys: Record<string, unknown>[] = [];
    const lines: unknown[] = [];
    const fake = {
      resetKeys: vi.fn(),
      addContext: vi.fn(),
      appendKeys: (k: Record<string, unknown>) => keys.push(k),
      info: (...args: unknown[]) => lines.push(args),
    } as unknown as Logger;
    const h = middy<ApiEvent<unknown>, ApiResult>()
      .use(requestLogger({ logger: fake }))
      .handler(async () => json(200, {}));
    await h(apiEvent({ method: 'GET', resource: '/applications/{id}', pathParameters: { id: 'app-1' }, query: { token: 'SECRET-TOKEN' } }), lambdaContext);
    const logged = JSON.stringify([keys, lines]);
    expect(logged).toContain('GET /applications/{id}');
    expect(logged).toContain('200');
    expect(logged).not.toContain('SECRET-TOKEN');
    expect(logged).not.toContain('token=');
  });
});

describe('request helpers', () => {
  it('picks the language from ?lang=, then Accept-Language, French by default', () => {
    const ev = (query?: Record<string, string>, lang?: string) =>
      apiEvent({ method: 'POST', resource: '/applications', ...(query ? { query } : {}), headers: lang ? { 'Accept-Language': lang } : {} });
    expect(preferredLanguage(ev())).toBe('fr');
    expect(preferredLanguage(ev({ lang: 'en' }, 'ar'))).toBe('en');
    expect(preferredLanguage(ev({ lang: 'de' }, 'ar-MA,ar;q=0.9,fr;q=0.8'))).toBe('ar');
    expect(preferredLanguage(ev(undefined, 'de-DE,en;q=0.5,fr;q=0.7'))).toBe('fr');
    expect(preferredLanguage(ev(undefined, 'de-DE'))).toBe('fr');
  });

  it('derives the base URL from the request when BASE_URL is unset', () => {
    const ev = apiEvent({ method: 'GET', resource: '/x', stage: 'prod', domainName: 'abc.execute-api.eu-west-3.amazonaws.com' });
    expect(baseUrlFor(ev, 'https://fonds.example.org')).toBe('https://fonds.example.org');
    expect(baseUrlFor(ev, undefined)).toBe('https://abc.execute-api.eu-west-3.amazonaws.com/prod');
    const local = apiEvent({ method: 'GET', resource: '/x', headers: { Host: 'localhost:3000' }, domainName: 'localhost' });
    expect(baseUrlFor(local, undefined)).toBe('http://localhost:3000');
  });
});
