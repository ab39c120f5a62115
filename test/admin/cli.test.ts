import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands, run } from '../../admin/cli.ts';
import type { Io } from '../../admin/command.ts';
import type { DescribeStack } from '../../admin/target.ts';
import { readDiscovery, writeDiscovery } from '../../local/discovery.ts';
import { type AdminEnv, startAdminEnv } from './support.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');

let env: AdminEnv;
let outputs: Record<string, string>;
const described: Array<{ stackName: string; config: object }> = [];
const describeStack: DescribeStack = async (stackName, config) => {
  described.push({ stackName, config });
  if (stackName !== 'coopfund-prod-stateless') throw Object.assign(new Error(`Stack with id ${stackName} does not exist`), { name: 'ValidationError' });
  return outputs;
};

beforeAll(async () => {
  env = await startAdminEnv({ describeStack });
  outputs = { TableName: 'coopfund-admin-test', PersonalDataRetentionDays: '90', StateMachineArn: 'arn:aws:states:eu-west-3:123456789012:stateMachine:W' };
  await env.seed('closed-long-ago', 'INELIGIBLE', {
    createdAt: '2025-01-10T10:00:00.000Z',
    project: { title: 'Hors thème', summary: 'Résumé', theme: 'sport', startDate: '2025-09-01', durationMonths: 24 },
  });
});
afterAll(async () => {
  await env.stop();
});

/** The CLI in this process with another environment (no local stack, for instance). */
async function cliIn(env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env, cwd: repoRoot };
  return { code: await run(argv, io, { describeStack }), stdout, stderr };
}

/** `node admin/cli.ts …` as `npm run admin -- …` runs it. */
function spawnCli(argv: string[], extraEnv: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['admin/cli.ts', ...argv], { cwd: repoRoot, env: { ...process.env, ...extraEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('help', () => {
  it('lists every command, and exits 0 with --help', async () => {
    const result = await cliIn({}, '--help');
    expect(result.code).toBe(0);
    for (const c of commands) expect(result.stdout).toContain(`  ${c.path.join(' ')}`);
    expect(result.stdout).toContain('Exit codes: 0 done, 1 failed, 2 wrong usage.');
  });

  it.each(commands.map((c) => [c.path.join(' '), c] as const))('has help for %s', async (_, command) => {
    const result = await cliIn({}, ...command.path, '--help');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^Usage: npm run admin -- ${command.path.join(' ')}\\b`));
    expect(result.stdout).toContain('--stage <name>');
    for (const option of Object.keys(command.options ?? {})) expect(result.stdout).toContain(`--${option}`);
  });

  it("shows a group's commands, and refuses what it does not know (exit 2)", async () => {
    expect(await cliIn({}, 'tasks', '--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('tasks resend <applicationId>') });
    expect(await cliIn({}, 'calls')).toMatchObject({ code: 2, stderr: expect.stringContaining('which calls command?') });
    expect(await cliIn({}, 'calls', 'delete')).toMatchObject({
      code: 2,
      stderr: 'coopfund admin: unknown command "calls delete" (npm run admin -- --help lists them)\n',
    });
    expect(await cliIn({})).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: npm run admin --') });
    expect(await cliIn({}, 'calls', 'list', '--bogus')).toMatchObject({
      code: 2,
      stderr: "coopfund admin: Unknown option '--bogus' (npm run admin -- calls list --help)\n",
    });
    expect(await cliIn({}, 'applications', 'show')).toMatchObject({ code: 2, stderr: expect.stringContaining('applications show needs <applicationId>') });
    expect(await cliIn({}, 'calls', 'list', '--profile', 'x')).toMatchObject({ code: 2, stderr: 'coopfund admin: --profile only applies with --stage\n' });
  });
});

describe('finding the local stack', () => {
  it('says how to start one when DATA_DIR has none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coopfund-admin-empty-'));
    try {
      const result = await cliIn({ DATA_DIR: dir }, 'calls', 'list');
      expect(result).toEqual({
        code: 2,
        stdout: '',
        stderr: `coopfund admin: no local stack found (${join(dir, 'stack.json')} is missing): start one with \`npm start\` (same DATA_DIR), or target a deployed stage with --stage\n`,
      });
      // A stack killed hard leaves its record behind: say so, rather than time out on its ports.
      await writeDiscovery(dir, {
        pid: 2 ** 22 + 12345,
        apiUrl: 'http://localhost:1',
        mailboxUrl: 'http://localhost:2',
        dynamodbEndpoint: 'http://127.0.0.1:3',
        sfnEndpoint: 'http://127.0.0.1:4',
        tableName: 't',
        stateMachineArn: 'arn:aws:states:eu-west-3:000000000000:stateMachine:W',
        region: 'eu-west-3',
      });
      expect((await cliIn({ DATA_DIR: dir }, 'calls', 'list')).stderr).toMatch(/\(pid \d+\) is not running: start it again/);
      // Recorded, running, but its DynamoDB does not answer: one line, no stack trace; --debug shows it.
      await writeDiscovery(dir, {
        pid: process.pid,
        apiUrl: 'http://localhost:1',
        mailboxUrl: 'http://localhost:2',
        dynamodbEndpoint: 'http://127.0.0.1:9',
        sfnEndpoint: 'http://127.0.0.1:9',
        tableName: 't',
        stateMachineArn: 'arn:aws:states:eu-west-3:000000000000:stateMachine:W',
        region: 'eu-west-3',
      });
      const down = await cliIn({ DATA_DIR: dir }, 'calls', 'list');
      expect(down.code).toBe(1);
      expect(down.stderr.trim().split('\n')).toHaveLength(1);
      expect(down.stderr).toMatch(/^coopfund admin: DynamoDB unavailable \(query\)/);
      const debug = await cliIn({ DATA_DIR: dir }, 'calls', 'list', '--debug');
      expect(debug.stderr.split('\n').length).toBeGreaterThan(3);
      expect(debug.stderr).toMatch(/\n\s+at /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--data-dir wins over DATA_DIR', async () => {
    const result = await cliIn({ DATA_DIR: '/nonexistent' }, 'calls', 'list', '--data-dir', env.dataDir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2025-T1');
  });
});

describe('a deployed stage', () => {
  it('reads the table and the retention from the stack outputs, with the region given', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    // The "deployed" table is dynalite: the SDK honours its endpoint variable, nothing reaches AWS.
    process.env.AWS_ENDPOINT_URL_DYNAMODB = (await readDiscovery(env.dataDir))!.dynamodbEndpoint;
    try {
      described.length = 0;
      const list = await cliIn({}, 'calls', 'list', '--stage', 'prod', '--region', 'eu-west-3');
      expect(list).toMatchObject({ code: 0, stderr: '1 call(s) on stage prod (coopfund-prod-stateless, eu-west-3)\n' });
      expect(described).toEqual([{ stackName: 'coopfund-prod-stateless', config: { region: 'eu-west-3' } }]);

      const purge = await cliIn({}, 'purge', '--dry-run', '--stage', 'prod', '--region', 'eu-west-3');
      expect(purge.code).toBe(0);
      expect(purge.stderr).toContain('keeps personal data 90 days after closing');
      expect(purge.stdout).toContain('closed-long-ago');

      // Outputs lacking what a command needs: named before anything is written.
      const resend = await cliIn({}, 'tasks', 'resend', 'closed-long-ago', '--stage', 'prod', '--region', 'eu-west-3');
      expect(resend).toMatchObject({ code: 2, stderr: expect.stringContaining('this command uses the signing key: pass --signing-secret-arn') });
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      else process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
    }
  });

  it('fails in one line when the stage is not deployed, passing the profile on', async () => {
    described.length = 0;
    const result = await cliIn({}, 'calls', 'list', '--stage', 'staging', '--profile', 'fund-admin');
    expect(result).toMatchObject({ code: 1, stderr: 'coopfund admin: ValidationError: Stack with id coopfund-staging-stateless does not exist\n' });
    expect(described).toEqual([{ stackName: 'coopfund-staging-stateless', config: { profile: 'fund-admin' } }]);
  });
});

describe('as a process', () => {
  it('prints, and exits with the code, as npm run admin does', async () => {
    const ok = await spawnCli(['applications', 'list', '--call', '2025-T1', '--status', 'INELIGIBLE'], { DATA_DIR: env.dataDir });
    expect(ok).toMatchObject({ code: 0, stderr: '1 application(s) of 2025-T1 in INELIGIBLE\n' });
    expect(ok.stdout).toMatch(/^closed-long-ago\s+2025-01-10 10:00\s+Ville de Lyon/m);

    const failed = await spawnCli(['applications', 'show', 'nope'], { DATA_DIR: env.dataDir });
    expect(failed).toEqual({ code: 1, stdout: '', stderr: 'coopfund admin: application nope not found\n' });
  });

  it('targets a stage from flags alone when the CloudFormation client is not installed', async () => {
    const endpoint = (await readDiscovery(env.dataDir))!.dynamodbEndpoint;
    const flags = await spawnCli(['calls', 'list', '--stage', 'dev', '--region', 'eu-west-3', '--table', 'coopfund-admin-test', '--json'], {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    expect(flags.code).toBe(0);
    expect(JSON.parse(flags.stdout).map((c: { id: string }) => c.id)).toEqual(['2025-T1']);

    // Without --table the outputs must be read: never from AWS here (a dead local endpoint, should
    // the client be installed one day).
    const noFlags = await spawnCli(['calls', 'list', '--stage', 'dev', '--region', 'eu-west-3'], {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_MAX_ATTEMPTS: '1',
    });
    expect(noFlags.stderr.trim().split('\n')).toHaveLength(1);
    expect([noFlags.code, noFlags.stderr]).toSatisfy(
      ([code, stderr]: [number, string]) =>
        (code === 2 && stderr.includes('needs @aws-sdk/client-cloudformation, which is not installed: pass --table')) ||
        (code === 1 && /nothing answers there/.test(stderr)),
    );
  });
});
