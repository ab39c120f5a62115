import { pathTo } from '../catalogue/routes.ts';
import type { TaskRecord } from '../domain/application.ts';
import type { DraftRole } from '../domain/draft.ts';
import type { Signer } from '../ports/index.ts';
import { sameMac } from './signing.ts';

/**
 * `.v{N}`: the key version that signed a link or a token, from version 2 on. Version 1 writes none,
 * as every link did before the key had versions: those still verify, and each link has one spelling
 * only (a link cut before its suffix is not another valid link).
 */
const VERSION_SUFFIX = '(?:\\.v([2-9]|[1-9]\\d{1,5}))?';
const versionSuffix = (version: number) => (version === 1 ? '' : `.v${version}`);
const TASK_SIG = new RegExp(`^(\\d{1,12})\\.(\\d{1,3})\\.([A-Za-z0-9_-]{43})${VERSION_SUFFIX}$`);
const TRACKING_VERSION = new RegExp(`${VERSION_SUFFIX}$`);

function splitVersion(value: string): { body: string; version: number } {
  const match = TRACKING_VERSION.exec(value);
  return match?.[1] ? { body: value.slice(0, match.index), version: Number(match[1]) } : { body: value, version: 1 };
}

/**
 * Decision links are `/tasks/{taskId}?sig={exp}.{recipientIndex}.{mac}[.v{keyVersion}]`: the MAC binds the
 * task, one recipient (by index into the task's recipients, so no address travels in the URL) and the
 * expiry; the key version says which key of the ring made it.
 */
export async function taskLink(signer: Signer, baseUrl: string, task: TaskRecord, recipient: string): Promise<string> {
  const index = task.recipients.indexOf(recipient);
  if (index < 0) throw new Error(`recipient is not allowed to decide task ${task.id}`);
  const exp = Math.floor(Date.parse(task.expiresAt) / 1000);
  const { mac, version } = await signer.sign(['task', task.id, recipient, String(exp)]);
  return `${baseUrl}${pathTo('showTask', { taskId: task.id }, { sig: `${exp}.${index}.${mac}${versionSuffix(version)}` })}`;
}

export type LinkCheck = { ok: true; recipient: string } | { ok: false; reason: 'bad-signature' } | { ok: false; reason: 'expired'; recipient: string };

/**
 * Verifies a `sig` against a task: the signature first (403), then the expiry (410). A link signed
 * with a retired key version verifies during the grace period after its retirement, then is a 403
 * like a forged one; a revoked version's links are 403 at once.
 */
export async function checkTaskLink(signer: Signer, task: TaskRecord, sig: string | undefined, now: Date): Promise<LinkCheck> {
  const match = TASK_SIG.exec(sig ?? '');
  if (!match) return { ok: false, reason: 'bad-signature' };
  const [, exp = '', index = '', mac = '', version = '1'] = match;
  const recipient = task.recipients[Number(index)];
  if (recipient === undefined) return { ok: false, reason: 'bad-signature' };
  const expected = await signer.macFor(['task', task.id, recipient, exp], { version: Number(version), now, accept: 'grace' });
  if (expected === undefined || !sameMac(expected, mac)) return { ok: false, reason: 'bad-signature' };
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
  // The first key version, always: a rotation between two runs of one task must not change its id.
  return (await signer.derive(['task-id', taskToken])).slice(0, 22);
}

const TRACKING_MAC_LENGTH = 32;

/**
 * The tracking token is derived from the id (nothing to store, recoverable for every email):
 * `{mac}[.v{keyVersion}]`, with the version that signs now. Applicants keep tracking links for
 * years: a retired version keeps verifying them until it is revoked.
 */
export async function trackingToken(signer: Signer, applicationId: string): Promise<string> {
  const { mac, version } = await signer.sign(['track', applicationId]);
  return `${mac.slice(0, TRACKING_MAC_LENGTH)}${versionSuffix(version)}`;
}

export async function trackingUrl(signer: Signer, baseUrl: string, applicationId: string): Promise<string> {
  return `${baseUrl}${pathTo('trackApplication', { id: applicationId }, { token: await trackingToken(signer, applicationId) })}`;
}

/**
 * Constant-time check of a tracking token (a wrong token is a 404, whatever it is). A version that
 * verifies nothing (revoked, unknown) still costs a MAC and a comparison, so that it takes as long.
 */
export async function checkTrackingToken(signer: Signer, applicationId: string, token: string | undefined): Promise<boolean> {
  const { body, version } = splitVersion(token ?? '');
  const parts = ['track', applicationId];
  const mac = await signer.macFor(parts, { version, now: new Date(), accept: 'until-revoked' });
  const expected = (mac ?? (await signer.sign(parts)).mac).slice(0, TRACKING_MAC_LENGTH);
  return sameMac(expected, body) && mac !== undefined;
}

const CONTACT_TAG_LENGTH = 16;

/** `{exp}.{l|p}.{tag}.{mac}[.v{keyVersion}]`: the role as one letter, the recipient's address nowhere in the URL. */
const DRAFT_SIG = new RegExp(`^(\\d{1,12})\\.([lp])\\.([A-Za-z0-9_-]{${CONTACT_TAG_LENGTH}})\\.([A-Za-z0-9_-]{43})${VERSION_SUFFIX}$`);
const ROLE_LETTER: Record<DraftRole, string> = { lead: 'l', partner: 'p' };

const draftParts = (draftId: string, role: DraftRole, tag: string, exp: string) => ['draft', draftId, role, tag, exp];

/**
 * The tag of one contact of a draft: a MAC of the draft, the role and the address, with the first
 * key version (a rotation does not change it). Links name it instead of the address, and the draft
 * stores the tag of each role's current contact: a save checks it in its one conditional write,
 * with no read, and a contact replaced by another (another address, another tag) loses its links.
 */
export async function contactTag(signer: Signer, draftId: string, role: DraftRole, email: string): Promise<string> {
  return (await signer.derive(['draft-contact', draftId, role, email.toLowerCase()])).slice(0, CONTACT_TAG_LENGTH);
}

/**
 * A draft's edit link for one contact: `/drafts/{id}?sig=…`, the MAC binding the draft, the role
 * (lead or partner), the contact (by its tag) and the expiry. The same `sig` authorises that
 * role's actions (`/drafts/{id}/submit?sig=…`).
 */
export async function draftSig(signer: Signer, draftId: string, role: DraftRole, email: string, expiresAt: Date): Promise<string> {
  const exp = String(Math.floor(expiresAt.getTime() / 1000));
  const tag = await contactTag(signer, draftId, role, email);
  const { mac, version } = await signer.sign(draftParts(draftId, role, tag, exp));
  return `${exp}.${ROLE_LETTER[role]}.${tag}.${mac}${versionSuffix(version)}`;
}

export async function draftLink(signer: Signer, baseUrl: string, draftId: string, role: DraftRole, email: string, expiresAt: Date): Promise<string> {
  return `${baseUrl}${pathTo('showDraft', { id: draftId }, { sig: await draftSig(signer, draftId, role, email, expiresAt) })}`;
}

export type DraftLinkCheck =
  | { ok: true; role: DraftRole; tag: string }
  | { ok: false; reason: 'bad-signature' }
  | { ok: false; reason: 'expired'; role: DraftRole };

/**
 * Verifies a draft's `sig` without reading the draft: the signature (403), then the expiry (410).
 * The link's contact is its `tag`, which the caller compares with the draft's current contact of
 * that role (`contactTag`). Edit links live for weeks, longer than a rotation's grace period: like
 * tracking links, a retired key version verifies them until it is revoked.
 */
export async function checkDraftLink(signer: Signer, draftId: string, sig: string | undefined, now: Date): Promise<DraftLinkCheck> {
  const match = DRAFT_SIG.exec(sig ?? '');
  if (!match) return { ok: false, reason: 'bad-signature' };
  const [, exp = '', letter = '', tag = '', mac = '', version = '1'] = match;
  const role: DraftRole = letter === 'l' ? 'lead' : 'partner';
  const expected = await signer.macFor(draftParts(draftId, role, tag, exp), { version: Number(version), now, accept: 'until-revoked' });
  if (expected === undefined || !sameMac(expected, mac)) return { ok: false, reason: 'bad-signature' };
  if (Number(exp) * 1000 <= now.getTime()) return { ok: false, reason: 'expired', role };
  return { ok: true, role, tag };
}
