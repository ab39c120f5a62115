import { randomBytes } from 'node:crypto';
import {
  describeKeyRing,
  type KeyVersionInfo,
  parseKeyRing,
  revokeKeyVersion,
  rotateKeyRing,
  serializeKeyRing,
  signingKey,
} from '../../shared/links/key-ring.ts';
import type { Clock } from '../../shared/ports/index.ts';
import type { SigningSecretStore } from './context.ts';

/**
 * The signing key's versions (shared/links/key-ring.ts), as the admins manage them: list, rotate,
 * revoke. Each change is one read and one write of the secret; the functions see it within their
 * maximum age (`SIGNING_KEY_MAX_AGE_SECONDS`), at once for a link naming a version they lack.
 */
export interface SigningKeyPorts {
  store: SigningSecretStore;
  clock: Clock;
  /** A new key; default 32 random bytes (43 base64url characters). */
  newKey?: () => string;
}

/** The versions, never a secret. */
export async function listKeyVersions({ store }: Pick<SigningKeyPorts, 'store'>): Promise<KeyVersionInfo[]> {
  return describeKeyRing(parseKeyRing(await store.read()));
}

/**
 * 1. Read the ring (a plain key is version 1).
 * 2. Add a version that signs from now; the one that signed is retired (it keeps verifying).
 * 3. Write the ring, then read it back: the rotation is done only if the store returns it.
 */
export async function rotateSigningKey(ports: SigningKeyPorts): Promise<{ retired: KeyVersionInfo; signing: KeyVersionInfo }> {
  const ring = parseKeyRing(await ports.store.read());
  const now = ports.clock.now();
  const rotated = rotateKeyRing(ring, { secret: (ports.newKey ?? (() => randomBytes(32).toString('base64url')))(), now });
  await ports.store.write(serializeKeyRing(rotated));
  const written = parseKeyRing(await ports.store.read());
  if (signingKey(written).version !== signingKey(rotated).version) {
    throw new Error('the secret read back is not the rotated ring (another change at the same time?): run `links keys` and try again');
  }
  const versions = describeKeyRing(written);
  return { retired: versions.at(-2) as KeyVersionInfo, signing: versions.at(-1) as KeyVersionInfo };
}

/** Version `version` verifies nothing any more: every link and tracking token it signed is refused (403, 404). */
export async function revokeSigningKey(ports: SigningKeyPorts, version: number): Promise<KeyVersionInfo> {
  const ring = parseKeyRing(await ports.store.read());
  const revoked = revokeKeyVersion(ring, { version, now: ports.clock.now() });
  if (revoked !== ring) await ports.store.write(serializeKeyRing(revoked));
  return describeKeyRing(revoked).find((v) => v.version === version) as KeyVersionInfo;
}
