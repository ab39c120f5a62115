import type { Config } from '../config/load.ts';
import { ringSigner } from '../links/signing.ts';
import type { Signer } from '../ports/index.ts';
import { signingKeySource } from './signing-secret.ts';

/**
 * Link and tracking-token signing with the secret's key ring (`realPorts({ signer: secretSigner })`),
 * read again after `SIGNING_KEY_MAX_AGE_SECONDS`; retired versions verify decision links for
 * `SIGNING_KEY_GRACE_SECONDS`.
 */
export function secretSigner(config: Config): Signer {
  return ringSigner(signingKeySource({ maxAgeSeconds: config.signingKeyMaxAgeSeconds }), { graceSeconds: config.signingKeyGraceSeconds });
}
