import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { run as admin } from '../../admin/cli.ts';
import { localRepository, demoCoChairs, demoReviewers } from '../../local/seed.ts';
import { readMailbox, localCredentials, type MailboxEmail } from '../../local/services.ts';
import { readJournals } from '../../local/stepfunctions/journal.ts';
import { LOCAL_REGION } from '../../local/template.ts';
import { hmacSigner } from '../../shared/links/signing.ts';
import { trackingToken } from '../../shared/links/links.ts';
import type { Repository } from '../../shared/ports/index.ts';
import {
  anApplication,
  type ApplicationBody,
  emailsTo,
  fillAndSend,
  openCalls,
  type OpenCall,
  showStackLinesOnFailure,
  startTestStack,
  submit,
  taskLinkIn,
  type TestStack,
  waitForEmail,
  waitForStatus,
} from '../e2e/support.ts';
import { problemsWith } from './support/answers.ts';
import { n, plan, record } from './support/figures.ts';
import { decideRequests, type HostileRequest, readRequests, showTaskRequests, submitRequests, trackRequests } from './support/hostile.ts';
import { sendOverHttp } from './support/http.ts';
import { scanTable, type Item } from './support/table.ts';
import { closedCall, expiredSigOf } from './support/world.ts';

/**
 * The reliability points that need the whole thing, on the local stack (`npm start`'s own code):
 * HTTP, the gateway, worker threads per function, the durable Step Functions engine, dynalite and
 * the SES emulator. Its fault switch (local/faults.ts) fails the functions' AWS calls on demand.
 * Every line the stack and its functions print is kept, and scanned at the end for secrets and
 * personal data.
 */
plan(
  ['duplicates', 'over HTTP'],
  ['hostile', 'over HTTP, local stack'],
  ['faults', 'local stack, fault switch'],
  ['links', 'over HTTP, local stack'],
  ['secrets', 'log scan, local stack'],
  ['secrets', 'purge'],
);

let t: TestStack;
let api: string;
let mailbox: string;
let demo: OpenCall;
let repository: Repository;
let closeRepository: () => void;
let doc: DynamoDBDocumentClient;
/** Every line the functions wrote, as written (Powertools JSON), whatever the level shown. */
const raw: string[] = [];
/** What the log scan looks for: personal data and secrets met during the run. */
const people = new Set<string>([...demoReviewers, ...demoCoChairs].flatMap((p) => [p.name, p.email]));
const secrets = new Set<string>();

beforeAll(async () => {
  t = await startTestStack({
    faults: true,
    // The workflow's Retry pauses (2 s, doubling) shortened: what is retried stays the same.
    retryIntervalMs: 50,
    handlerLogLevel: 'DEBUG',
    functionEnvironment: { POWERTOOLS_LOG_LEVEL: 'DEBUG' },
    rawOutput: (_fn, line) => raw.push(line),
  });
  api = t.stack.urls.api;
  mailbox = t.stack.urls.mailbox;
  [demo] = (await openCalls(api)).filter((c) => c.id === t.stack.demoCallId) as [OpenCall];
  ({ repository, close: closeRepository } = localRepository(t.stack.urls.dynamodb, LOCAL_REGION, t.stack.tableName));
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: t.stack.urls.dynamodb, region: LOCAL_REGION, credentials: localCredentials }));
  await repository.putCall(closedCall());
  secrets.add((await readFile(join(t.dataDir, 'signing-secret'), 'utf8')).trim());
}, 90_000);

afterAll(async () => {
  closeRepository?.();
  doc?.destroy();
  await t?.dispose();
});

beforeEach(() => {
  showStackLinesOnFailure(() => t.lines);
});

const scan = () => scanTable(doc, t.stack.tableName);
const applicationIds = (items: Item[]) => items.filter((i) => i.sk === 'APP').map((i) => String(i.id));
const executions = async () => (await t.stack.engine.listExecutions({ maxResults: 1000 })).executions;
const emailCount = async () => (await readMailbox(mailbox.replace(/\/$/, ''))).length;

function remember(body: ApplicationBody): void {
  for (const contact of [body.leadAuthority.contact, body.partnerAuthority.contact] as Array<{ name: string; email: string; phone?: string }>) {
    people.add(contact.name);
    people.add(contact.email);
    if (contact.phone) people.add(contact.phone);
  }
}

function anApplicationToDemo(): ApplicationBody {
  const body = anApplication(demo);
  remember(body);
  return body;
}

/** Waits until the reviewer's request for `title` arrives, to whichever reviewer got it. */
async function reviewRequest(title: string): Promise<MailboxEmail> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    for (const reviewer of demoReviewers) {
      const [email] = (await emailsTo(mailbox, reviewer.email, /^Avis d’instruction attendu/)).filter((e) => e.subject.includes(title));
      if (email) return email;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no review request for « ${title} »`);
}

/** The application's status as stored (the tracking page may be what a fault is failing). */
async function statusOf(id: string, wanted: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let status: string | undefined;
  while (Date.now() < deadline) {
    status = (await repository.getApplication(id))?.status;
    if (status === wanted) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return String(status);
}

/**
 * Until every running execution waits for a person (its last event: the waiting task submitted):
 * a fault injected then meets only the next application's calls.
 */
async function quiet(timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = (await executions()).filter((e) => e.status === 'RUNNING');
    const last = await Promise.all(
      running.map(async (e) => (await t.stack.engine.getExecutionHistory(e.executionArn, { maxResults: 1, reverseOrder: true })).events[0]?.type),
    );
    if (last.every((type) => type === 'TaskSubmitted')) return;
    if (Date.now() > deadline) throw new Error(`executions still running: ${last.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const failedTasks = async (id: string) =>
  (await t.stack.engine.getExecutionHistory(`${t.stack.engine.stateMachineArn.replace(':stateMachine:', ':execution:')}:${id}`, { maxResults: 1000 })).events
    .filter((e) => e.type === 'LambdaFunctionFailed')
    .map((e) => (e.lambdaFunctionFailedEventDetails as { error: string }).error);

let first: { id: string; trackingUrl: string; body: ApplicationBody };
let reviewLink: string;
const linkFigures: string[] = [];
const faultFigures: string[] = [];

describe('on the local stack', { timeout: 120_000 }, () => {
  it('50 identical submissions at once with one Idempotency-Key: one application, one execution, one id; another body → 422', async () => {
    const body = anApplicationToDemo();
    const before = { apps: applicationIds(await scan()).length, executions: (await executions()).length };
    const post = (payload: unknown) =>
      fetch(`${api}/applications`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': 'reliability-fifty' },
        body: JSON.stringify(payload),
      });
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(body)));
    const results = await Promise.all(answers.map(async (a) => ({ status: a.status, body: (await a.json()) as { id: string; trackingUrl: string } })));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const [id = ''] = [...ids];
    expect(applicationIds(await scan()).length - before.apps).toBe(1);
    const mine = (await executions()).filter((e) => e.name.startsWith(id));
    expect(mine.map((e) => e.name)).toEqual([id]);
    expect((await executions()).length - before.executions).toBe(1);
    const other = await post({ ...body, budget: { totalCost: 120_000, requestedAmount: 40_000 } });
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ error: 'IDEMPOTENCY_KEY_REUSED' });
    first = { id, trackingUrl: results[0]?.body.trackingUrl ?? '', body };
    secrets.add(new URL(first.trackingUrl).searchParams.get('token') ?? '');
    // One receipt for the one application, to both contacts.
    await waitForEmail(mailbox, { to: body.leadAuthority.contact.email, subject: `Dossier reçu — ${body.project.title}` });
    expect(await emailsTo(mailbox, body.leadAuthority.contact.email, /^Dossier reçu/)).toHaveLength(1);
    record({
      point: 'duplicates',
      label: 'over HTTP',
      text: '50 concurrent submissions, one key → 1 application, 1 execution, 1 id, 1 receipt; same key, other body → 422',
      short: '50 submissions with one key → 1 application, 1 execution; other body → 422',
    });
  });

  it('10 HEAD and 10 GET of the emailed decision link decide nothing and write nothing', async () => {
    reviewLink = taskLinkIn(await reviewRequest(first.body.project.title));
    const taskId = new URL(reviewLink).pathname.split('/').at(-1) ?? '';
    expect(Buffer.from(taskId, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    const before = await scan();
    const waiting = t.stack.engine.pendingTasks().filter((p) => p.executionArn.endsWith(`:${first.id}`));
    expect(waiting.map((p) => p.stateName)).toEqual(['RequestReview']);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fetch(reviewLink, { method: i < 10 ? 'HEAD' : 'GET', headers: { Accept: 'text/html' } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await scan()).toEqual(before);
    expect(
      t.stack.engine
        .pendingTasks()
        .filter((p) => p.executionArn.endsWith(`:${first.id}`))
        .map((p) => p.token),
    ).toEqual(waiting.map((p) => p.token));
    linkFigures.push('20 HEAD/GET of an emailed link → 0 decisions, 0 writes');
  });

  it('hostile requests over HTTP: a sample of every endpoint, 0 5xx, 0 writes, 0 executions, 0 emails', async () => {
    const signer = hmacSigner(async () => [...secrets][0] ?? '');
    const taskId = new URL(reviewLink).pathname.split('/').at(-1) ?? '';
    const task = await repository.getTask(taskId);
    const { callId: _c, ...body } = anApplicationToDemo();
    const targets = {
      openCallId: demo.id,
      closedCallId: closedCall().id,
      applicationId: first.id,
      trackingToken: new URL(first.trackingUrl).searchParams.get('token') ?? '',
      otherTrackingToken: await trackingToken(signer, 'another-application-id'),
      taskId,
      validSig: new URL(reviewLink).searchParams.get('sig') ?? '',
      expiredSig: task ? await expiredSigOf(signer, task) : '',
      validBody: { callId: demo.id, ...body },
    };
    const sample = (arbitrary: fc.Arbitrary<HostileRequest>, count: number) =>
      fc.sample(arbitrary, count).filter((r) => !Object.values(r.pathParameters ?? {}).some((p) => /^\.{1,2}$/.test(p)));
    const requests = [
      ...sample(submitRequests(targets), 50),
      ...sample(decideRequests(targets), 25),
      ...sample(trackRequests(targets), 20),
      ...sample(showTaskRequests(targets, 'GET'), 15),
      ...sample(showTaskRequests(targets, 'HEAD'), 5),
      ...sample(readRequests('health'), 5),
      ...sample(readRequests('calls'), 5),
      ...sample(readRequests('form'), 5),
      // API Gateway's own answers: no route, no method.
      {
        route: 'health',
        method: 'POST',
        resource: '/nowhere',
        headers: {},
        body: '{}',
        isBase64Encoded: false,
        expect: 'refused',
        status: 404,
        kind: 'unknown route',
      },
      {
        route: 'health',
        method: 'POST',
        resource: '/health',
        headers: {},
        body: '{}',
        isBase64Encoded: false,
        expect: 'refused',
        status: 404,
        kind: 'unknown method',
      },
      // A parameter and a header named __proto__ are plain names (they once crashed the local gateway).
      {
        route: 'health',
        method: 'GET',
        resource: '/health',
        query: Object.fromEntries([
          ['__proto__', 'x'],
          ['constructor', 'y'],
        ]),
        headers: Object.fromEntries([['__proto__', 'x']]),
        body: null,
        isBase64Encoded: false,
        expect: 'harmless',
        kind: '__proto__ names',
      },
    ] as HostileRequest[];
    const before = { table: await scan(), executions: (await executions()).length, emails: await emailCount() };
    const pendingBefore = t.stack.engine
      .pendingTasks()
      .map((p) => p.token)
      .sort();
    let fiveHundreds = 0;
    for (const request of requests) {
      const answer = await sendOverHttp(api, request);
      if (answer.status >= 500) fiveHundreds += 1;
      expect(problemsWith(request, answer), `${request.method} ${request.resource} (${request.kind}) → ${answer.status}: ${answer.body.slice(0, 300)}`).toEqual(
        [],
      );
    }
    const after = { table: await scan(), executions: (await executions()).length, emails: await emailCount() };
    expect(after.table).toEqual(before.table);
    expect(after.executions).toBe(before.executions);
    expect(after.emails).toBe(before.emails);
    expect(
      t.stack.engine
        .pendingTasks()
        .map((p) => p.token)
        .sort(),
    ).toEqual(pendingBefore);
    record({
      point: 'hostile',
      label: 'over HTTP, local stack',
      counts: { tried: requests.length, '5xx': fiveHundreds, writes: 0, executions: 0, emails: 0 },
      text: `${n(requests.length)} tried, ${fiveHundreds} 5xx, 0 writes, 0 executions, 0 emails`,
    });
  });

  it('Step Functions unavailable at submission: 503 with Retry-After, nothing stored; the retry files it once', async () => {
    const body = anApplicationToDemo();
    const before = await scan();
    const fault = t.stack.faults?.inject({ service: 'sfn', operation: 'StartExecution', error: 'ServiceUnavailable' });
    const post = () =>
      fetch(`${api}/applications`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'reliability-sfn-down' },
        body: JSON.stringify(body),
      });
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await scan()).toEqual(before);
    fault?.clear();
    const filed = await post();
    expect(filed.status).toBe(201);
    const { id } = (await filed.json()) as { id: string };
    expect((await executions()).filter((e) => e.name === id)).toHaveLength(1);
    faultFigures.push('SFN down at submission → 503 + Retry-After, 0 stored, retry filed once');
  });

  it('SES throttling for a while: the workflow retries, the receipt goes once, the application goes on', async () => {
    const body = anApplicationToDemo();
    const lead = body.leadAuthority.contact.email;
    // Four failures: three inside the first invocation (the SDK's own attempts), one in the second.
    t.stack.faults?.inject({ service: 'ses', operation: 'SendEmail', match: lead, error: 'Throttling', message: 'Maximum sending rate exceeded.', count: 4 });
    const { id } = await submit(api, body);
    expect(await statusOf(id, 'IN_REVIEW')).toBe('IN_REVIEW');
    await waitForEmail(mailbox, { to: lead, subject: `Dossier reçu — ${body.project.title}` });
    expect(await emailsTo(mailbox, lead, /^Dossier reçu/)).toHaveLength(1);
    // Retried by the state machine (once, unless the SDK's own retry budget ran out): never recorded as ERROR.
    expect(await failedTasks(id)).toContain('TransientError');
    expect(new Set(await failedTasks(id))).toEqual(new Set(['TransientError']));
    faultFigures.push('SES throttled ×4 → 1 retry, 1 receipt, workflow goes on');
  });

  it('DynamoDB throttling for a while: the workflow retries and goes on', async () => {
    const body = anApplicationToDemo();
    // The next four reads of an application fail: the workflow's first task makes them (the API
    // reads only the call; every other execution is waiting for a person).
    await quiet();
    t.stack.faults?.inject({ service: 'dynamodb', operation: 'GetItem', match: '"APP#', error: 'ProvisionedThroughputExceededException', count: 4 });
    const { id } = await submit(api, body);
    expect(await statusOf(id, 'IN_REVIEW')).toBe('IN_REVIEW');
    expect(new Set(await failedTasks(id))).toEqual(new Set(['TransientError']));
    await waitForEmail(mailbox, { to: body.leadAuthority.contact.email, subject: `Dossier reçu — ${body.project.title}` });
    expect(await emailsTo(mailbox, body.leadAuthority.contact.email, /^Dossier reçu/)).toHaveLength(1);
    faultFigures.push('DynamoDB throttled ×4 → retried, goes on');
  });

  it('SES rejecting an address: ERROR at once (no retry), the admins alerted, the execution failed', async () => {
    const body = anApplicationToDemo();
    const lead = body.leadAuthority.contact.email;
    t.stack.faults?.inject({
      service: 'ses',
      operation: 'SendEmail',
      match: lead,
      error: 'MessageRejected',
      message: `Email address is not verified: ${lead}`,
    });
    const { id } = await submit(api, body);
    expect(await statusOf(id, 'ERROR')).toBe('ERROR');
    const alert = await waitForEmail(mailbox, { to: 'admins@coopfund.localhost', subject: id });
    expect(alert.body.text).toContain('MessageRejected');
    const execution = await t.stack.engine.waitForExecution(`${t.stack.engine.stateMachineArn.replace(':stateMachine:', ':execution:')}:${id}`, 30_000);
    expect(execution.status).toBe('FAILED');
    expect(await failedTasks(id)).toEqual(['MessageRejected']);
    expect(await emailsTo(mailbox, lead)).toEqual([]);
    faultFigures.push('SES MessageRejected → ERROR at once + admin alert');
  });

  it('SES throttling that persists: retried four times, then ERROR and an admin alert', async () => {
    const body = anApplicationToDemo();
    const lead = body.leadAuthority.contact.email;
    t.stack.faults?.inject({ service: 'ses', operation: 'SendEmail', match: lead, error: 'Throttling', message: 'Maximum sending rate exceeded.' });
    const { id } = await submit(api, body);
    expect(await statusOf(id, 'ERROR', 60_000)).toBe('ERROR');
    const alert = await waitForEmail(mailbox, { to: 'admins@coopfund.localhost', subject: id });
    expect(alert.body.text).toContain('TransientError');
    expect(await failedTasks(id)).toEqual(Array(5).fill('TransientError'));
    faultFigures.push('SES throttled for good → 5 attempts, then ERROR + admin alert');
  });

  it('no application without its execution, no execution without its application', async () => {
    t.stack.faults?.clear();
    const apps = applicationIds(await scan()).sort();
    const names = [...new Set((await executions()).map((e) => e.name.replace(/-r\d+$/, '')))].sort();
    expect(names).toEqual(apps);
    record({
      point: 'faults',
      label: 'local stack, fault switch',
      counts: { 'faults injected': faultFigures.length },
      text: `${faultFigures.join('; ')}; ${apps.length} applications ⇔ ${names.length} executions`,
      short: `workflow retries transient faults, ERROR + admin alert when they persist; ${apps.length} applications ⇔ ${names.length} executions`,
    });
  });

  it('the first application goes to APPROVED through its emailed links; a replayed decision is 409', async () => {
    const reviewed = await fillAndSend(reviewLink, {
      decision: 'favorable',
      relevance: 4,
      feasibility: 4,
      partnership: 5,
      impact: 3,
      comment: 'Projet solide.',
    });
    expect(reviewed.status).toBe(200);
    expect((await reviewed.resend()).status).toBe(409);
    const title = first.body.project.title;
    const fr = await waitForEmail(mailbox, { to: 'copresidence.fr@example.org', subject: `Décision du comité mixte attendue — ${title}` });
    const ma = await waitForEmail(mailbox, { to: 'copresidence.ma@example.org', subject: `Décision du comité mixte attendue — ${title}` });
    // A co-chair's link cannot decide the other side's task.
    const frSig = new URL(taskLinkIn(fr)).searchParams.get('sig') ?? '';
    const maTask = new URL(taskLinkIn(ma)).pathname;
    const crossed = await fetch(`${api}${maTask}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sig: frSig, decision: 'approve', grantedMA: '0' }),
    });
    expect(crossed.status).toBe(403);
    expect((await fillAndSend(taskLinkIn(fr), { decision: 'approve', grantedFR: 40_000 })).status).toBe(200);
    expect((await fillAndSend(taskLinkIn(ma), { decision: 'approve', grantedMA: 0 })).status).toBe(200);
    const approved = await waitForStatus(first.trackingUrl, 'APPROVED');
    expect(approved.decision).toMatchObject({ outcome: 'APPROVED', grantedAmount: 40_000 });
    await waitForEmail(mailbox, { to: first.body.leadAuthority.contact.email, subject: `Subvention accordée — ${title}` });
    linkFigures.push('POST → 1 decision, replay → 409, a co-chair’s link on the other’s task → 403');
    record({ point: 'links', label: 'over HTTP, local stack', text: linkFigures.join('; '), short: 'the same over HTTP' });
  });

  it('no token, signature, secret or personal data in any line the stack and its functions printed', async () => {
    // Every link and tracking token that went out by email, and every task token Step Functions issued.
    for (const email of await readMailbox(mailbox.replace(/\/$/, ''))) {
      for (const match of `${email.body.text ?? ''} ${email.body.html ?? ''}`.matchAll(/[?&](?:amp;)?(sig|token)=([A-Za-z0-9._-]+)/g))
        secrets.add(match[2] ?? '');
    }
    for (const { records } of readJournals(join(t.dataDir, 'stepfunctions'))) {
      for (const r of records) if (r.t === 'wait') secrets.add(r.token);
    }
    secrets.delete('');
    const lines = [...t.lines, ...raw];
    const needles = [...[...secrets].map((s) => ({ kind: 'secret', value: s })), ...[...people].map((p) => ({ kind: 'personal data', value: p }))];
    const found = needles.flatMap(({ kind, value }) =>
      lines.filter((line) => line.includes(value)).map((line) => `${kind} « ${value.slice(0, 12)}… » in: ${line.slice(0, 200)}`),
    );
    const queryStrings = lines.filter((line) => /[?&](sig|token)=/.test(line));
    expect(found).toEqual([]);
    expect(queryStrings).toEqual([]);
    // The scan did see the run: requests, states, emails and the functions' own JSON lines.
    expect(raw.filter((l) => l.startsWith('{')).length).toBeGreaterThan(100);
    expect(t.lines.some((l) => l.includes('POST /applications'))).toBe(true);
    record({
      point: 'secrets',
      label: 'log scan, local stack',
      short: `${n(lines.length)} log lines × ${n(secrets.size + people.size)} secrets and personal fields → 0 found`,
      text: `${n(lines.length)} lines (stack, access, functions at DEBUG) × ${n(secrets.size)} tokens/signatures/secrets and ${n(people.size)} personal fields → 0 found; access lines without query strings`,
    });
  });

  it('an admin purge removes the personal fields of the closed application, from every item of the table', async () => {
    const app = await repository.getApplication(first.id);
    const mine = [
      app?.leadAuthority.contact.name,
      app?.leadAuthority.contact.email,
      app?.leadAuthority.contact.phone,
      app?.partnerAuthority.contact.name,
      app?.partnerAuthority.contact.email,
      app?.project.summary,
    ].filter((v): v is string => typeof v === 'string' && v.length > 0);
    // Its items: the application, its history, its tasks (other applications share names and summary).
    const items = (all: Item[]) =>
      JSON.stringify(all.filter((i) => i.pk === `APP#${first.id}` || i.gsi1pk === `APPTASKS#${first.id}` || String(i.pk).startsWith(`EMAIL#`)));
    const before = items(await scan());
    expect(mine.filter((v) => before.includes(v))).toEqual(mine);
    // The contacts' addresses are its own: nowhere in the whole table after the purge.
    const addresses = [app?.leadAuthority.contact.email, app?.partnerAuthority.contact.email].filter((v): v is string => Boolean(v));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const out: string[] = [];
    const code = await admin(['purge', '--closed-before', new Date().toISOString(), '--json'], {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: () => true },
      env: { DATA_DIR: t.dataDir },
      cwd: process.cwd(),
    });
    expect(code).toBe(0);
    expect((JSON.parse(out.join('')) as { purged: Array<{ id: string }> }).purged.map((p) => p.id)).toContain(first.id);
    const all = await scan();
    expect(mine.filter((v) => items(all).includes(v))).toEqual([]);
    expect(addresses.filter((a) => JSON.stringify(all).includes(a))).toEqual([]);
    expect((await repository.getApplication(first.id))?.personalDataPurgedAt).toMatch(/^\d{4}-/);
    record({
      point: 'secrets',
      label: 'purge',
      text: `npm run admin -- purge: ${mine.length} personal fields of a closed application → 0 left in the table`,
      short: 'purge → 0 personal fields left',
    });
  });
});
