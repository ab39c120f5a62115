import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './lib/node.ts';
import { sectionMain, type Log } from './lib/section.ts';

/**
 * §5 Start-up. `npm start` as a person runs it, in a child process, until its banner says it is
 * ready: cold (a fresh DATA_DIR: the table is created and seeded) and warm (the same DATA_DIR
 * again). Every start synthesizes the CDK app. Each run is stopped with Ctrl-C (SIGINT) and waited
 * for, as the data folder's LevelDB lock must be free for the next.
 */

export interface StartupRun {
  kind: 'cold' | 'warm';
  /** From spawning `npm start` to its banner. */
  wallMs: number;
  /** What the banner says (from the Node process's own start, without npm). */
  bannerMs: number;
}

export interface StartupResult {
  runs: StartupRun[];
}

const BANNER = /coopfund is running locally \(ready in ([\d.]+) s\)/;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startOnce(dataDir: string, kind: StartupRun['kind']): Promise<StartupRun> {
  const env = { ...process.env, PORT: String(await freePort()), MAILBOX_PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'SILENT' };
  const started = performance.now();
  // Its own process group: Ctrl-C goes to npm and to the node it runs, as in a terminal.
  const child = spawn('npm', ['start', '--silent', '--', '--quiet'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let output = '';
  try {
    const bannerMs = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no banner within 120 s:\n${output.slice(-2000)}`)), 120_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const m = BANNER.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]) * 1000);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited (${code}) before its banner:\n${output.slice(-2000)}`));
      });
    });
    return { kind, wallMs: performance.now() - started, bannerMs };
  } finally {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        // already gone
      }
      const stopped = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 30_000))]);
      if (stopped === 'timeout') process.kill(-child.pid, 'SIGKILL');
    }
  }
}

export async function benchStartup(options: { cold: number; warm: number; log: Log }): Promise<StartupResult> {
  const runs: StartupRun[] = [];
  const dirs: string[] = [];
  try {
    // Cold and warm in turn, so that load from elsewhere falls on both alike.
    for (let i = 0; i < Math.max(options.cold, options.warm); i++) {
      const dir = await mkdtemp(join(tmpdir(), 'coopfund-bench-start-'));
      dirs.push(dir);
      const cold = await startOnce(dir, 'cold');
      if (i < options.cold) {
        options.log(`cold start ${i + 1}: ${(cold.wallMs / 1000).toFixed(1)} s to the banner`);
        runs.push(cold);
      }
      if (i < options.warm) {
        const warm = await startOnce(dir, 'warm');
        options.log(`warm start ${i + 1}: ${(warm.wallMs / 1000).toFixed(1)} s to the banner`);
        runs.push(warm);
      }
    }
    return { runs };
  } finally {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

if (import.meta.main) {
  await sectionMain(({ quick, log }) => benchStartup({ cold: quick ? 1 : 2, warm: quick ? 1 : 2, log }));
}
