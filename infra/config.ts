import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';

/** `local` is never deployed: the embedded stack (`npm start`) synthesizes it in-process. */
export const stages = ['dev', 'prod', 'local'] as const;
export type StageName = (typeof stages)[number];

/** The most a Standard execution may last: no wait can usefully be longer. */
const ONE_YEAR_SECONDS = 365 * 24 * 3600;
const DAY = 24 * 3600;

const seconds = z.coerce
  .number({ message: 'expected a number of seconds' })
  .int('expected a whole number of seconds')
  .min(1, 'must be at least 1 second')
  .max(ONE_YEAR_SECONDS, `must be at most ${ONE_YEAR_SECONDS} seconds (one year)`);

const retentionDays = new Set(Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'));

/** A boolean from code (`true`) or from the CLI (`-c wafEnabled=false` arrives as a string). */
const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ message: 'expected true or false' }));

/** `a@x.org,b@x.org` from the CLI, or an array from code. */
const emailList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(z.email({ message: 'expected an email address' })).min(1, 'at least one address'),
);

export const stageConfigSchema = z
  .strictObject({
    stage: z.enum(stages),
    /** From address of every email; its domain is the SES identity the mailers may send as. */
    senderEmail: z.email({ message: 'expected an email address' }),
    /** Escalations and workflow failures go there. */
    adminEmails: emailList,
    /** Public base URL (custom domain), no trailing slash; unset → the REST API's own URL. */
    baseUrl: z
      .url({ protocol: /^https?$/, message: 'expected an absolute http(s) URL' })
      .refine((u) => !u.endsWith('/'), 'must not end with a slash')
      .optional(),
    /** A review waiting this long sends a reminder, then escalates; it keeps waiting. */
    reviewTimeoutSeconds: seconds,
    /** Same for each co-chair's decision. */
    committeeTimeoutSeconds: seconds,
    /** An application waiting for its resubmission this long is withdrawn. */
    resubmissionTimeoutSeconds: seconds,
    /** How long a decision link stays valid (the functions accept 60 s to 90 days). */
    linkTtlSeconds: z.coerce
      .number({ message: 'expected a number of seconds' })
      .int('expected a whole number of seconds')
      .min(60, 'must be at least 60 seconds')
      .max(90 * DAY, `must be at most ${90 * DAY} seconds (90 days)`),
    /**
     * After a rotation of the signing key (`npm run admin -- links rotate-key`), how long decision
     * links signed with the retired key still open; unset → `linkTtlSeconds`, by which time every
     * such link has expired anyway. Tracking links are not bounded by it.
     */
    signingKeyGraceSeconds: z.coerce
      .number({ message: 'expected a number of seconds' })
      .int('expected a whole number of seconds')
      .min(0, 'must be 0 or more seconds')
      .max(ONE_YEAR_SECONDS, `must be at most ${ONE_YEAR_SECONDS} seconds (one year)`)
      .optional(),
    logRetention: z.coerce
      .number({ message: 'expected a number of days' })
      .refine((d) => retentionDays.has(d), `must be one of ${[...retentionDays].join(', ')} days`),
    /** A WAF web ACL in front of the API (managed rules and a per-IP rate limit). */
    wafEnabled: flag,
    /**
     * GuardDuty Malware Protection for S3 on the documents' bucket: each uploaded object is scanned
     * and tagged with its verdict, which the functions read (a flagged document is refused).
     */
    malwareScan: flag,
    /** Days a document's replaced or deleted versions are kept before the bucket expires them. */
    documentVersionDays: z.coerce
      .number({ message: 'expected a number of days' })
      .int('expected a whole number of days')
      .min(1, 'must be at least 1 day')
      .max(3650, 'must be at most 3650 days (ten years)'),
    /** Steady-state requests per second across the API stage. */
    apiRateLimit: z.coerce.number({ message: 'expected a number' }).int().min(1).max(10_000),
    apiBurstLimit: z.coerce.number({ message: 'expected a number' }).int().min(1).max(5_000),
    /**
     * How long applicants' personal data (contacts, summary, free-text comments) is kept after an
     * application is closed; `npm run admin -- purge` removes it past that (docs/operations.md).
     */
    personalDataRetentionDays: z.coerce
      .number({ message: 'expected a number of days' })
      .int('expected a whole number of days')
      .min(30, 'must be at least 30 days')
      .max(3650, 'must be at most 3650 days (ten years)'),
  })
  // Every link a retired key signed has expired one link lifetime after the rotation.
  .transform((config) => ({ ...config, signingKeyGraceSeconds: config.signingKeyGraceSeconds ?? config.linkTtlSeconds }));
export type StageConfig = z.infer<typeof stageConfigSchema>;
type StageInput = z.input<typeof stageConfigSchema>;

/**
 * Per-stage defaults. The addresses are placeholders on a domain we own for each stage: override them
 * with `-c senderEmail=… -c adminEmails=a@x,b@y` (or here) before a real deployment.
 */
const dev: Omit<StageInput, 'stage'> = {
  senderEmail: 'no-reply@dev.coopfund.example.org',
  adminEmails: ['admins@dev.coopfund.example.org'],
  reviewTimeoutSeconds: 2 * DAY,
  committeeTimeoutSeconds: 3 * DAY,
  resubmissionTimeoutSeconds: 7 * DAY,
  linkTtlSeconds: 7 * DAY,
  logRetention: 14,
  wafEnabled: false,
  malwareScan: false,
  documentVersionDays: 7,
  apiRateLimit: 10,
  apiBurstLimit: 20,
  personalDataRetentionDays: 90,
};
const defaults: Record<StageName, Omit<StageInput, 'stage'>> = {
  dev,
  // The embedded stack shortens the waits itself, by context, for demos and tests.
  local: { ...dev, senderEmail: 'no-reply@coopfund.localhost', adminEmails: ['admins@coopfund.localhost'] },
  prod: {
    senderEmail: 'no-reply@coopfund.example.org',
    adminEmails: ['admins@coopfund.example.org'],
    reviewTimeoutSeconds: 7 * DAY,
    committeeTimeoutSeconds: 14 * DAY,
    // Kept under 2,147,483 s so that the local interpreter's timers do not overflow with prod values.
    resubmissionTimeoutSeconds: 21 * DAY,
    linkTtlSeconds: 21 * DAY,
    logRetention: 365,
    wafEnabled: true,
    malwareScan: true,
    // Long enough to restore a document deleted by mistake, short enough that a purge is final soon.
    documentVersionDays: 30,
    apiRateLimit: 20,
    apiBurstLimit: 40,
    // Five years after closing: long enough for the programme's audits, then purged.
    personalDataRetentionDays: 1825,
  },
};

/** Settings a context value (`-c name=value`) may override. */
export const overridableSettings = [
  'senderEmail',
  'adminEmails',
  'baseUrl',
  'reviewTimeoutSeconds',
  'committeeTimeoutSeconds',
  'resubmissionTimeoutSeconds',
  'linkTtlSeconds',
  'signingKeyGraceSeconds',
  'logRetention',
  'wafEnabled',
  'malwareScan',
  'documentVersionDays',
  'apiRateLimit',
  'apiBurstLimit',
  'personalDataRetentionDays',
] as const satisfies readonly (keyof StageInput)[];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `adminEmail`, `WafEnabled`, `admin-emails` all become `adminemail`: a likely typo of a setting. */
const normalized = (name: string) => name.toLowerCase().replace(/[-_]/g, '').replace(/s$/, '');

/**
 * A context key that looks like a setting but is not spelt as one (`-c adminEmail=…`): without
 * this check it would be ignored silently and the stage deployed with its placeholder.
 */
function misspelledSettings(contextKeys: readonly string[]): string[] {
  const known = new Map<string, string>([...overridableSettings, 'stage'].map((s) => [normalized(s), s]));
  return contextKeys
    .filter((key) => !(overridableSettings as readonly string[]).includes(key) && key !== 'stage')
    .flatMap((key) => {
      const setting = known.get(normalized(key));
      return setting ? [`  ${key}: unknown setting, did you mean ${setting}?`] : [];
    });
}

/**
 * The stage's configuration: its defaults, then any context override, validated as a whole.
 * Throws a `ConfigError` naming each invalid setting. `contextKeys` (every context key given)
 * lets it refuse a misspelt setting too.
 */
export function loadStageConfig(stage: unknown, context: (name: string) => unknown, contextKeys: readonly string[] = []): StageConfig {
  const name = stage ?? 'dev';
  if (typeof name !== 'string' || !(stages as readonly string[]).includes(name)) {
    throw new ConfigError(`Invalid stage ${JSON.stringify(name)}: expected one of ${stages.join(', ')} (-c stage=…)`);
  }
  const misspelt = misspelledSettings(contextKeys);
  if (misspelt.length > 0) throw new ConfigError(`Invalid configuration for stage ${name}:\n${misspelt.join('\n')}`);
  const input: Record<string, unknown> = { stage: name, ...defaults[name as StageName] };
  for (const setting of overridableSettings) {
    const value = context(setting);
    if (value !== undefined) input[setting] = value;
  }
  const parsed = stageConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration for stage ${name}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The domain part of the sender address: the SES identity the mailers are allowed to send as. */
export const senderDomain = (config: StageConfig): string => config.senderEmail.split('@')[1] ?? '';
