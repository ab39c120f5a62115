import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/** `npm start` as a person runs it: the banner, a working API and mailbox, and Ctrl-C stopping it all. */

const repoRoot = resolve(import.meta.dirname, '..', '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((r) => {
    server.once('error', () => r(false));
    server.listen(port, '127.0.0.1', () => server.close(() => r(true)));
  });
}

describe('npm start', { timeout: 90_000 }, () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('prints the URLs when ready, serves them, and stops everything on Ctrl-C', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coopfund-cli-'));
    dirs.push(dataDir);
    const [port, mailboxPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['local/start.ts', '--quiet'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(port), MAILBOX_PORT: String(mailboxPort), DATA_DIR: dataDir, REVIEW_TIMEOUT_SECONDS: '60' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!out.includes('Press Ctrl-C') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain('Press Ctrl-C');
      // The form's URL once the template serves GET /; until then, where to post the JSON.
      expect(out).toMatch(new RegExp(`Application form {3}(http://localhost:${port}/|not served yet .* POST http://localhost:${port}/applications)`));
      expect(out).toContain(`Mailbox            http://localhost:${mailboxPort}/`);
      expect(out).toMatch(/ready in \d+\.\d s/);
      expect(out).toContain('review 60 s');

      expect(await (await fetch(`http://localhost:${port}/health`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`http://localhost:${mailboxPort}/store`)).status).toBe(200);
      expect(out).not.toContain('GET /health →'); // --quiet: no line per request
      // The admin CLI finds the running stack through DATA_DIR.
      const record = JSON.parse(await readFile(join(dataDir, 'stack.json'), 'utf8')) as { pid: number; apiUrl: string };
      expect(record).toMatchObject({ pid: child.pid, apiUrl: `http://localhost:${port}` });
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('Stopped.');
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
    expect(await portIsFree(port)).toBe(true);
    expect(await portIsFree(mailboxPort)).toBe(true);
  });

  it('says which port is taken instead of crashing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coopfund-cli-'));
    dirs.push(dataDir);
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, ['local/start.ts', '--quiet'], {
        cwd: repoRoot,
        env: { ...process.env, PORT: String(await freePort()), MAILBOX_PORT: String(taken), DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(code).toBe(1);
      expect(err).toContain(`port ${taken}`);
      expect(err).toContain('MAILBOX_PORT');
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
