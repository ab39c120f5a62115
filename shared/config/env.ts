/**
 * Names of the environment variables the functions read. Declared once: the handlers parse them
 * at cold start (`shared/config/load.ts`) and the CDK constructs set them.
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  stateMachineArn: 'STATE_MACHINE_ARN',
  /** Public base URL of the API, for every link in pages and emails (no trailing slash). */
  baseUrl: 'BASE_URL',
  senderEmail: 'SENDER_EMAIL',
  /** Comma-separated admin addresses (escalations, workflow failures). */
  adminEmails: 'ADMIN_EMAILS',
  /** In AWS: the Secrets Manager secret holding the signing key. */
  signingSecretArn: 'SIGNING_SECRET_ARN',
  /** Tests and benchmarks only: the signing key itself, a plain key or a key ring (never set in the template). */
  signingSecret: 'SIGNING_SECRET',
  /**
   * How long a retired signing-key version still verifies decision links after a rotation, in
   * seconds (the stage's `signingKeyGraceSeconds`; unset: the link lifetime).
   */
  signingKeyGraceSeconds: 'SIGNING_KEY_GRACE_SECONDS',
  /** After how many seconds a container reads the signing key again (default 300): how soon it sees a rotation. */
  signingKeyMaxAgeSeconds: 'SIGNING_KEY_MAX_AGE_SECONDS',
  /** How long a decision link stays valid, in seconds. */
  linkTtlSeconds: 'LINK_TTL_SECONDS',
  /** The bucket of applications' documents (functions that declare the documents port). */
  documentsBucket: 'DOCUMENTS_BUCKET',
  /**
   * `true` where GuardDuty Malware Protection scans the bucket and tags each object with its verdict
   * (the stage's `malwareScan`); otherwise documents are reported `unscanned`.
   */
  documentsScanned: 'DOCUMENTS_SCANNED',
  /** The CloudWatch namespace of the metrics a function writes (Powertools' own variable). */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;
export type EnvName = (typeof ENV)[keyof typeof ENV];
