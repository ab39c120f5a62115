import { ENV } from '../config/env.ts';
import { TransientError } from '../domain/errors.ts';
import { type KeyRing, parseKeyRing } from '../links/key-ring.ts';
import type { KeySource } from '../links/signing.ts';
import { isTransient } from './aws-errors.ts';

export interface SigningKeySourceOptions {
  /** Read again after this many seconds: how soon a container sees a rotation. */
  maxAgeSeconds: number;
  /**
   * The least time between two reads forced by a link naming a version newer than the ring
   * (`refresh`): such links are easy to forge, and must not make every request read the secret.
   * Default 10 s.
   */
  minRefreshSeconds?: number;
  /** Reads the secret's value; default `readSigningSecret(process.env)`. */
  read?: () => Promise<string>;
  /** Milliseconds; tests move it. */
  now?: () => number;
}

/** After a failed read, the ring already held is used this long before the next try (when shorter than the maximum age). */
const RETRY_AFTER_FAILURE_MS = 30_000;

/**
 * The signing key ring of a container, read again once it is older than `maxAgeSeconds` (the
 * behaviour of Powertools' Parameters with a `maxAge`), instead of once for the container's life:
 * a rotation reaches every container within that age. One read at a time; a failed first read is
 * not cached (the request fails, the next one tries again); a failed later read keeps the ring
 * already held, which still verifies everything it did.
 */
export function signingKeySource(options: SigningKeySourceOptions): KeySource {
  const read = options.read ?? (() => readSigningSecret(process.env));
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const minRefreshMs = (options.minRefreshSeconds ?? 10) * 1000;
  let held: { ring: KeyRing; readAt: number } | undefined;
  let reading: Promise<KeyRing> | undefined;
  // Forced reads are counted apart from the others: a container that has just read the key must
  // still read it again for the first link of a rotation.
  let forcedAt = Number.NEGATIVE_INFINITY;

  const load = (): Promise<KeyRing> =>
    (reading ??= read()
      .then((value) => {
        const ring = parseKeyRing(value);
        held = { ring, readAt: now() };
        return ring;
      })
      .catch((error: unknown) => {
        if (!held) throw error;
        // Try again soon, not at every request.
        held.readAt = now() - maxAgeMs + Math.min(maxAgeMs, RETRY_AFTER_FAILURE_MS);
        return held.ring;
      })
      .finally(() => {
        reading = undefined;
      }));

  return {
    ring: () => (held && now() - held.readAt < maxAgeMs ? Promise.resolve(held.ring) : load()),
    refresh: () => {
      if (held && now() - forcedAt < minRefreshMs) return Promise.resolve(held.ring);
      forcedAt = now();
      return load();
    },
  };
}

/**
 * The signing secret's value: SIGNING_SECRET when set (tests, benchmarks), else the Secrets
 * Manager secret named by SIGNING_SECRET_ARN (in AWS, and on the local stack through its Secrets
 * Manager endpoint, `AWS_ENDPOINT_URL_SECRETS_MANAGER`).
 */
export async function readSigningSecret(env: Record<string, string | undefined> = process.env): Promise<string> {
  const local = env[ENV.signingSecret];
  if (local) return local;
  const arn = env[ENV.signingSecretArn];
  if (!arn) throw new Error(`${ENV.signingSecretArn} must be set`);
  // Loaded on first use only: most invocations never need the client.
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({});
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    return out.SecretString ?? '';
  } catch (error) {
    if (isTransient(error)) throw new TransientError('the signing secret is unavailable');
    throw error;
  } finally {
    client.destroy();
  }
}
