import { ENV } from '../config/env.ts';
import { TransientError } from '../domain/errors.ts';
import { type KeyRing, parseKeyRing } from '../links/key-ring.ts';
import type { KeySource } from '../links/signing.ts';
import { isTransient } from './aws-errors.ts';
import { credentialsFromEnv, signedJsonHeaders } from './sigv4.ts';

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

/** Why Secrets Manager refused: its error's `__type` as the error's name, and the HTTP status, as the SDK reports them. */
class SecretsManagerError extends Error {
  override readonly name: string;
  readonly $metadata: { httpStatusCode: number };
  constructor(name: string, message: string, status: number) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

/**
 * Secrets Manager's GetSecretValue as one signed JSON request (shared/adapters/sigv4.ts), without
 * the SDK's client (30 KB in each of the many functions that sign links). The endpoint is
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER` (the local stack's), else the secret's region's.
 */
export async function getSecretString(arn: string, env: Record<string, string | undefined> = process.env, send: typeof fetch = fetch): Promise<string> {
  const region = arn.split(':')[3] || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new Error(`no region in ${arn} nor in AWS_REGION`);
  const url = new URL(env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? env.AWS_ENDPOINT_URL ?? `https://secretsmanager.${region}.amazonaws.com/`);
  const body = JSON.stringify({ SecretId: arn });
  const headers = signedJsonHeaders({
    url,
    region,
    service: 'secretsmanager',
    target: 'secretsmanager.GetSecretValue',
    body,
    credentials: credentialsFromEnv(env),
    now: new Date(),
  });
  const response = await send(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
  const answer = (await response.json().catch(() => ({}))) as { SecretString?: string; __type?: string; message?: string; Message?: string };
  if (!response.ok) {
    const name = (answer.__type ?? 'SecretsManagerError').split('#').pop() ?? 'SecretsManagerError';
    throw new SecretsManagerError(name, answer.message ?? answer.Message ?? `Secrets Manager answered ${response.status}`, response.status);
  }
  return answer.SecretString ?? '';
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
  try {
    return await getSecretString(arn, env);
  } catch (error) {
    if (isTransient(error)) throw new TransientError('the signing secret is unavailable');
    throw error;
  }
}
