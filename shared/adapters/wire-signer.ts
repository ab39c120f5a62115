import type { Config } from '../config/load.ts';
import { hmacSigner } from '../links/signing.ts';
import type { Signer } from '../ports/index.ts';
import { signingSecret } from './signing-secret.ts';

/** Link and tracking-token signing with the secret (`realPorts({ signer: secretSigner })`). */
export function secretSigner(_config: Config): Signer {
  return hmacSigner(() => signingSecret());
}
