/**
 * The environment the API functions parse at cold start. Imported FIRST by every API test, before
 * any handler module, because the handlers read it at import.
 */
export const TEST_ENV = {
  TABLE_NAME: 'coopfund-test',
  DOCUMENTS_BUCKET: 'coopfund-test-documents',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-3:123456789012:stateMachine:coopfund-workflow',
  SENDER_EMAIL: 'no-reply@coopfund.example.org',
  ADMIN_EMAILS: 'secretariat@coopfund.example.org, ops@coopfund.example.org',
  LINK_TTL_SECONDS: '1209600',
  SIGNING_SECRET: 'test-signing-secret-of-at-least-32-characters',
  BASE_URL: 'https://coopfund.example.org',
  POWERTOOLS_METRICS_NAMESPACE: 'coopfund/test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
} as const;

Object.assign(process.env, TEST_ENV);
