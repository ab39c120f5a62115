import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executionName } from '../shared/adapters/sfn-workflow.ts';
import { pathTo } from '../shared/catalogue/routes.ts';
import { demoCoChairs, demoReviewers } from '../local/seed.ts';
import { readMailbox, type MailboxEmail } from '../local/services.ts';
import { startLocalStack, type LocalStack } from '../local/stack.ts';
import { applicationBody } from './lib/applications.ts';
import { billedMs, costOf, type CostLine, type Usage } from './lib/cost.ts';
import { decide, openTracking, recipients, sleep, submit, taskLinkIn, waitForEmail } from './lib/driver.ts';
import { installDynamoTap, type DynamoTap, type TapCounts } from './lib/dynamo-tap.ts';
import { historyUsage, parseGatewayLine } from './lib/history.ts';
import { sectionMain, type Log } from './lib/section.ts';
import { percentile, since } from './lib/stats.ts';

/**
 * §3 Cost per application and §4 (second half) the local stack's throughput, on one local stack
 * (`startLocalStack`, as `npm start` runs it) with a counting proxy in front of dynalite.
 *
 * Cost: each path of the workflow is walked once to warm every function up (cold starts are not
 * what an application costs), then once measured, one application at a time, from its submission
 * to the end of its execution and one look at its tracking page.
 *
 * Throughput: `n` applications submitted by `concurrency` clients at once; the clock stops when
 * every execution waits at RequestReview (the first human step).
 */

export const paths = ['ineligible', 'approved', 'changes-then-approved', 'rejected'] as const;
export type PathName = (typeof paths)[number];

export interface PathRun {
  path: PathName;
  status: string;
  usage: Usage;
  lines: CostLine[];
  totalUsd: number;
  /** The states entered, in order. */
  states: string[];
  dynamoRequests: Record<string, number>;
  wruTable: number;
  wruIndex: number;
  emailMessages: number;
  /** The API requests of the path, e.g. `POST /applications 201`. */
  requests: string[];
  /** Wall time of the path on the local stack (people answer at once). */
  wallMs: number;
}

export interface ThroughputResult {
  applications: number;
  concurrency: number;
  /** First submission sent → last execution waiting at RequestReview. */
  elapsedMs: number;
  perSecond: number;
  /** First submission sent → last 201 received. */
  submitPhaseMs: number;
  /** Submission sent → its execution waiting for review, per application. */
  toReviewMs: { median: number; p99: number };
}

export interface WorkflowResult {
  startupMs: number;
  memoryMb: number;
  runs: PathRun[];
  throughput: ThroughputResult;
}

const scores = { relevance: 4, feasibility: 4, partnership: 5, impact: 3 };

export async function benchWorkflow(options: { throughputApplications: number; concurrency: number; log: Log }): Promise<WorkflowResult> {
  const { log } = options;
  const tap = installDynamoTap();
  const dataDir = await mkdtemp(join(tmpdir(), 'coopfund-bench-stack-'));
  const lines: string[] = [];
  log('starting the local stack (synthesis, dynalite behind the counting proxy, SES, Step Functions, API)…');
  const stack = await startLocalStack({ port: 0, mailboxPort: 0, dataDir, quiet: false, log: (line) => lines.push(line), handlerLogLevel: 'SILENT' });
  try {
    const memories = new Set([...stack.template.functions.values()].map((fn) => fn.memorySize));
    if (memories.size !== 1) throw new Error(`functions have different memory sizes (${[...memories].join(', ')}): cost them one by one`);
    const [memoryMb] = [...memories] as [number];
    const calls = (await (await fetch(`${stack.urls.api}${pathTo('listCalls')}`)).json()) as { calls: Array<{ id: string; closesAt: string }> };
    const call = calls.calls.find((c) => c.id === stack.demoCallId);
    if (!call) throw new Error('the demo call is not open');

    const walker = pathWalker(stack, call, tap, lines, memoryMb);
    log('warming every function up (each path once, not measured)…');
    for (const path of paths) await walker(path);
    const runs: PathRun[] = [];
    for (const path of paths) {
      const run = await walker(path);
      log(
        `${path}: ${run.usage.stateTransitions} transitions, ${run.usage.lambda.invocations} invocations, ${run.usage.dynamo.wru} WRU, ${run.usage.dynamo.rru} RRU, ${run.usage.emails} emails, ${run.usage.apiRequests} requests → $${run.totalUsd.toPrecision(3)}`,
      );
      runs.push(run);
    }

    log(`throughput: ${options.throughputApplications} submissions, ${options.concurrency} at a time…`);
    // A first burst grows each function's containers to this concurrency: cold starts are not throughput.
    await burst(stack, call, options.concurrency, options.concurrency);
    const throughput = await burst(stack, call, options.throughputApplications, options.concurrency);
    log(`throughput: ${throughput.perSecond.toFixed(1)} applications/s to review`);
    return { startupMs: stack.startupMs, memoryMb, runs, throughput };
  } finally {
    await stack.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function executionArnOf(stack: LocalStack, applicationId: string): string {
  return `${stack.engine.stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName(applicationId)}`;
}

function pathWalker(stack: LocalStack, call: { id: string; closesAt: string }, tap: DynamoTap, lines: string[], memoryMb: number) {
  const api = stack.urls.api;
  const mailbox = stack.urls.mailbox.replace(/\/$/, '');
  const reviewers = new Set(demoReviewers.map((r) => r.email));
  const coChair = Object.fromEntries(demoCoChairs.map((c) => [c.side, c.email])) as Record<'FR' | 'MA', string>;
  const seen = new Set<string>();
  let n = 0;

  return async (path: PathName): Promise<PathRun> => {
    n += 1;
    const body = applicationBody(call, { ineligible: path === 'ineligible', tag: `${path}-${n}-${Date.now().toString(36)}` });
    const title = body.project.title;
    const lead = body.leadAuthority.contact.email;
    const about = (e: MailboxEmail) => e.subject.includes(title) || (e.body.text ?? '').includes(title);
    const linkFor = (what: string, to: (e: MailboxEmail) => boolean) =>
      waitForEmail(mailbox, (e) => about(e) && to(e) && taskLinkIn(e) !== undefined, `${what} of « ${title} »`, { seen }).then((e) => taskLinkIn(e) as string);

    const before: { tap: TapCounts; emails: number; lines: number } = { tap: tap.counts(), emails: (await readMailbox(mailbox)).length, lines: lines.length };
    const started = performance.now();
    const { id, trackingUrl } = await submit(api, body);
    if (path !== 'ineligible') {
      const toReviewer = (e: MailboxEmail) => recipients(e).some((r) => reviewers.has(r));
      const review = await linkFor('the review request', toReviewer);
      if (path === 'changes-then-approved') {
        await decide(review, { decision: 'changes', ...scores, comment: 'Précisez le budget de formation.' });
        const resubmission = await linkFor('the resubmission link', (e) => recipients(e).includes(lead));
        await decide(resubmission, { 'budget.requestedAmount': 45_000 });
        await decide(await linkFor('the second review request', toReviewer), { decision: 'favorable', ...scores, comment: 'Projet solide.' });
      } else {
        await decide(review, { decision: 'favorable', ...scores, comment: 'Projet solide.' });
      }
      const fr = await linkFor('the French co-chair’s request', (e) => recipients(e).includes(coChair.FR));
      const ma = await linkFor('the Moroccan co-chair’s request', (e) => recipients(e).includes(coChair.MA));
      if (path === 'rejected') {
        // One rejection ends the committee: the Moroccan co-chair's link is closed, not decided.
        await decide(fr, { decision: 'reject', comment: 'Le partenariat doit être consolidé.' });
      } else {
        await decide(fr, { decision: 'approve', grantedAmount: 40_000 });
        await decide(ma, { decision: 'approve', grantedAmount: 40_000 });
      }
    }
    const arn = executionArnOf(stack, id);
    const done = await stack.engine.waitForExecution(arn, 60_000);
    if (done.status !== 'SUCCEEDED') throw new Error(`${path}: the execution ended ${done.status} (${done.error ?? ''} ${done.cause ?? ''})`);
    await openTracking(trackingUrl);
    const wallMs = since(started);
    // The last emails of a path are sent by its last states: they are in the mailbox once it ended.
    const emails = (await readMailbox(mailbox)).slice(before.emails);
    const requests = lines
      .slice(before.lines)
      .map(parseGatewayLine)
      .filter((l) => l !== undefined);
    const spent = tap.diff(before.tap, tap.counts());
    const history = historyUsage((await stack.engine.getExecutionHistory(arn, { maxResults: 1000 })).events);
    const tracking = (await (await fetch(trackingUrl, { headers: { Accept: 'application/json' } })).json()) as { status: string };

    const usage: Usage = {
      stateTransitions: history.transitions,
      lambda: {
        invocations: history.invocations + requests.length,
        billedMs: billedMs([...history.durationsMs, ...requests.map((r) => r.ms)]),
        memoryMb,
      },
      dynamo: { rru: spent.rru, wru: spent.wruTable + spent.wruIndex },
      apiRequests: requests.length,
      emails: emails.reduce((sum, e) => sum + recipients(e).length, 0),
    };
    const { lines: costLines, total } = costOf(usage);
    return {
      path,
      status: tracking.status,
      usage,
      lines: costLines,
      totalUsd: total,
      states: history.states,
      dynamoRequests: spent.requests,
      wruTable: spent.wruTable,
      wruIndex: spent.wruIndex,
      emailMessages: emails.length,
      requests: requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      wallMs,
    };
  };
}

export async function burst(stack: LocalStack, call: { id: string; closesAt: string }, count: number, concurrency: number): Promise<ThroughputResult> {
  const sentAt = new Map<string, number>();
  const reviewAt = new Map<string, number>();
  const start = performance.now();
  let next = 0;
  let lastAnswer = start;
  const client = async () => {
    while (next < count) {
      next += 1;
      const sent = performance.now();
      const { id } = await submit(stack.urls.api, applicationBody(call));
      sentAt.set(executionArnOf(stack, id), sent);
      lastAnswer = performance.now();
    }
  };
  const watcher = (async () => {
    const deadline = Date.now() + 180_000;
    while (reviewAt.size < count) {
      if (Date.now() > deadline) throw new Error(`only ${reviewAt.size} of ${count} executions reached RequestReview within 180 s`);
      const now = performance.now();
      for (const task of stack.engine.pendingTasks()) {
        if (task.stateName === 'RequestReview' && sentAt.has(task.executionArn) && !reviewAt.has(task.executionArn)) reviewAt.set(task.executionArn, now);
      }
      await sleep(10);
    }
  })();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, client));
  await watcher;
  const end = Math.max(...reviewAt.values());
  const latencies = [...reviewAt.entries()].map(([arn, at]) => at - (sentAt.get(arn) ?? at));
  return {
    applications: count,
    concurrency,
    elapsedMs: end - start,
    perSecond: count / ((end - start) / 1000),
    submitPhaseMs: lastAnswer - start,
    toReviewMs: { median: percentile(latencies, 50), p99: percentile(latencies, 99) },
  };
}

if (import.meta.main) {
  await sectionMain(({ quick, log }) => benchWorkflow({ throughputApplications: quick ? 24 : 120, concurrency: 8, log }));
}
