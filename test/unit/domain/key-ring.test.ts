import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../../shared/domain/application.ts';
import { describeKeyRing, type KeyRing, parseKeyRing, revokeKeyVersion, rotateKeyRing, serializeKeyRing } from '../../../shared/links/key-ring.ts';
import { checkTaskLink, checkTrackingToken, taskIdFor, taskLink, trackingToken } from '../../../shared/links/links.ts';
import { hmacSigner, ringSigner } from '../../../shared/links/signing.ts';

const FIRST = 'the-first-signing-key-of-at-least-32-characters';
const SECOND = 'the-second-signing-key-of-at-least-32-characters';
const THIRD = 'the-third-signing-key-of-at-least-32-characters!';
const HOUR = 3600;
const at = (iso: string) => new Date(iso);

const task: TaskRecord = {
  id: 'task-1',
  applicationId: 'app-1',
  stage: 'review',
  taskToken: 'sfn-token',
  recipients: ['reviewer@example.org'],
  status: 'OPEN',
  createdAt: '2027-01-01T00:00:00Z',
  expiresAt: '2027-03-01T00:00:00Z',
  reminders: 0,
};
const sigOf = (url: string) => new URL(url).searchParams.get('sig') ?? undefined;
const tokenOf = (url: string) => new URL(url).searchParams.get('token') ?? undefined;

/** A signer over a ring that the test replaces, as a rotation replaces the secret's value. */
function holder(ring: KeyRing, graceSeconds = 24 * HOUR) {
  const state = { ring };
  return { state, signer: ringSigner({ ring: async () => state.ring }, { graceSeconds }) };
}

describe('the key ring', () => {
  it('reads a plain secret as version 1 and a JSON ring as written', () => {
    expect(parseKeyRing(`${FIRST}\n`)).toEqual({ versions: [{ version: 1, secret: FIRST }] });
    const rotated = rotateKeyRing(parseKeyRing(FIRST), { secret: SECOND, now: at('2027-01-10T00:00:00Z') });
    expect(parseKeyRing(serializeKeyRing(rotated))).toEqual(rotated);
    expect(describeKeyRing(rotated)).toEqual([
      { version: 1, retiredAt: '2027-01-10T00:00:00.000Z', state: 'retired' },
      { version: 2, createdAt: '2027-01-10T00:00:00.000Z', state: 'signing' },
    ]);
    expect(JSON.stringify(describeKeyRing(rotated))).not.toContain(SECOND);
  });

  it('refuses a short key, a malformed ring and a ring whose newest version does not sign, without quoting the keys', () => {
    expect(() => parseKeyRing('short')).toThrow(/shorter than 32/);
    expect(() => parseKeyRing('{"format":"coopfund-key-ring","versions":[]}')).toThrow(/invalid/);
    const retiredLast = JSON.stringify({ format: 'coopfund-key-ring', versions: [{ version: 1, secret: FIRST, retiredAt: '2027-01-01T00:00:00Z' }] });
    expect(() => parseKeyRing(retiredLast)).toThrow(/newest version signs/);
    const backwards = JSON.stringify({
      format: 'coopfund-key-ring',
      versions: [
        { version: 2, secret: FIRST, retiredAt: '2027-01-01T00:00:00Z' },
        { version: 1, secret: SECOND },
      ],
    });
    expect(() => parseKeyRing(backwards)).toThrow(/versions must increase/);
    try {
      parseKeyRing(backwards);
    } catch (error) {
      expect(String(error)).not.toContain(FIRST);
    }
  });

  it('never revokes the version that signs; revoking twice keeps the first time', () => {
    const ring = rotateKeyRing(parseKeyRing(FIRST), { secret: SECOND, now: at('2027-01-10T00:00:00Z') });
    expect(() => revokeKeyVersion(ring, { version: 2, now: at('2027-01-11T00:00:00Z') })).toThrow(/rotate the key first/);
    expect(() => revokeKeyVersion(ring, { version: 7, now: at('2027-01-11T00:00:00Z') })).toThrow(/no version 7/);
    const revoked = revokeKeyVersion(ring, { version: 1, now: at('2027-01-11T00:00:00Z') });
    expect(revokeKeyVersion(revoked, { version: 1, now: at('2027-01-12T00:00:00Z') })).toEqual(revoked);
    expect(describeKeyRing(revoked)[0]?.state).toBe('revoked');
  });
});

describe('links across a rotation', () => {
  const rotation = at('2027-01-10T00:00:00Z');

  it('unrotated, links and tokens are exactly what a plain key always gave (no version suffix)', async () => {
    const plain = hmacSigner(async () => FIRST);
    const ring = holder(parseKeyRing(FIRST)).signer;
    expect(await taskLink(ring, 'https://x', task, 'reviewer@example.org')).toBe(await taskLink(plain, 'https://x', task, 'reviewer@example.org'));
    expect(await trackingToken(ring, 'app-1')).toMatch(/^[\w-]{32}$/);
  });

  it('a link signed before the rotation opens during the grace period, and is refused as forged after it', async () => {
    const { state, signer } = holder(parseKeyRing(FIRST), 24 * HOUR);
    const old = sigOf(await taskLink(signer, 'https://x', task, 'reviewer@example.org'));
    state.ring = rotateKeyRing(state.ring, { secret: SECOND, now: rotation });

    const fresh = sigOf(await taskLink(signer, 'https://x', task, 'reviewer@example.org'));
    expect(fresh).toMatch(/\.v2$/);
    expect(await checkTaskLink(signer, task, old, at('2027-01-10T23:59:59Z'))).toEqual({ ok: true, recipient: 'reviewer@example.org' });
    expect(await checkTaskLink(signer, task, old, at('2027-01-11T00:00:00Z'))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(await checkTaskLink(signer, task, fresh, at('2027-01-20T00:00:00Z'))).toEqual({ ok: true, recipient: 'reviewer@example.org' });
    // Within the grace period, past its own expiry: expired (410), as before any rotation.
    const expiring = { ...task, expiresAt: '2027-01-10T12:00:00Z' };
    state.ring = parseKeyRing(FIRST);
    const short = sigOf(await taskLink(signer, 'https://x', expiring, 'reviewer@example.org'));
    state.ring = rotateKeyRing(state.ring, { secret: SECOND, now: rotation });
    expect(await checkTaskLink(signer, expiring, short, at('2027-01-10T13:00:00Z'))).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('a version suffix cannot be moved: the MAC of one version is refused under another, and a cut suffix is another version', async () => {
    const { state, signer } = holder(parseKeyRing(FIRST));
    state.ring = rotateKeyRing(state.ring, { secret: SECOND, now: rotation });
    const fresh = sigOf(await taskLink(signer, 'https://x', task, 'reviewer@example.org')) ?? '';
    const now = at('2027-01-10T01:00:00Z');
    for (const moved of [fresh.replace(/\.v2$/, ''), fresh.replace(/\.v2$/, '.v1'), fresh.replace(/\.v2$/, '.v3'), fresh.replace(/\.v2$/, '.v02')]) {
      expect(await checkTaskLink(signer, task, moved, now), moved).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('a revoked version verifies nothing at once, links nor tracking tokens', async () => {
    const { state, signer } = holder(parseKeyRing(FIRST));
    const old = sigOf(await taskLink(signer, 'https://x', task, 'reviewer@example.org'));
    const oldToken = await trackingToken(signer, 'app-1');
    state.ring = rotateKeyRing(state.ring, { secret: SECOND, now: rotation });
    state.ring = revokeKeyVersion(state.ring, { version: 1, now: at('2027-01-10T00:05:00Z') });
    expect(await checkTaskLink(signer, task, old, at('2027-01-10T00:06:00Z'))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(await checkTrackingToken(signer, 'app-1', oldToken)).toBe(false);
    expect(await checkTrackingToken(signer, 'app-1', await trackingToken(signer, 'app-1'))).toBe(true);
  });

  it('tracking tokens of retired versions keep working long after the grace period; new ones name the new version', async () => {
    const { state, signer } = holder(parseKeyRing(FIRST), 60);
    const old = await trackingToken(signer, 'app-1');
    state.ring = rotateKeyRing(state.ring, { secret: SECOND, now: new Date(Date.now() - 400 * 24 * HOUR * 1000) });
    state.ring = rotateKeyRing(state.ring, { secret: THIRD, now: new Date(Date.now() - 200 * 24 * HOUR * 1000) });
    const fresh = await trackingToken(signer, 'app-1');
    expect(fresh).toMatch(/^[\w-]{32}\.v3$/);
    expect(await checkTrackingToken(signer, 'app-1', old)).toBe(true);
    expect(await checkTrackingToken(signer, 'app-1', fresh)).toBe(true);
    expect(await checkTrackingToken(signer, 'app-2', fresh)).toBe(false);
    expect(await checkTrackingToken(signer, 'app-1', `${old}.v3`)).toBe(false);
    expect(await checkTrackingToken(signer, 'app-1', fresh.replace('.v3', '.v2'))).toBe(false);
    expect(tokenOf(`https://x/applications/app-1?token=${fresh}`)).toBe(fresh);
  });

  it('task ids do not change with a rotation (a retried task finds its task again)', async () => {
    const { state, signer } = holder(parseKeyRing(FIRST));
    const before = await taskIdFor(signer, 'sfn-token');
    state.ring = rotateKeyRing(state.ring, { secret: SECOND, now: rotation });
    state.ring = revokeKeyVersion(rotateKeyRing(state.ring, { secret: THIRD, now: at('2027-01-11T00:00:00Z') }), {
      version: 1,
      now: at('2027-01-12T00:00:00Z'),
    });
    expect(await taskIdFor(signer, 'sfn-token')).toBe(before);
    expect(
      await taskIdFor(
        hmacSigner(async () => FIRST),
        'sfn-token',
      ),
    ).toBe(before);
  });

  it('a link naming a version the container has not read yet makes it read the key again', async () => {
    let stored = parseKeyRing(FIRST);
    let reads = 0;
    const stale = stored;
    const signer = ringSigner(
      {
        ring: async () => stale,
        refresh: async () => {
          reads += 1;
          return stored;
        },
      },
      { graceSeconds: HOUR },
    );
    stored = rotateKeyRing(stored, { secret: SECOND, now: rotation });
    const elsewhere = holder(stored).signer;
    const sig = sigOf(await taskLink(elsewhere, 'https://x', task, 'reviewer@example.org'));
    expect(await checkTaskLink(signer, task, sig, at('2027-01-10T00:01:00Z'))).toEqual({ ok: true, recipient: 'reviewer@example.org' });
    expect(reads).toBe(1);
  });
});
