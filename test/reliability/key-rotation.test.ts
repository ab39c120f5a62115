import { describe, expect, it } from 'vitest';
import { run as admin } from '../../admin/cli.ts';
import type { Io } from '../../admin/command.ts';
import {
  anApplication,
  type ApplicationBody,
  fillAndSend,
  type OpenCall,
  openPage,
  type ReadyStack,
  reviewRequest,
  sleep,
  taskLinkIn,
  useTestStack,
  waitForEmail,
} from '../e2e/support.ts';
import { plan, record } from './support/figures.ts';

/**
 * Point 4 of SECURITY.md, across a rotation of the signing key, on the local stack: the functions
 * read the key through its Secrets Manager endpoint, and the admin CLI rotates it there, as on a
 * stage. A short grace period and maximum age make the test last seconds instead of days.
 */
const GRACE_SECONDS = 12;
const MAX_AGE_SECONDS = 3;
/** What a loaded 2-core machine may add to a deadline. */
const SLACK_MS = 2_500;

plan(['links', 'key rotation, local stack']);

let stack: ReadyStack;
useTestStack(
  {
    context: { signingKeyGraceSeconds: GRACE_SECONDS },
    functionEnvironment: { SIGNING_KEY_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS) },
  },
  (ready) => {
    stack = ready;
  },
);

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { DATA_DIR: stack.t.dataDir },
    cwd: stack.t.dataDir,
  };
  return { code: await admin(argv, io), stdout, stderr };
}

/** Submits (or replays, with the same key and body) an application: the answer's tracking URL is signed by the submit function now. */
async function submitWithKey(body: ApplicationBody, key: string): Promise<{ id: string; trackingUrl: string }> {
  const response = await fetch(`${stack.api}/applications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; trackingUrl: string };
}

const versionOf = (url: string) => {
  const value = new URL(url).searchParams.get('token') ?? new URL(url).searchParams.get('sig') ?? '';
  return Number(/\.v(\d+)$/.exec(value)?.[1] ?? 1);
};
const statusOf = async (url: string, method = 'GET') => (await fetch(url, { method, headers: { Accept: 'text/html' } })).status;

/** Calls `probe` until it is true; the milliseconds it took. */
async function within(deadlineMs: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > deadlineMs) throw new Error(`not within ${deadlineMs} ms`);
    await sleep(100);
  }
  return Date.now() - started;
}

const scores = { relevance: 4, feasibility: 4, partnership: 5, impact: 3 };

describe('rotating the signing key on the local stack', { timeout: 120_000 }, () => {
  it('links signed before a rotation open and decide within the grace period, get 403 after it; containers see the new key within the maximum age', async () => {
    const call: OpenCall = stack.demoCall;
    const first = anApplication(call, { title: 'Rotation — décidée pendant la grâce' });
    const second = anApplication(call, { title: 'Rotation — ouverte après la grâce' });
    const a = await submitWithKey(first, 'rotation-a');
    const b = await submitWithKey(second, 'rotation-b');
    expect(versionOf(a.trackingUrl)).toBe(1);
    const linkA = taskLinkIn((await reviewRequest(stack.mailbox, first.project.title)).email);
    const linkB = taskLinkIn((await reviewRequest(stack.mailbox, second.project.title)).email);
    expect([versionOf(linkA), versionOf(linkB)]).toEqual([1, 1]);
    // Every function involved has read version 1 of the key.
    expect(await statusOf(linkA)).toBe(200);
    expect(await statusOf(a.trackingUrl)).toBe(200);

    // The submit function's container reads the key just before the rotation (its copy has expired).
    await sleep(MAX_AGE_SECONDS * 1000 + 100);
    const readFrom = Date.now();
    expect(versionOf((await submitWithKey(first, 'rotation-a')).trackingUrl)).toBe(1);

    const rotation = await cli('links', 'rotate-key');
    const rotatedAt = Date.now();
    expect(rotation.code, rotation.stderr).toBe(0);
    expect(rotation.stdout).toContain('version 2 signs');
    const staleRightAfter = versionOf((await submitWithKey(first, 'rotation-a')).trackingUrl) === 1;
    // A container keeps what it read for the maximum age: if that has not passed, it still signs with version 1.
    if (Date.now() - readFrom < MAX_AGE_SECONDS * 1000) expect(staleRightAfter).toBe(true);

    // Within the grace period: the old links open and decide.
    expect(await statusOf(linkB)).toBe(200);
    const decided = await fillAndSend(linkA, { decision: 'favorable', ...scores, comment: 'Projet solide.' });
    expect(decided.status).toBe(200);
    expect(decided.html).toContain('Décision enregistrée');
    const decidedAfterMs = Date.now() - rotatedAt;
    expect(decidedAfterMs).toBeLessThan(GRACE_SECONDS * 1000);

    // The submit function, which read version 1, signs with version 2 within the maximum age.
    const pickedUpMs = await within(MAX_AGE_SECONDS * 1000 + SLACK_MS, async () => versionOf((await submitWithKey(first, 'rotation-a')).trackingUrl) === 2);
    const pickedUpAfterReadMs = Date.now() - readFrom;
    const fresh = await submitWithKey(first, 'rotation-a');
    expect(await statusOf(fresh.trackingUrl)).toBe(200);

    // After the grace period: the old decision link is refused as forged, GET and POST alike;
    // tracking links keep working until their version is revoked.
    const form = await openPage(linkB);
    expect(form.status).toBe(200);
    await sleep(Math.max(0, rotatedAt + GRACE_SECONDS * 1000 + 200 - Date.now()));
    expect(await statusOf(linkB)).toBe(403);
    expect(await statusOf(linkB, 'HEAD')).toBe(403);
    const late = await fetch(`${stack.api}${new URL(linkB).pathname}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
      body: new URLSearchParams({
        sig: new URL(linkB).searchParams.get('sig') ?? '',
        decision: 'favorable',
        ...Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, String(v)])),
      }),
    });
    expect(late.status).toBe(403);
    expect(await statusOf(a.trackingUrl)).toBe(200);
    expect(await statusOf(b.trackingUrl)).toBe(200);

    // The committee's links, emailed after the rotation, name version 2 and decide.
    const committee = await waitForEmail(stack.mailbox, {
      to: 'copresidence.fr@example.org',
      subject: `Décision du comité mixte attendue — ${first.project.title}`,
    });
    const coChairLink = taskLinkIn(committee);
    expect(versionOf(coChairLink)).toBe(2);
    expect((await fillAndSend(coChairLink, { decision: 'approve', grantedFR: 40_000 })).status).toBe(200);

    // Revoking version 1: its tracking links stop within the maximum age; version 2's still work.
    const revoked = await cli('links', 'revoke-key', '--version', '1', '--yes');
    expect(revoked.code, revoked.stderr).toBe(0);
    const revokedMs = await within(MAX_AGE_SECONDS * 1000 + SLACK_MS, async () => (await statusOf(a.trackingUrl)) === 404);
    expect(await statusOf(fresh.trackingUrl)).toBe(200);

    record({
      point: 'links',
      label: 'key rotation, local stack',
      text:
        `rotate-key through the local Secrets Manager: a link signed before decided ${(decidedAfterMs / 1000).toFixed(1)} s after, ` +
        `another one 403 after the ${GRACE_SECONDS} s grace, a co-chair's link signed after it (v2) decided; the submit function, which read the old key just before, signed with the new one ${(pickedUpMs / 1000).toFixed(1)} s after the rotation ` +
        `(${(pickedUpAfterReadMs / 1000).toFixed(1)} s after its read, max age ${MAX_AGE_SECONDS} s${staleRightAfter ? ', the old one until then' : ''}); tracking links kept until revoked, 404 ${(revokedMs / 1000).toFixed(1)} s after revoke-key`,
      short: `key rotation: old links decide within the grace, 403 after; new links decide; new key seen within the max age`,
    });
  });
});
