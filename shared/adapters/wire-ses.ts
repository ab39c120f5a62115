import type { Config } from '../config/load.ts';
import type { Mailer } from '../ports/index.ts';

/** The mailer over SES (`realPorts({ mailer: ses })`). */
export async function ses(config: Config): Promise<Mailer> {
  const [{ SESClient }, { sesMailer }] = await Promise.all([import('@aws-sdk/client-ses'), import('./ses-mailer.ts')]);
  return sesMailer(new SESClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 } }), config.senderEmail);
}
