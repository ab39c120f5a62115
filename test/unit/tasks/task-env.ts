import type { ApplicationRecord } from '../../../shared/domain/application.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { ADMIN, BASE_URL, SECRET, call } from '../use-cases/fakes.ts';

/**
 * The environment a workflow function gets from the stack. Imported first by the handler tests:
 * handlers wire their ports at module scope, so it must be in place before they load.
 */
export const TABLE = 'coopfund-test';
Object.assign(process.env, {
  TABLE_NAME: TABLE,
  SENDER_EMAIL: 'no-reply@fonds.example.org',
  ADMIN_EMAILS: ADMIN,
  LINK_TTL_SECONDS: String(14 * 24 * 3600),
  SIGNING_SECRET: SECRET,
  BASE_URL,
  POWERTOOLS_SERVICE_NAME: 'coopfund',
  POWERTOOLS_METRICS_NAMESPACE: 'coopfund/test',
});

/** An application as the table holds it (keys and bookkeeping beside the record). */
export const applicationItem = (app: ApplicationRecord) => ({
  ...app,
  ...keys.application(app.id),
  gsi1pk: `CALL#${app.callId}#STATUS#${app.status}`,
  gsi1sk: `${app.createdAt}#${app.id}`,
  seq: 1,
  lastEvent: { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' },
});

export const callItem = (committed = 0, awarded: string[] = []) => ({
  ...call,
  ...keys.call(call.id),
  committed,
  ...(awarded.length > 0 ? { awarded: new Set(awarded) } : {}),
});

export { captureOutput } from '../../fixtures/capture-output.ts';
