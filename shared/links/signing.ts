import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Signer } from '../ports/index.ts';
import { derivationKey, type KeyRing, parseKeyRing, signingKey, verifyingKey } from './key-ring.ts';

/** Where a signer finds the key ring. */
export interface KeySource {
  /** The ring as last read (a source may re-read it after a maximum age). */
  ring(): Promise<KeyRing>;
  /**
   * The ring read again now, when a link names a version newer than the ring knows (another
   * container read the rotated key first). A source rate-limits it: versions are public.
   */
  refresh?(): Promise<KeyRing>;
}

export interface SignerOptions {
  /**
   * How long a retired version still verifies decision links, from its retirement (seconds). Set
   * it to the links' lifetime: every link it signed has lapsed by then. Tracking tokens are not
   * bounded by it.
   */
  graceSeconds: number;
}

function hmac(secret: string, parts: string[]): string {
  // Parts are joined with a separator no part may contain.
  if (parts.some((p) => p.includes('\n'))) throw new Error('signed parts may not contain a newline');
  return createHmac('sha256', secret).update(parts.join('\n')).digest('base64url');
}

/** HMAC-SHA256 with the versions of a key ring (shared/links/key-ring.ts). */
export function ringSigner(source: KeySource, options: SignerOptions): Signer {
  return {
    async sign(parts) {
      const key = signingKey(await source.ring());
      return { mac: hmac(key.secret, parts), version: key.version };
    },
    async macFor(parts, { version, now, accept }) {
      let ring = await source.ring();
      if (source.refresh && version > signingKey(ring).version) ring = await source.refresh();
      const lifetimeSeconds = accept === 'until-revoked' ? Number.POSITIVE_INFINITY : options.graceSeconds;
      const key = verifyingKey(ring, { version, lifetimeSeconds, now });
      return key ? hmac(key.secret, parts) : undefined;
    },
    async derive(parts) {
      return hmac(derivationKey(await source.ring()).secret, parts);
    },
  };
}

/**
 * A signer over a secret's value as stored (a plain key is version 1, see `parseKeyRing`), read
 * at each use: for a value that does not change (tests, a key in the environment).
 */
export function hmacSigner(getSecret: () => Promise<string>, options: SignerOptions = { graceSeconds: 0 }): Signer {
  return ringSigner({ ring: async () => parseKeyRing(await getSecret()) }, options);
}

/**
 * Whether `given` equals `expected`, in a time that depends on neither: compared as fixed buffers
 * of `expected`'s length (timingSafeEqual), the lengths checked after.
 */
export function sameMac(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.alloc(a.length);
  b.write(given.slice(0, a.length));
  return timingSafeEqual(a, b) && given.length === expected.length;
}
