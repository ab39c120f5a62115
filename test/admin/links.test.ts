import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingSecretFile } from '../../local/services.ts';
import { parseKeyRing } from '../../shared/links/key-ring.ts';
import { checkTrackingToken, taskLink, trackingToken } from '../../shared/links/links.ts';
import { hmacSigner } from '../../shared/links/signing.ts';
import { showTask } from '../../shared/use-cases/show-task.ts';
import { type AdminEnv, BASE_URL, SECRET, startAdminEnv } from './support.ts';

let env: AdminEnv;
beforeAll(async () => {
  env = await startAdminEnv();
});
afterAll(async () => {
  await env.stop();
});

/** The key as the functions read it: the secret's current value, through the same file the local Secrets Manager serves. */
const secretNow = async () => (await readFile(signingSecretFile(env.dataDir), 'utf8')).trim();
const stageSigner = hmacSigner(secretNow, { graceSeconds: 3600 });

describe('links keys, rotate-key, revoke-key', () => {
  it('rotates the key through Secrets Manager: links and tracking tokens signed before still open, new ones name version 2', async () => {
    const id = await env.seed('rotate-review', 'IN_REVIEW');
    // Seeded on the fake clock of 2025: links valid for a day from now.
    const [seeded] = await env.repository.listTasks(id);
    const task = { ...seeded!, expiresAt: new Date(Date.now() + 86_400_000).toISOString() };
    const before = await taskLink(stageSigner, BASE_URL, task, task.recipients[0]!);
    const oldToken = await trackingToken(stageSigner, id);

    const listed = await env.cli('links', 'keys');
    expect(listed).toMatchObject({ code: 0 });
    expect(listed.stdout).toMatch(/^1\s+signing\s+before versions/m);

    const rotated = await env.cli('links', 'rotate-key');
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/version 2 signs from/);
    const ring = parseKeyRing(await secretNow());
    expect(ring.versions.map((v) => [v.version, v.secret === SECRET, Boolean(v.retiredAt)])).toEqual([
      [1, true, true],
      [2, false, false],
    ]);
    expect((await stat(signingSecretFile(env.dataDir))).mode & 0o777).toBe(0o600);

    const open = async (link: string) => {
      const url = new URL(link);
      const ports = { repository: env.repository, signer: stageSigner, clock: { now: () => new Date() } };
      return showTask(ports, { taskId: url.pathname.split('/').at(-1)!, sig: url.searchParams.get('sig') ?? undefined });
    };
    await expect(open(before)).resolves.toMatchObject({ taskId: task.id });
    const after = await taskLink(stageSigner, BASE_URL, task, task.recipients[0]!);
    expect(new URL(after).searchParams.get('sig')).toMatch(/\.v2$/);
    await expect(open(after)).resolves.toMatchObject({ taskId: task.id });
    expect(await checkTrackingToken(stageSigner, id, oldToken)).toBe(true);

    const keys = await env.cli('links', 'keys', '--json');
    expect(JSON.parse(keys.stdout)).toEqual([
      expect.objectContaining({ version: 1, state: 'retired' }),
      expect.objectContaining({ version: 2, state: 'signing' }),
    ]);
    for (const out of [listed, rotated, keys]) {
      for (const version of ring.versions) expect(out.stdout + out.stderr).not.toContain(version.secret);
    }

    // Revoking: asked twice, never the signing version; then the old links are refused.
    expect(await env.cli('links', 'revoke-key', '--version', '1')).toMatchObject({ code: 2, stderr: expect.stringContaining('add --yes') });
    expect(await env.cli('links', 'revoke-key', '--version', '2', '--yes')).toMatchObject({ code: 1, stderr: expect.stringContaining('rotate the key first') });
    const revoked = await env.cli('links', 'revoke-key', '--version', '1', '--yes');
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringContaining('version 1 of the signing key revoked') });
    await expect(open(before)).rejects.toMatchObject({ name: 'BadSignatureError' });
    await expect(open(after)).resolves.toMatchObject({ taskId: task.id });
    expect(await checkTrackingToken(stageSigner, id, oldToken)).toBe(false);
    expect(await checkTrackingToken(stageSigner, id, await trackingToken(stageSigner, id))).toBe(true);
  });

  it('tasks resend signs the fresh link with the version that signs now', async () => {
    const id = await env.seed('rotate-resend', 'IN_REVIEW');
    const result = await env.cli('tasks', 'resend', id);
    expect(result.code, result.stderr).toBe(0);
    const version = parseKeyRing(await secretNow()).versions.at(-1)!.version;
    const email = (await env.emails()).at(-1)!;
    expect(email.body.html).toMatch(new RegExp(`sig=[^"&]+\\.v${version}"`));
  });
});
