import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathTo } from '../shared/catalogue/routes.ts';
import { startLocalStack } from '../local/stack.ts';
import { sleep } from './lib/driver.ts';
import { sectionMain, type Log } from './lib/section.ts';
import { burst } from './workflow.ts';

/**
 * §6 Memory of the local stack. One `startLocalStack` (as `npm start` runs it) in this process:
 * its resident memory (RSS) and threads after start, at their peak while `applications` are
 * submitted `concurrency` at a time (until every execution waits at RequestReview), and once the
 * stack has gone idle: every function container reaped after `idleSeconds` (`LAMBDA_IDLE_SECONDS`,
 * shortened here so that the benchmark does not wait a minute), then a pause for V8 to give back
 * the terminated workers' heap pages.
 */

export interface MemorySample {
  rssBytes: number;
  /** The process's threads (/proc/self/status), when readable. */
  threads: number | undefined;
  /** The functions' containers (worker threads) alive. */
  containers: number;
}

export interface MemoryResult {
  applications: number;
  concurrency: number;
  idleSeconds: number;
  functions: number;
  afterStart: MemorySample;
  /** The largest RSS seen during the burst (threads and containers: their own maxima). */
  peak: MemorySample;
  /** As soon as every container was reaped. */
  reaped: MemorySample;
  /** `settleMs` later: the memory the process holds once idle. */
  idle: MemorySample;
  /** From the last execution at RequestReview to the last container reaped. */
  reapedAfterMs: number;
  settleMs: number;
}

const SETTLE_MS = 20_000;

function threads(): number | undefined {
  try {
    const m = /^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export async function benchMemory(options: { applications: number; concurrency: number; idleSeconds: number; log: Log }): Promise<MemoryResult> {
  const { log } = options;
  const dataDir = await mkdtemp(join(tmpdir(), 'coopfund-bench-memory-'));
  const stack = await startLocalStack({ port: 0, mailboxPort: 0, dataDir, quiet: true, lambdaIdleSeconds: options.idleSeconds });
  const sample = (): MemorySample => ({ rssBytes: process.memoryUsage().rss, threads: threads(), containers: stack.lambdaContainers() });
  const mb = (s: MemorySample) => `${(s.rssBytes / 2 ** 20).toFixed(0)} MB, ${s.threads ?? '?'} threads, ${s.containers} containers`;
  try {
    const calls = (await (await fetch(`${stack.urls.api}${pathTo('listCalls')}`)).json()) as { calls: Array<{ id: string; closesAt: string }> };
    const call = calls.calls.find((c) => c.id === stack.demoCallId);
    if (!call) throw new Error('the demo call is not open');
    // What start-up allocated and let go is collected before the first figure.
    await sleep(1000);
    const afterStart = sample();
    log(`after start: ${mb(afterStart)}`);

    const peak = { ...afterStart };
    const sampler = setInterval(() => {
      const s = sample();
      peak.rssBytes = Math.max(peak.rssBytes, s.rssBytes);
      peak.threads = s.threads === undefined ? peak.threads : Math.max(peak.threads ?? 0, s.threads);
      peak.containers = Math.max(peak.containers, s.containers);
    }, 50);
    try {
      await burst(stack, call, options.applications, options.concurrency);
    } finally {
      clearInterval(sampler);
    }
    log(`peak during ${options.applications} submissions, ${options.concurrency} at a time: ${mb(peak)}`);

    const busyEnd = performance.now();
    const deadline = busyEnd + options.idleSeconds * 1000 + 60_000;
    while (stack.lambdaContainers() > 0) {
      if (performance.now() > deadline) throw new Error(`${stack.lambdaContainers()} containers still alive ${options.idleSeconds} s + 60 s after the burst`);
      await sleep(100);
    }
    const reapedAfterMs = performance.now() - busyEnd;
    const reaped = sample();
    log(`every container reaped ${(reapedAfterMs / 1000).toFixed(1)} s after the burst: ${mb(reaped)}`);
    // V8 keeps the pages of a terminated worker's heap pooled for a few seconds before giving them back.
    await sleep(SETTLE_MS);
    const idle = sample();
    log(`${SETTLE_MS / 1000} s later: ${mb(idle)}`);
    return {
      applications: options.applications,
      concurrency: options.concurrency,
      idleSeconds: options.idleSeconds,
      functions: stack.template.functions.size,
      afterStart,
      peak,
      reaped,
      idle,
      reapedAfterMs,
      settleMs: SETTLE_MS,
    };
  } finally {
    await stack.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

if (import.meta.main) {
  await sectionMain(({ quick, log }) => benchMemory({ applications: quick ? 24 : 120, concurrency: 6, idleSeconds: 5, log }));
}
