import { ENV } from '../config/env.ts';
import { TransientError } from '../domain/errors.ts';
import { isTransient } from './aws-errors.ts';

let secret: Promise<string> | undefined;

/**
 * The link-signing key: SIGNING_SECRET when set (local mode), else the Secrets Manager secret named
 * by SIGNING_SECRET_ARN, fetched once per container. A failed fetch is not cached.
 */
export function signingSecret(env: Record<string, string | undefined> = process.env): Promise<string> {
  secret ??= fetchSecret(env).catch((error: unknown) => {
    secret = undefined;
    throw error;
  });
  return secret;
}

async function fetchSecret(env: Record<string, string | undefined>): Promise<string> {
  const local = env[ENV.signingSecret];
  if (local) return local;
  const arn = env[ENV.signingSecretArn];
  if (!arn) throw new Error(`${ENV.signingSecretArn} must be set`);
  // Loaded on first use only: most invocations never need the client.
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({});
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const value = out.SecretString;
    if (!value || value.length < 32) throw new Error('the signing secret is empty or shorter than 32 characters');
    return value;
  } catch (error) {
    if (isTransient(error)) throw new TransientError('the signing secret is unavailable');
    throw error;
  } finally {
    client.destroy();
  }
}

/** Tests only: forget the cached secret. */
export function resetSigningSecretCache(): void {
  secret = undefined;
}
