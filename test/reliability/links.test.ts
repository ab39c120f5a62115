import '../unit/api/env.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidToken, SendTaskSuccessCommand, SFNClient, SFNServiceException, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { dynamoRepository } from '../../shared/adapters/dynamodb-repository.ts';
import { newId } from '../../shared/domain/ids.ts';
import { trackingToken } from '../../shared/links/links.ts';
import { hmacSigner } from '../../shared/links/signing.ts';
import type { Repository } from '../../shared/ports/index.ts';
import { apiEvent, lambdaContext } from '../fixtures/api-event.ts';
import { TEST_ENV } from '../unit/api/env.ts';
import { plan, record } from './support/figures.ts';
import { startCountingTable, type CountingTable } from './support/table.ts';
import { applicationRecord, expiredSigOf, REVIEWER, reviewTask, seedWorld, SECOND_REVIEWER, sigOf } from './support/world.ts';

/**
 * Point 4 of SECURITY.md: decision links and tracking links, with the real show-task, decide-task
 * and track-application functions over a real DynamoDB, Step Functions mocked (it counts every
 * SendTaskSuccess and fails on demand). `timingSafeEqual` is wrapped to record what it compares.
 */
plan(['links', 'handler level']);

const compared = vi.hoisted(() => [] as Array<[number, number]>);
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    compared.push([a.byteLength, b.byteLength]);
    return actual.timingSafeEqual(a, b);
  };
  return { ...actual, timingSafeEqual, default: { ...actual, timingSafeEqual } };
});

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const sfn = mockClient(SFNClient);
const signer = hmacSigner(async () => TEST_ENV.SIGNING_SECRET);
let table: CountingTable;
let repository: Repository;
let show: Handler;
let decide: Handler;
let track: Handler;
const figures: string[] = [];
let forgedCount = 0;
let timing = '';

beforeAll(async () => {
  table = await startCountingTable(TEST_ENV.TABLE_NAME);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = table.endpoint;
  repository = dynamoRepository(table.doc, table.tableName);
  await seedWorld(repository, signer);
  show = (await import('../../functions/show-task/handler.ts')).handler as Handler;
  decide = (await import('../../functions/decide-task/handler.ts')).handler as Handler;
  track = (await import('../../functions/track-application/handler.ts')).handler as Handler;
});
afterEach(() => {
  sfn.reset();
});
afterAll(async () => {
  await table?.stop();
  if (figures.length > 0) {
    record({
      point: 'links',
      label: 'handler level',
      text: figures.join('; '),
      short: `GET/HEAD → 0 decisions; replay 409; ${forgedCount} forged → 403; expired 410; SFN errors → 410/503; ids 128 bits; ${timing}`,
    });
  }
});

const favorable = { decision: 'favorable', relevance: '4', feasibility: '4', partnership: '5', impact: '3', comment: '' };

const open = (method: 'GET' | 'HEAD', taskId: string, sig: string) =>
  show(apiEvent({ method, resource: '/tasks/{taskId}', pathParameters: { taskId }, query: { sig }, headers: { Accept: 'text/html' } }), lambdaContext);

const post = (taskId: string, fields: Record<string, string>) =>
  decide(
    apiEvent({
      method: 'POST',
      resource: '/tasks/{taskId}',
      pathParameters: { taskId },
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
      body: new URLSearchParams(fields).toString(),
    }),
    lambdaContext,
  );

/** A fresh application in review with its open review task (two reviewers may decide it). */
async function aTask() {
  const app = applicationRecord();
  await repository.createApplication(app, { at: app.createdAt, status: 'IN_REVIEW', actor: 'workflow' });
  const task = reviewTask(app.id);
  await repository.putTask(task);
  return { app, task, sig: await sigOf(signer, task) };
}

const successes = () => sfn.commandCalls(SendTaskSuccessCommand).length;

describe('decision links', () => {
  it('10 HEAD and 10 GET (mail scanners) decide nothing and write nothing; one POST decides exactly once; a replay is 409', async () => {
    const { task, sig } = await aTask();
    sfn.on(SendTaskSuccessCommand).resolves({});
    const scanBefore = await table.scan();
    table.resetCounts();

    const reads = await Promise.all([
      ...Array.from({ length: 10 }, () => open('HEAD', task.id, sig)),
      ...Array.from({ length: 10 }, () => open('GET', task.id, sig)),
    ]);
    expect(reads.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    expect(reads.slice(0, 10).every((r) => r.body === '')).toBe(true);
    expect(table.writeAttempts()).toBe(0);
    expect(await table.scan()).toEqual(scanBefore);
    expect(successes()).toBe(0);

    const first = await post(task.id, { sig, ...favorable });
    expect(first.statusCode, first.body.slice(0, 300)).toBe(200);
    expect(successes()).toBe(1);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: task.taskToken });
    const replay = await post(task.id, { sig, ...favorable });
    expect(replay.statusCode).toBe(409);
    expect(successes()).toBe(1);
    expect((await open('GET', task.id, sig)).statusCode).toBe(410);
    figures.push(`20 HEAD/GET → 0 decisions, 0 writes; 1 POST → ${successes()} SendTaskSuccess; replay → 409`);
  });

  it('20 concurrent POSTs of one link (a double click, two tabs): one decision, the others 409', async () => {
    const { task, sig } = await aTask();
    sfn.on(SendTaskSuccessCommand).resolves({});
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(task.id, { sig, ...favorable })));
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes).toEqual([200, ...Array(19).fill(409)]);
    expect(successes()).toBe(1);
    figures.push('20 concurrent POSTs → 1 decision, 19 × 409');
  });

  it('a tampered, truncated or re-addressed signature is 403, and decides nothing', async () => {
    const { task, sig } = await aTask();
    const other = await aTask();
    sfn.on(SendTaskSuccessCommand).resolves({});
    const [exp = '', index = '', mac = ''] = sig.split('.');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const forged = [
      ...Array.from({ length: mac.length }, (_, i) => `${exp}.${index}.${flip(mac, i)}`),
      ...Array.from({ length: sig.length - 1 }, (_, i) => sig.slice(0, i + 1)),
      `${Number(exp) + 86_400}.${index}.${mac}`,
      // The same MAC for the other reviewer of the task: it is bound to its recipient.
      `${exp}.1.${mac}`,
      '',
    ];
    let refused = 0;
    for (const bad of forged) {
      for (const answer of [await open('GET', task.id, bad), await post(task.id, { sig: bad, ...favorable })]) {
        expect(answer.statusCode, `sig ${bad}`).toBe(403);
        refused += 1;
      }
    }
    // A link for one person and one task never decides another task, even the same person's.
    expect((await post(other.task.id, { sig, ...favorable })).statusCode).toBe(403);
    const otherPersonsLink = await sigOf(signer, task, SECOND_REVIEWER);
    expect((await post(other.task.id, { sig: otherPersonsLink, ...favorable })).statusCode).toBe(403);
    expect(successes()).toBe(0);
    expect((await repository.getTask(task.id))?.status).toBe('OPEN');
    // Each recipient's own link works, and says who decided.
    expect((await post(task.id, { sig: otherPersonsLink, ...favorable })).statusCode).toBe(200);
    expect((await repository.getTask(task.id))?.decidedBy).toBe(SECOND_REVIEWER);
    expect(task.recipients).toEqual([REVIEWER, SECOND_REVIEWER]);
    forgedCount = refused + 2;
    figures.push(`${forgedCount} tampered/truncated/cross-person → 403`);
  });

  it('an expired link is 410, for reading and for deciding', async () => {
    const { task } = await aTask();
    const expired = await expiredSigOf(signer, task);
    expect((await open('GET', task.id, expired)).statusCode).toBe(410);
    expect((await post(task.id, { sig: expired, ...favorable })).statusCode).toBe(410);
    expect(successes()).toBe(0);
    figures.push('expired → 410');
  });

  it.each([
    ['TaskTimedOut', () => new TaskTimedOut({ message: 'Task Timed Out', $metadata: { httpStatusCode: 400 } })],
    ['TaskDoesNotExist', () => new TaskDoesNotExist({ message: 'Task does not exist anymore', $metadata: { httpStatusCode: 400 } })],
    ['InvalidToken', () => new InvalidToken({ message: 'Invalid Token', $metadata: { httpStatusCode: 400 } })],
  ])('%s from Step Functions is a 410 page, never a 5xx, and closes the link', async (_name, error) => {
    const { task, sig } = await aTask();
    sfn.on(SendTaskSuccessCommand).rejects(error());
    const answer = await post(task.id, { sig, ...favorable });
    expect(answer.statusCode).toBe(410);
    expect(answer.headers?.['Content-Type']).toMatch(/^text\/html/);
    expect((await repository.getTask(task.id))?.status).toBe('CLOSED');
    expect((await post(task.id, { sig, ...favorable })).statusCode).toBe(410);
  });

  it('Step Functions unavailable: 503 with Retry-After, the link given back, and the same link then decides', async () => {
    const { task, sig } = await aTask();
    const unavailable = new SFNServiceException({
      name: 'ServiceUnavailable',
      $fault: 'server',
      message: 'Service Unavailable',
      $metadata: { httpStatusCode: 503 },
    });
    sfn.on(SendTaskSuccessCommand).rejectsOnce(unavailable).resolves({});
    const failed = await post(task.id, { sig, ...favorable });
    expect(failed.statusCode).toBe(503);
    expect(failed.headers?.['Retry-After']).toMatch(/^\d+$/);
    expect((await repository.getTask(task.id))?.status).toBe('OPEN');
    expect((await post(task.id, { sig, ...favorable })).statusCode).toBe(200);
    expect(successes()).toBe(2);
    figures.push('TaskTimedOut/TaskDoesNotExist/InvalidToken → 410, unavailable → 503 + Retry-After');
  });
});

describe('unguessable ids and tokens', () => {
  it('application and task ids carry 128 random bits; tracking tokens 192, link MACs 256', async () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    let ones = 0;
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const bytes = Buffer.from(id, 'base64url');
      expect(bytes.length).toBe(16);
      for (const byte of bytes) for (let bit = 0; bit < 8; bit++) ones += (byte >> bit) & 1;
    }
    // 2.56 million bits: a fair source stays within a fraction of a percent of one half.
    expect(Math.abs(ones / (ids.length * 128) - 0.5)).toBeLessThan(0.002);
    const token = await trackingToken(signer, ids[0] ?? '');
    expect(Buffer.from(token, 'base64url').length * 8).toBe(192);
    const { task } = await aTask();
    const mac = (await sigOf(signer, task)).split('.')[2] ?? '';
    expect(Buffer.from(mac, 'base64url').length * 8).toBe(256);
    figures.push(`ids 128 bits (20,000 drawn, 0 collisions), tracking tokens 192 bits, MACs 256 bits`);
  });

  it('a wrong tracking token is a 404 in constant time: right length, wrong length and correct prefix alike', async () => {
    const { app } = await aTask();
    const right = await trackingToken(signer, app.id);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const random = (length: number) => Array.from({ length }, () => alphabet[Math.floor(Math.random() * 64)]).join('');
    const classes: Record<string, () => string> = {
      'right length': () => random(32),
      'wrong length': () => random([1, 8, 16, 31, 33, 48, 64, 200][Math.floor(Math.random() * 8)] ?? 1),
      'correct prefix': () => {
        const k = 16 + Math.floor(Math.random() * 16);
        const tail = random(32 - k);
        return right.slice(0, k) + (tail[0] === right[k] ? `${tail[0] === 'A' ? 'B' : 'A'}${tail.slice(1)}` : tail);
      },
    };
    const get = (token: string) =>
      track(
        apiEvent({ method: 'GET', resource: '/applications/{id}', pathParameters: { id: app.id }, query: { token }, headers: { Accept: 'application/json' } }),
        lambdaContext,
      );
    // The token is checked before the table is read: a wrong one never costs a lookup.
    table.resetCounts();
    for (let i = 0; i < 200; i++) for (const make of Object.values(classes)) expect((await get(make())).statusCode).toBe(404);
    expect(table.requests()).toEqual({});

    compared.length = 0;
    const medians = await measure(classes, get);
    // timingSafeEqual ran on equal, fixed-length buffers (the expected token's 32 bytes), for every class.
    expect(compared.length).toBeGreaterThan(0);
    expect(compared.every(([a, b]) => a === 32 && b === 32)).toBe(true);
    const values = Object.values(medians);
    const spread = Math.max(...values) - Math.min(...values);
    // Generous on a shared machine: within 25 % of the fastest class, or 4 µs.
    expect(spread, JSON.stringify(medians)).toBeLessThan(Math.max(0.25 * Math.min(...values), 4_000));
    expect((await get(right)).statusCode).toBe(200);
    timing = `wrong tokens 404 in constant time (medians within ${(spread / 1000).toFixed(1)} µs)`;
    figures.push(
      `wrong tokens → 404 in constant time (medians ${Object.entries(medians)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} µs`)
        .join(', ')})`,
    );
  });
});

/**
 * Median duration (ns) of each class, measured interleaved (one of each class in turn, in a
 * shuffled order) so that noise from other processes falls on every class alike. Up to three
 * attempts; the attempt with the smallest spread is kept.
 */
async function measure(classes: Record<string, () => string>, run: (token: string) => Promise<unknown>): Promise<Record<string, number>> {
  const names = Object.keys(classes);
  let best: Record<string, number> | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < 1_500; round++) {
      for (const name of [...names].sort(() => Math.random() - 0.5)) {
        const token = classes[name]?.() ?? '';
        const started = process.hrtime.bigint();
        await run(token);
        samples[name]?.push(Number(process.hrtime.bigint() - started));
      }
    }
    const medians = Object.fromEntries(names.map((name) => [name, median(samples[name] ?? [])]));
    const spread = (m: Record<string, number>) => Math.max(...Object.values(m)) - Math.min(...Object.values(m));
    if (!best || spread(medians) < spread(best)) best = medians;
    if (spread(best) < 0.1 * Math.min(...Object.values(best))) break;
  }
  return best ?? {};
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
