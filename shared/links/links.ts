import { timingSafeEqual } from 'node:crypto';
import type { TaskRecord } from '../domain/application.ts';
import type { Signer } from '../ports/index.ts';

/**
 * Decision links are `/tasks/{taskId}?sig={exp}.{recipientIndex}.{mac}`: the MAC binds the task, one
 * recipient (by index into the task's recipients, so no address travels in the URL) and the expiry.
 */
export async function taskLink(signer: Signer, baseUrl: string, task: TaskRecord, recipient: string): Promise<string> {
  const index = task.recipients.indexOf(recipient);
  if (index < 0) throw new Error(`recipient is not allowed to decide task ${task.id}`);
  const exp = Math.floor(Date.parse(task.expiresAt) / 1000);
  const mac = await signer.sign(['task', task.id, recipient, String(exp)]);
  return `${baseUrl}/tasks/${encodeURIComponent(task.id)}?sig=${exp}.${index}.${mac}`;
}

export type LinkCheck =
  | { ok: true; recipient: string }
  | { ok: false; reason: 'bad-signature' }
  | { ok: false; reason: 'expired'; recipient: string };

/** Verifies a `sig` against a task: the signature first (403), then the expiry (410). */
export async function checkTaskLink(signer: Signer, task: TaskRecord, sig: string | undefined, now: Date): Promise<LinkCheck> {
  const match = /^(\d{1,12})\.(\d{1,3})\.([A-Za-z0-9_-]{43})$/.exec(sig ?? '');
  if (!match) return { ok: false, reason: 'bad-signature' };
  const [, exp = '', index = '', mac = ''] = match;
  const recipient = task.recipients[Number(index)];
  if (recipient === undefined) return { ok: false, reason: 'bad-signature' };
  if (!(await signer.verify(['task', task.id, recipient, exp], mac))) return { ok: false, reason: 'bad-signature' };
  if (Number(exp) * 1000 <= now.getTime()) return { ok: false, reason: 'expired', recipient };
  return { ok: true, recipient };
}

/**
 * The id of the task a waiting state creates for its Step Functions token: a MAC of the token, so
 * as unguessable as a random id (132 bits, the secret is needed), yet the same for every run of
 * one invocation. Step Functions and Lambda may run a task twice, even at once: both runs then
 * write the same task and their emails share its sent-markers, so the person gets one link.
 */
export async function taskIdFor(signer: Signer, taskToken: string): Promise<string> {
  return (await signer.sign(['task-id', taskToken])).slice(0, 22);
}

/** The tracking token is derived from the id (nothing to store, recoverable for every email). */
export async function trackingToken(signer: Signer, applicationId: string): Promise<string> {
  return (await signer.sign(['track', applicationId])).slice(0, 32);
}

export async function trackingUrl(signer: Signer, baseUrl: string, applicationId: string): Promise<string> {
  return `${baseUrl}/applications/${encodeURIComponent(applicationId)}?token=${await trackingToken(signer, applicationId)}`;
}

/** Constant-time check of a tracking token (a wrong token is a 404, whatever it is). */
export async function checkTrackingToken(signer: Signer, applicationId: string, token: string | undefined): Promise<boolean> {
  const expected = await trackingToken(signer, applicationId);
  const given = token ?? '';
  const a = Buffer.from(expected);
  const b = Buffer.alloc(a.length);
  b.write(given.slice(0, a.length));
  return timingSafeEqual(a, b) && given.length === expected.length;
}
