import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../../shared/domain/application.ts';
import { hmacSigner } from '../../../shared/links/signing.ts';
import { checkTaskLink, checkTrackingToken, taskLink, trackingUrl } from '../../../shared/links/links.ts';

const signer = hmacSigner(async () => 'a-test-secret-of-sufficient-length');
const task: TaskRecord = {
  id: 'task-1',
  applicationId: 'app-1',
  stage: 'committee-FR',
  taskToken: 'secret-token',
  recipients: ['fr@example.org', 'ma@example.org'],
  status: 'OPEN',
  createdAt: '2027-01-01T00:00:00Z',
  expiresAt: '2027-02-01T00:00:00Z',
  reminders: 0,
};
const sigOf = (url: string) => new URL(url).searchParams.get('sig') ?? undefined;
const before = new Date('2027-01-15T00:00:00Z');

describe('decision links', () => {
  it('bind one task to one recipient, without the address or the token in the URL', async () => {
    const url = await taskLink(signer, 'https://api.example.org', task, 'ma@example.org');
    expect(url).toMatch(/^https:\/\/api\.example\.org\/tasks\/task-1\?sig=\d+\.1\.[\w-]{43}$/);
    expect(url).not.toContain('secret-token');
    expect(await checkTaskLink(signer, task, sigOf(url), before)).toEqual({ ok: true, recipient: 'ma@example.org' });
  });

  it('refuse a tampered, truncated or re-targeted signature', async () => {
    const sig = sigOf(await taskLink(signer, 'https://x', task, 'fr@example.org')) ?? '';
    const [exp, , mac = ''] = sig.split('.');
    const flipped = `${exp}.0.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [flipped, sig.slice(0, -2), `${exp}.1.${mac}`, `${Number(exp) + 1}.0.${mac}`, undefined, '']) {
      expect(await checkTaskLink(signer, task, bad, before)).toEqual({ ok: false, reason: 'bad-signature' });
    }
    const otherTask = { ...task, id: 'task-2' };
    expect(await checkTaskLink(signer, otherTask, sig, before)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('expire at the time they carry', async () => {
    const url = await taskLink(signer, 'https://x', task, 'fr@example.org');
    const after = new Date('2027-02-01T00:00:00Z');
    expect(await checkTaskLink(signer, task, sigOf(url), after)).toEqual({
      ok: false,
      reason: 'expired',
      recipient: 'fr@example.org',
    });
  });
});

describe('tracking token', () => {
  it('is derived from the id and checked exactly', async () => {
    const url = new URL(await trackingUrl(signer, 'https://x', 'app-1'));
    const token = url.searchParams.get('token') ?? '';
    expect(token).toHaveLength(32);
    expect(await checkTrackingToken(signer, 'app-1', token)).toBe(true);
    expect(await checkTrackingToken(signer, 'app-2', token)).toBe(false);
    expect(await checkTrackingToken(signer, 'app-1', token.slice(0, 31))).toBe(false);
    expect(await checkTrackingToken(signer, 'app-1', `${token}x`)).toBe(false);
    expect(await checkTrackingToken(signer, 'app-1', undefined)).toBe(false);
  });
});
