import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Signer } from '../ports/index.ts';

/** HMAC-SHA256 over the parts joined with a separator no part may contain. */
export function hmacSigner(getSecret: () => Promise<string>): Signer {
  const mac = async (parts: string[]) => {
    if (parts.some((p) => p.includes('\n'))) throw new Error('signed parts may not contain a newline');
    return createHmac('sha256', await getSecret()).update(parts.join('\n')).digest('base64url');
  };
  return {
    sign: mac,
    async verify(parts, signature) {
      const expected = Buffer.from(await mac(parts));
      const given = Buffer.from(signature);
      // Compare in constant time, and on equal lengths only (timingSafeEqual throws otherwise).
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
