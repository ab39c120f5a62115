import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearDiscovery, type DiscoveryInfo, isRunning, readDiscovery, writeDiscovery } from '../../local/discovery.ts';

/** How tools find a running local stack: `<DATA_DIR>/stack.json`. */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopfund-discovery-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const info: DiscoveryInfo = {
  pid: process.pid,
  apiUrl: 'http://localhost:3000',
  mailboxUrl: 'http://localhost:8005/',
  dynamodbEndpoint: 'http://127.0.0.1:40001',
  sfnEndpoint: 'http://127.0.0.1:40002',
  tableName: 'coopfund-local',
  stateMachineArn: 'arn:aws:states:eu-west-3:000000000000:stateMachine:WorkflowStateMachine',
  region: 'eu-west-3',
  secretsManagerEndpoint: 'http://127.0.0.1:40003',
  signingSecretArn: 'arn:aws:secretsmanager:eu-west-3:000000000000:secret:SigningSecret-local0',
};

describe('the local stack record', () => {
  it('is written for its owner only, read back, and removed when the stack stops', async () => {
    expect(await readDiscovery(dir)).toBeUndefined();
    await writeDiscovery(dir, info);
    expect((await stat(join(dir, 'stack.json'))).mode & 0o777).toBe(0o600);
    expect(await readDiscovery(dir)).toEqual({ ...info, startedAt: expect.stringMatching(/^\d{4}-/) });
    expect(JSON.parse(await readFile(join(dir, 'stack.json'), 'utf8'))).not.toHaveProperty('signingSecret');
    await clearDiscovery(dir);
    expect(await readDiscovery(dir)).toBeUndefined();
    await clearDiscovery(dir);
  });

  it('is left alone by a stack stopping after another one took the folder over', async () => {
    await writeDiscovery(dir, { ...info, pid: process.pid + 1 });
    await clearDiscovery(dir, process.pid);
    expect((await readDiscovery(dir))?.pid).toBe(process.pid + 1);
  });

  it('says what is wrong with a file that is not a record', async () => {
    await writeFile(join(dir, 'stack.json'), '{ nope');
    await expect(readDiscovery(dir)).rejects.toThrow(/stack\.json is not valid JSON/);
    await writeFile(join(dir, 'stack.json'), JSON.stringify({ ...info, dynamodbEndpoint: 'localhost' }));
    await expect(readDiscovery(dir)).rejects.toThrow(/stack\.json is not a local stack record \(dynamodbEndpoint: /);
    await expect(writeDiscovery(dir, { ...info, pid: -1 })).rejects.toThrow();
  });

  it('tells a running process from a gone one', () => {
    expect(isRunning(process.pid)).toBe(true);
    expect(isRunning(2 ** 22 + 12345)).toBe(false);
  });
});
