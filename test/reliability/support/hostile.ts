import fc from 'fast-check';
import { ROUTES } from '../../../shared/catalogue/routes.ts';
import { applicationInputSchema } from '../../../shared/schemas/application.ts';
import { reviewCriteria, reviewDecisionSchema } from '../../../shared/schemas/decisions.ts';

/**
 * Generators of malformed requests for every endpoint of the API (zod-fast-check does not know
 * zod 4: these are written by hand, from the HTTP contract in the README and the route catalogue). Each generated request says
 * what a correct API must answer: `refused` (a 4xx, nothing written) or `harmless` (a read that may
 * succeed: GET /health with odd headers is still a health check).
 */

export type Route = 'health' | 'calls' | 'form' | 'submit' | 'track' | 'show-task' | 'head-task' | 'decide';

export interface HostileRequest {
  route: Route;
  method: 'GET' | 'HEAD' | 'POST';
  /** The route template, as API Gateway sends it in `resource`. */
  resource: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers: Record<string, string>;
  /** The body as API Gateway passes it: text, or base64 when `isBase64Encoded`. */
  body: string | null;
  isBase64Encoded: boolean;
  /** The exact status the contract requires, when it can be told from the request alone. */
  status?: number;
  expect: 'refused' | 'harmless';
  /** A short name of the attack, for the figures and failure messages. */
  kind: string;
}

/** The real records the requests aim at (so that a wrong token is tried on a real application). */
export interface Targets {
  openCallId: string;
  closedCallId: string;
  applicationId: string;
  trackingToken: string;
  /** Another application's valid token (a token is bound to its application). */
  otherTrackingToken: string;
  taskId: string;
  /** The task's valid `sig` (GET with it is a harmless read; POST with it must still be refused here). */
  validSig: string;
  /** A `sig` correctly signed but expired. */
  expiredSig: string;
  /** A valid application body to the open call (mutated into invalid ones). */
  validBody: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const MAX_BODY = 64 * 1024;

/** Strings people and attackers send: empty, blank, unicode, control characters, injections, huge. */
export const nastyString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\t\n\r',
    '\u202e\u202dtext',
    '\ufeff',
    '\ud800',
    'null',
    'undefined',
    'NaN',
    '-1',
    '1e309',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, sent as typed.
    '${jndi:ldap://x}',
    '{{7*7}}',
    '../../../etc/passwd',
    '%00',
    '%ZZ',
    '__proto__',
    'constructor',
    'APPROVED',
    '😀'.repeat(50),
  ),
  fc.string({ maxLength: 300, unit: 'binary' }),
  fc.string({ maxLength: 40 }),
  fc.integer({ min: 201, max: 6000 }).map((len) => 'x'.repeat(len)),
);

/** A value of the wrong type for almost any field, nesting included. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-1, 0, 0.5, 1e21, Number.MAX_SAFE_INTEGER + 2, 2 ** 53),
  nastyString,
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }),
  fc.integer({ min: 2, max: 2000 }).map((depth) => nested(depth)),
);

/** `[[[…]]]` or `{"a":{"a":…}}`, `depth` levels. */
export function nested(depth: number, object = depth % 2 === 0): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = object ? { a: value } : [value];
  return value;
}

/** Field names nobody may set from outside. */
const forgedFields = [
  'status',
  'id',
  'createdAt',
  'updatedAt',
  'decision',
  'reviewer',
  'review',
  'committee',
  'committed',
  'awarded',
  'language',
  'personalDataPurgedAt',
  '__proto__',
  'constructor',
  'prototype',
  'pk',
  'sk',
  'gsi1pk',
  'taskToken',
];

const leafPaths = [
  'callId',
  'project',
  'project.title',
  'project.summary',
  'project.theme',
  'project.startDate',
  'project.durationMonths',
  'leadAuthority',
  'leadAuthority.name',
  'leadAuthority.country',
  'leadAuthority.kind',
  'leadAuthority.contact',
  'leadAuthority.contact.name',
  'leadAuthority.contact.email',
  'leadAuthority.contact.phone',
  'partnerAuthority.country',
  'partnerAuthority.kind',
  'partnerAuthority.contact.email',
  'budget',
  'budget.totalCost',
  'budget.requestedAmount',
];
const parentPaths = ['', 'project', 'leadAuthority', 'leadAuthority.contact', 'partnerAuthority', 'partnerAuthority.contact', 'budget'];

type Mutation = { op: 'set'; path: string; value: unknown } | { op: 'delete'; path: string } | { op: 'add'; parent: string; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...leafPaths), value: wrongValue }),
  fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...leafPaths.filter((p) => !p.endsWith('phone'))) }),
  fc.record({
    op: fc.constant('add' as const),
    parent: fc.constantFrom(...parentPaths),
    key: fc.oneof(fc.constantFrom(...forgedFields), fc.string({ minLength: 1, maxLength: 12 })),
    value: fc.oneof(fc.constantFrom('APPROVED', 'ERROR', 1_000_000, true), wrongValue),
  }),
);

function mutate(body: Record<string, unknown>, mutations: Mutation[]): Record<string, unknown> {
  const copy = structuredClone(body);
  const nodeAt = (path: string): Record<string, unknown> | undefined => {
    let node: unknown = copy;
    for (const segment of path ? path.split('.') : []) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[segment];
    }
    return node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>) : undefined;
  };
  for (const m of mutations) {
    const path = m.op === 'add' ? m.parent : m.path.split('.').slice(0, -1).join('.');
    const parent = nodeAt(path);
    if (!parent) continue;
    if (m.op === 'set') parent[m.path.split('.').at(-1) as string] = m.value;
    else if (m.op === 'delete') delete parent[m.path.split('.').at(-1) as string];
    // defineProperty: `__proto__` must become an own field, as JSON.parse makes it.
    else Object.defineProperty(parent, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** A header set with odd values: wrong languages, odd Accept, unknown headers, huge values. */
const oddHeaders = fc.record(
  {
    Accept: fc.constantFrom('application/json', 'text/html', '*/*', '', 'application/json;q=0, text/html', 'application/xml', 'x'.repeat(2000)),
    'Accept-Language': fc.constantFrom('ar', 'en-US,en;q=0.9', 'xx', 'fr;q=abc', ',,,;;;', '*', 'zh-Hant-TW;q=1.5', 'ar;q=-1', 'a'.repeat(5000)),
    'X-Forwarded-For': fc.constantFrom('127.0.0.1', '::1, 10.0.0.1', 'not-an-ip', ''),
    Cookie: fc.constantFrom('session=abc', `a=${'b'.repeat(3000)}`, '__proto__=1'),
    Authorization: fc.constantFrom('Bearer x', 'Basic YWRtaW46YWRtaW4=', ''),
    'X-Amz-Target': fc.constantFrom('DynamoDB_20120810.DeleteTable', 'AWSStepFunctions.StopExecution'),
    'X-HTTP-Method-Override': fc.constantFrom('DELETE', 'PUT', 'POST'),
    Origin: fc.constantFrom('https://evil.example', 'null'),
    'Idempotency-Key': fc.oneof(fc.constantFrom('', ' ', 'a b', 'k'.repeat(129), 'é', '../x', '<x>', 'valid-key-but-GET'), fc.string({ maxLength: 30 })),
  },
  { requiredKeys: [] },
);

/** Headers for the HTTP sample: what fetch can send (Latin-1 values, no forbidden names). */
export const httpSafe = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => !['host', 'content-length', 'connection', 'transfer-encoding'].includes(name.toLowerCase()))
      .map(([name, value]) => [name, value.replace(/[^\x20-\x7e]/g, '?')]),
  );

const oddQuery = fc.dictionary(
  fc.oneof(fc.constantFrom('token', 'sig', 'lang', 'v', 'submitted', 'callId', 'status', '__proto__', ''), fc.string({ maxLength: 10 })),
  fc.oneof(fc.constantFrom('', 'ar', 'xx', '1', 'true', 'APPROVED'), nastyString),
  { maxKeys: 4 },
);

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');

// ---------------------------------------------------------------------------------------------
// POST /applications

const jsonTypes = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset="UTF-8"'];

/** Bodies the parser must refuse before any use case runs, with the status it must answer. */
const brokenJsonBodies: fc.Arbitrary<{ body: string; base64: boolean; status: number; kind: string }> = fc.oneof(
  fc.constantFrom(
    { body: '', base64: false, status: 400, kind: 'empty body' },
    { body: '{', base64: false, status: 400, kind: 'truncated JSON' },
    { body: '{"callId":}', base64: false, status: 400, kind: 'broken JSON' },
    { body: "{'callId':'x'}", base64: false, status: 400, kind: 'single quotes' },
    { body: '{"a":1,}', base64: false, status: 400, kind: 'trailing comma' },
    { body: 'NaN', base64: false, status: 400, kind: 'NaN' },
    { body: '\ufeff{}', base64: false, status: 400, kind: 'byte order mark' },
    { body: 'null', base64: false, status: 400, kind: 'JSON null' },
    { body: '[]', base64: false, status: 400, kind: 'JSON array' },
    { body: '"application"', base64: false, status: 400, kind: 'JSON string' },
    { body: '12345', base64: false, status: 400, kind: 'JSON number' },
    { body: b64(Uint8Array.from([0xc0, 0x80])), base64: true, status: 400, kind: 'overlong UTF-8' },
    { body: b64(Uint8Array.from([0x7b, 0x22, 0xe9, 0x22, 0x7d])), base64: true, status: 400, kind: 'Latin-1 byte' },
    { body: b64(Uint8Array.from([0xed, 0xa0, 0x80])), base64: true, status: 400, kind: 'UTF-8 surrogate' },
    { body: b64(Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00])), base64: true, status: 400, kind: 'UTF-16 body' },
  ),
  // Random bytes as the client claims them base64-encoded: invalid UTF-8 or invalid JSON.
  fc.uint8Array({ minLength: 1, maxLength: 400 }).map((bytes) => ({ body: b64(bytes), base64: true, status: 400, kind: 'random bytes' })),
  // The base64 flag lies: set on a text body, or unset on a base64 body.
  fc.string({ minLength: 1, maxLength: 200 }).map((text) => ({ body: `{"callId":"${text}"`, base64: true, status: 400, kind: 'base64 flag on text' })),
  fc.constant(null).map(() => ({ body: b64('{"callId":"2027-T1"}'), base64: false, status: 400, kind: 'base64 without the flag' })),
  // Nesting deep enough to hurt a recursive parser, still under the size limit.
  fc
    .integer({ min: 100, max: 30_000 })
    .map((depth) => ({ body: `${'['.repeat(depth)}${']'.repeat(depth)}`, base64: false, status: 400, kind: 'deep array nesting' })),
  fc
    .integer({ min: 100, max: 10_000 })
    .map((depth) => ({ body: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, base64: false, status: 400, kind: 'deep object nesting' })),
  // Over the 64 KiB limit: plain, multi-byte, or base64 (measured after decoding).
  fc
    .integer({ min: MAX_BODY + 1, max: MAX_BODY + 4096 })
    .map((size) => ({ body: `{"callId":"${'a'.repeat(size)}"}`, base64: false, status: 413, kind: 'body over 64 KiB' })),
  fc
    .integer({ min: MAX_BODY / 2 + 1, max: MAX_BODY / 2 + 2048 })
    .map((count) => ({ body: `{"t":"${'é'.repeat(count)}"}`, base64: false, status: 413, kind: 'multi-byte body over 64 KiB' })),
  fc
    .integer({ min: MAX_BODY + 1, max: MAX_BODY + 2048 })
    .map((size) => ({ body: b64('x'.repeat(size)), base64: true, status: 413, kind: 'base64 body over 64 KiB' })),
);

export function submitRequests(t: Targets): fc.Arbitrary<HostileRequest> {
  const base = (headers: Record<string, string>, body: string | null, isBase64Encoded: boolean, kind: string, status?: number): HostileRequest => ({
    route: 'submit',
    method: 'POST',
    resource: ROUTES.submitApplication.path,
    headers,
    body,
    isBase64Encoded,
    expect: 'refused',
    kind,
    ...(status !== undefined ? { status } : {}),
  });

  // A valid body, mutated (wrong types, missing and extra fields, forged status…), sent as JSON.
  const mutated = fc
    .tuple(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.constantFrom(...jsonTypes), oddHeaders, fc.boolean())
    .map(([mutations, type, headers, key]) => {
      const body = mutate(t.validBody, mutations);
      const valid = applicationInputSchema.safeParse(body).success;
      const text = JSON.stringify(body);
      const withKey = key ? { ...headers, 'Idempotency-Key': 'hostile-key' } : headers;
      const badKey = withKey['Idempotency-Key'] !== undefined && !/^[A-Za-z0-9_\-:.]{1,128}$/.test(withKey['Idempotency-Key']);
      const tooLarge = Buffer.byteLength(text) > MAX_BODY;
      const status = tooLarge ? 413 : badKey || !valid ? 400 : undefined;
      return {
        request: base({ ...withKey, 'Content-Type': type }, text, false, `mutated application (${mutations.map((m) => m.op).join('+')})`, status),
        valid: valid && !tooLarge && !badKey,
      };
    })
    // A mutation may leave the body valid (a wrong value that happens to fit): that is no attack.
    .filter(({ valid }) => !valid)
    .map(({ request }) => request);

  // A valid body that the business refuses before any write: unknown call 404, closed call 409.
  const wrongCall = fc.tuple(fc.constantFrom('unknown', 'closed'), oddHeaders).map(([which, headers]) => {
    const body = { ...t.validBody, callId: which === 'unknown' ? 'NO-SUCH-CALL' : t.closedCallId };
    const { 'Idempotency-Key': _k, ...rest } = headers;
    return base({ ...rest, 'Content-Type': 'application/json' }, JSON.stringify(body), false, `${which} call`, which === 'unknown' ? 404 : 409);
  });

  const broken = fc
    .tuple(brokenJsonBodies, fc.constantFrom(...jsonTypes))
    .map(([b, type]) => base({ 'Content-Type': type, Accept: 'application/json' }, b.body, b.base64, b.kind, b.status));

  // Wrong content types (415), even with a perfect body; a charset other than UTF-8 too.
  const wrongType = fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/json; charset=latin1',
        'application/jsonp',
        'json',
        'application/octet-stream',
        'text/json',
      ),
      fc.boolean(),
    )
    .map(([type, omit]) =>
      base(
        omit ? { Accept: 'application/json' } : { 'Content-Type': type, Accept: 'application/json' },
        JSON.stringify(t.validBody),
        false,
        omit ? 'no content type' : `content type ${type}`,
        415,
      ),
    );

  // The form's encoding with hostile names and values (no key is a field of the application).
  const formName = fc.oneof(
    fc.constantFrom(
      'status',
      '__proto__',
      '__proto__.status',
      'constructor.prototype',
      'project[title]',
      'a.b.c.d.e.f',
      'budget.totalCost.x',
      'project',
      '%00',
      'callId.x',
      'idempotencyKey',
    ),
    fc.string({ minLength: 1, maxLength: 20 }),
  );
  const hostileForm = fc
    .tuple(fc.array(fc.tuple(formName, nastyString), { minLength: 1, maxLength: 8 }), fc.constantFrom('', '&%ZZ=%C0%80', '&=&&=='))
    .map(([fields, tail]) =>
      base(
        { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
        new URLSearchParams(fields).toString() + tail,
        false,
        'hostile form fields',
      ),
    );

  return fc.oneof(
    { arbitrary: mutated, weight: 5 },
    { arbitrary: broken, weight: 3 },
    { arbitrary: wrongType, weight: 1 },
    { arbitrary: wrongCall, weight: 1 },
    { arbitrary: hostileForm, weight: 2 },
  );
}

// ---------------------------------------------------------------------------------------------
// GET /applications/{id}

const base64url = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')),
  minLength: 1,
  maxLength: 64,
});

export function trackRequests(t: Targets): fc.Arbitrary<HostileRequest> {
  const id = fc.oneof(
    fc.constant(t.applicationId),
    base64url.map((s) => s.padEnd(22, 'A').slice(0, 22)),
    fc.constantFrom('', '../../etc/passwd', 'APP#x', '%2e%2e', 'a'.repeat(5000), '<script>', '\u0000'),
    nastyString,
  );
  const token = fc.oneof(
    fc.constant(undefined),
    fc.constant(t.otherTrackingToken),
    // Right length, wrong content; a correct prefix; wrong lengths.
    base64url.map((s) => s.padEnd(32, 'x').slice(0, 32)),
    fc.integer({ min: 1, max: 31 }).map((k) => t.trackingToken.slice(0, k) + 'x'.repeat(32 - k)),
    fc.integer({ min: 0, max: 31 }).map((k) => t.trackingToken.slice(0, k)),
    fc.constant(`${t.trackingToken}x`),
    fc.constant(t.trackingToken.toUpperCase()),
    nastyString,
  );
  return fc
    .tuple(id, token, oddQuery, oddHeaders, fc.boolean())
    .filter(([i, tok]) => !(i === t.applicationId && tok === t.trackingToken))
    .map(([i, tok, query, headers, json]) => ({
      route: 'track' as const,
      method: 'GET' as const,
      resource: ROUTES.trackApplication.path,
      pathParameters: { id: i },
      query: { ...query, ...(tok !== undefined ? { token: tok } : {}) },
      headers: { ...headers, Accept: json ? 'application/json' : (headers.Accept ?? 'text/html') },
      body: null,
      isBase64Encoded: false,
      status: 404,
      expect: 'refused' as const,
      kind: i === t.applicationId ? 'wrong token' : 'unknown id',
    }));
}

// ---------------------------------------------------------------------------------------------
// /tasks/{taskId}

const sigs = (t: Targets) =>
  fc.oneof(
    fc.constant(undefined),
    fc.constant(t.expiredSig),
    // Tampered: one character of the MAC changed, the recipient index changed, the expiry changed.
    fc.integer({ min: 0, max: t.validSig.length - 1 }).map((i) => t.validSig.slice(0, i) + (t.validSig[i] === 'A' ? 'B' : 'A') + t.validSig.slice(i + 1)),
    fc.integer({ min: 1, max: t.validSig.length - 1 }).map((k) => t.validSig.slice(0, k)),
    fc.constant(t.validSig.replace(/^(\d+)\.(\d+)\./, (_, exp: string) => `${exp}.1.`)),
    fc.constant(t.validSig.replace(/^(\d+)\./, (_, exp: string) => `${Number(exp) + 3600}.`)),
    fc.constantFrom('', '0.0.', `9999999999.0.${'A'.repeat(43)}`, `1.999.${'A'.repeat(43)}`, 'x'.repeat(10_000)),
    nastyString,
  );

const taskId = (t: Targets) =>
  fc.oneof({ arbitrary: fc.constant(t.taskId), weight: 4 }, { arbitrary: base64url, weight: 1 }, { arbitrary: nastyString, weight: 1 });

export function showTaskRequests(t: Targets, method: 'GET' | 'HEAD'): fc.Arbitrary<HostileRequest> {
  return fc
    .tuple(
      taskId(t),
      fc.oneof({ arbitrary: sigs(t), weight: 5 }, { arbitrary: fc.constant(t.validSig), weight: 1 }),
      oddQuery,
      oddHeaders,
      fc.option(nastyString),
    )
    .map(([id, sig, query, headers, body]) => ({
      route: method === 'GET' ? ('show-task' as const) : ('head-task' as const),
      method,
      resource: ROUTES.showTask.path,
      pathParameters: { taskId: id },
      query: { ...query, ...(sig !== undefined ? { sig } : {}) },
      headers,
      body,
      isBase64Encoded: false,
      // With the right link a GET shows the page: harmless, it only reads.
      expect: id === t.taskId && sig === t.validSig ? ('harmless' as const) : ('refused' as const),
      kind: id !== t.taskId ? 'unknown task' : sig === t.validSig ? 'valid link, odd request' : 'bad or expired signature',
    }));
}

const reviewValue = fc.oneof(
  fc.constantFrom('favorable', 'unfavorable', 'changes', 'approve', 'reject', 'FAVORABLE', '0', '6', '-1', '3.5', '1e1', ' 3', ''),
  nastyString,
);

/** Decision forms that must never decide: a bad link, or fields the review schema refuses. */
export function decideRequests(t: Targets): fc.Arbitrary<HostileRequest> {
  const fieldName = fc.oneof(
    fc.constantFrom(
      'decision',
      ...reviewCriteria,
      'comment',
      'grantedFR',
      'grantedMA',
      'grantedAmount',
      'status',
      'taskToken',
      'decidedBy',
      '__proto__',
      'sig',
    ),
    fc.string({ minLength: 1, maxLength: 12 }),
  );
  const fields = fc.array(fc.tuple(fieldName, reviewValue), { maxLength: 10 });
  const form = fc
    .tuple(taskId(t), fc.oneof({ arbitrary: sigs(t), weight: 3 }, { arbitrary: fc.constant(t.validSig), weight: 2 }), fields)
    .map(([id, sig, pairs]) => {
      const params = new URLSearchParams(pairs);
      if (sig !== undefined) params.set('sig', sig);
      // What decide-task keeps of the form: the first value of each field.
      const kept: Record<string, string> = {};
      for (const [k, v] of params) if (!Object.hasOwn(kept, k)) kept[k] = v;
      const picked = Object.fromEntries(['decision', ...reviewCriteria, 'comment'].filter((k) => kept[k] !== undefined).map((k) => [k, kept[k]]));
      const decides = id === t.taskId && sig === t.validSig && reviewDecisionSchema.safeParse(picked).success;
      return { id, sig, body: params.toString(), decides };
    });
  const request = (
    id: string,
    headers: Record<string, string>,
    body: string | null,
    isBase64Encoded: boolean,
    kind: string,
    status?: number,
  ): HostileRequest => ({
    route: 'decide',
    method: 'POST',
    resource: ROUTES.decideTask.path,
    pathParameters: { taskId: id },
    headers,
    body,
    isBase64Encoded,
    expect: 'refused',
    kind,
    ...(status !== undefined ? { status } : {}),
  });
  const formType = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' };
  return fc.oneof(
    {
      arbitrary: form
        .filter((f) => !f.decides)
        .map((f) =>
          request(
            f.id,
            formType,
            f.body,
            false,
            f.id !== t.taskId ? 'unknown task' : f.sig === t.validSig ? 'valid link, invalid fields' : 'bad or expired signature',
          ),
        ),
      weight: 6,
    },
    // Not a form: JSON, multipart, none (415) — even with the right link.
    {
      arbitrary: fc
        .constantFrom('application/json', 'multipart/form-data; boundary=x', 'text/plain', '')
        .map((type) =>
          request(
            t.taskId,
            type ? { 'Content-Type': type } : {},
            JSON.stringify({ sig: t.validSig, decision: 'favorable', relevance: 5, feasibility: 5, partnership: 5, impact: 5 }),
            false,
            `decision as ${type || 'no content type'}`,
            415,
          ),
        ),
      weight: 1,
    },
    // Over the limit, or not UTF-8, with the right link.
    {
      arbitrary: fc
        .constantFrom(
          { body: `sig=${encodeURIComponent(t.validSig)}&comment=${'a'.repeat(MAX_BODY)}`, base64: false, status: 413, kind: 'form over 64 KiB' },
          {
            body: b64(Buffer.concat([Buffer.from(`sig=${encodeURIComponent(t.validSig)}&decision=favorable&comment=`), Buffer.from([0xff, 0xfe])])),
            base64: true,
            status: 400,
            kind: 'form not UTF-8',
          },
        )
        .map((b) => request(t.taskId, formType, b.body, b.base64, b.kind, b.status)),
      weight: 1,
    },
  );
}

// ---------------------------------------------------------------------------------------------
// The reads: GET /health, GET /calls, GET / (and its script)

export function readRequests(route: 'health' | 'calls' | 'form'): fc.Arbitrary<HostileRequest> {
  const resource = ROUTES[route === 'health' ? 'health' : route === 'calls' ? 'listCalls' : 'form'].path;
  const asset = fc.oneof(fc.constant('form.js'), nastyString, fc.constantFrom('../handler.ts', '..%2f..%2fpackage.json', 'form.js.map'));
  return fc.tuple(oddQuery, oddHeaders, fc.option(nastyString), fc.boolean(), asset).map(([query, headers, body, script, name]) => {
    const onAsset = route === 'form' && script;
    return {
      route,
      method: 'GET' as const,
      resource: onAsset ? ROUTES.asset.path : resource,
      ...(onAsset ? { pathParameters: { asset: name } } : {}),
      query,
      headers,
      body,
      isBase64Encoded: false,
      expect: 'harmless' as const,
      kind: onAsset ? 'odd asset name' : 'odd read',
    };
  });
}
