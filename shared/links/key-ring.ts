import * as z from 'zod';

/**
 * The signing key as a ring of versions, so that a rotation breaks no link a person still needs.
 * The newest version signs; each older one was retired when its successor was created, and keeps
 * verifying what it signed: decision links for a grace period after its retirement, tracking
 * tokens (which applicants keep for years) until it is revoked. Revoking a version is the one
 * deliberate way to break its links (a leaked key).
 *
 * Stored as the secret's value: `{"format":"coopfund-key-ring","versions":[…]}`. A secret that is
 * a plain string (as the stack generates it, and as every stage held it before rings) is read as
 * version 1, created at an unknown time.
 */

export const KEY_RING_FORMAT = 'coopfund-key-ring';
/** The shortest key accepted: 32 characters (the stack generates 64, rotations 43 of base64url). */
export const MIN_KEY_LENGTH = 32;

export interface KeyVersion {
  /** 1, 2, 3… in order of creation. */
  version: number;
  secret: string;
  /** ISO time; absent for the version a plain secret stands for. */
  createdAt?: string;
  /** When the next version started signing (ISO); absent for the version that signs now. */
  retiredAt?: string;
  /** From then on this version verifies nothing (ISO). Its secret stays, for `derivationKey`. */
  revokedAt?: string;
}

export interface KeyRing {
  /** Oldest first; the last one signs. */
  versions: KeyVersion[];
}

const iso = z.iso.datetime({ offset: true });
const versionSchema = z.strictObject({
  version: z.number().int().min(1),
  secret: z.string().min(MIN_KEY_LENGTH, `must be at least ${MIN_KEY_LENGTH} characters`),
  createdAt: iso.optional(),
  retiredAt: iso.optional(),
  revokedAt: iso.optional(),
});
const ringSchema = z.strictObject({ format: z.literal(KEY_RING_FORMAT), versions: z.array(versionSchema).min(1) }).superRefine(({ versions }, ctx) => {
  versions.forEach((v, i) => {
    const previous = versions[i - 1];
    if (previous && v.version <= previous.version) ctx.addIssue({ code: 'custom', path: ['versions', i, 'version'], message: 'versions must increase' });
    const last = i === versions.length - 1;
    if (last && (v.retiredAt || v.revokedAt))
      ctx.addIssue({ code: 'custom', path: ['versions', i], message: 'the newest version signs: it cannot be retired or revoked' });
    if (!last && !v.retiredAt) ctx.addIssue({ code: 'custom', path: ['versions', i, 'retiredAt'], message: 'an older version must be retired' });
  });
});

/** The ring a secret's value holds: a JSON ring, or a plain string read as version 1. Throws on anything else. */
export function parseKeyRing(value: string): KeyRing {
  const text = value.trim();
  if (!text.startsWith('{')) {
    if (text.length < MIN_KEY_LENGTH) throw new Error(`the signing key is empty or shorter than ${MIN_KEY_LENGTH} characters`);
    return { versions: [{ version: 1, secret: text }] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('the signing key is neither a plain key nor a JSON key ring');
  }
  const parsed = ringSchema.safeParse(json);
  if (!parsed.success) {
    // Never the value itself: it holds the keys.
    const issue = parsed.error.issues[0];
    throw new Error(`the signing key ring is invalid (${issue?.path.join('.') || 'root'}: ${issue?.message})`);
  }
  return { versions: parsed.data.versions };
}

export function serializeKeyRing(ring: KeyRing): string {
  return JSON.stringify({ format: KEY_RING_FORMAT, versions: ring.versions });
}

/** The version that signs now: the newest. */
export function signingKey(ring: KeyRing): KeyVersion {
  const key = ring.versions.at(-1);
  if (!key) throw new Error('the signing key ring is empty');
  return key;
}

/**
 * The version ids and task ids are derived from: the oldest, whatever happens to the others, so
 * that a rotation changes no id a retried task must find again. A derived id is a name, not a
 * permission (what it names is reached only through a signed link): a revoked first version still
 * derives.
 */
export function derivationKey(ring: KeyRing): KeyVersion {
  const key = ring.versions[0];
  if (!key) throw new Error('the signing key ring is empty');
  return key;
}

/**
 * The version that may verify something signed with `version` at `now`: the signing one; a
 * retired one for `lifetimeSeconds` after its retirement (`Infinity`: until it is revoked); never a
 * revoked or unknown one.
 */
export function verifyingKey(ring: KeyRing, options: { version: number; lifetimeSeconds: number; now: Date }): KeyVersion | undefined {
  const key = ring.versions.find((v) => v.version === options.version);
  if (!key || key.revokedAt) return undefined;
  if (!key.retiredAt) return key;
  const until = Date.parse(key.retiredAt) + options.lifetimeSeconds * 1000;
  return options.now.getTime() < until ? key : undefined;
}

/** A new version signs from `now`; the one that signed is retired (it keeps verifying, see `verifyingKey`). */
export function rotateKeyRing(ring: KeyRing, options: { secret: string; now: Date }): KeyRing {
  if (options.secret.length < MIN_KEY_LENGTH) throw new Error(`a key must be at least ${MIN_KEY_LENGTH} characters`);
  const at = options.now.toISOString();
  const current = signingKey(ring);
  return {
    versions: [...ring.versions.slice(0, -1), { ...current, retiredAt: at }, { version: current.version + 1, secret: options.secret, createdAt: at }],
  };
}

/** Version `version` verifies nothing from `now` on. The signing version cannot be revoked: rotate first. */
export function revokeKeyVersion(ring: KeyRing, options: { version: number; now: Date }): KeyRing {
  const key = ring.versions.find((v) => v.version === options.version);
  if (!key) throw new Error(`the key ring has no version ${options.version}`);
  if (key === signingKey(ring)) throw new Error(`version ${options.version} signs now: rotate the key first, then revoke it`);
  if (key.revokedAt) return ring;
  return { versions: ring.versions.map((v) => (v === key ? { ...v, revokedAt: options.now.toISOString() } : v)) };
}

/** What may be shown of a version (never its secret). */
export type KeyVersionInfo = Omit<KeyVersion, 'secret'> & { state: 'signing' | 'retired' | 'revoked' };

export function describeKeyRing(ring: KeyRing): KeyVersionInfo[] {
  return ring.versions.map(({ secret: _secret, ...v }) => ({
    ...v,
    state: v.revokedAt ? 'revoked' : v.retiredAt ? 'retired' : 'signing',
  }));
}
