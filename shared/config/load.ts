import * as z from 'zod';
import { ENV } from './env.ts';

/** What every function knows from its environment, parsed once at cold start. */
export interface Config {
  tableName: string;
  /** Only submit-application starts executions (the state machine cannot name its own tasks' ARN). */
  stateMachineArn?: string;
  /** Public base URL, no trailing slash; API functions derive it from the request when unset. */
  baseUrl?: string;
  senderEmail: string;
  adminEmails: string[];
  linkTtlSeconds: number;
  /** How long a retired signing-key version still verifies decision links (default: `linkTtlSeconds`). */
  signingKeyGraceSeconds: number;
  /** After how long the signing key is read again (default 300 s). */
  signingKeyMaxAgeSeconds: number;
  /** Only functions that declare the metrics port write metrics (shared/config/metrics.ts). */
  metricsNamespace?: string;
  /** The documents' bucket: required of the functions that declare the documents port. */
  documentsBucket?: string;
  /** Whether GuardDuty tags the bucket's objects with a scan verdict (default false: `unscanned`). */
  documentsScanned: boolean;
}

/** How long a container keeps the signing key before reading it again, unless configured. */
export const DEFAULT_SIGNING_KEY_MAX_AGE_SECONDS = 300;

type OptionalKey = 'stateMachineArn' | 'baseUrl' | 'metricsNamespace' | 'documentsBucket';

export interface LoadConfigOptions {
  /** Optional settings this function cannot work without: a missing one fails the cold start. */
  require?: readonly OptionalKey[];
  env?: Record<string, string | undefined>;
}

const nonEmpty = z.string().trim().min(1, 'must be set');
const email = z.email('must be an email address');

const schema = z
  .object({
    [ENV.tableName]: nonEmpty,
    [ENV.stateMachineArn]: z
      .string()
      .regex(/^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[\w-]{1,80}$/, 'must be a state machine ARN')
      .optional(),
    [ENV.baseUrl]: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
      .refine((u) => !u.endsWith('/'), 'must not end with a slash')
      .optional(),
    [ENV.senderEmail]: email,
    [ENV.adminEmails]: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((a) => a.trim())
          .filter((a) => a.length > 0),
      )
      .pipe(z.array(email).min(1, 'needs at least one address')),
    [ENV.metricsNamespace]: z
      .string()
      .regex(/^[\w.\-/#:]{1,255}$/, 'must be a CloudWatch namespace')
      .optional(),
    [ENV.linkTtlSeconds]: z.coerce
      .number()
      .int('must be whole seconds')
      .min(60)
      .max(90 * 24 * 3600),
    // S3's own rule for bucket names: lower case, digits, dots and hyphens, 3 to 63 characters.
    [ENV.documentsBucket]: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
      .optional(),
    [ENV.documentsScanned]: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
    // One of the two is needed to sign links; which one is checked below.
    [ENV.signingSecretArn]: nonEmpty.optional(),
    [ENV.signingSecret]: z.string().min(32, 'must be at least 32 characters').optional(),
    [ENV.signingKeyGraceSeconds]: z.coerce
      .number()
      .int('must be whole seconds')
      .min(0)
      .max(365 * 24 * 3600)
      .optional(),
    [ENV.signingKeyMaxAgeSeconds]: z.coerce
      .number()
      .int('must be whole seconds')
      .min(1)
      .max(24 * 3600)
      .optional(),
  })
  .refine((e) => e[ENV.signingSecretArn] !== undefined || e[ENV.signingSecret] !== undefined, {
    path: [ENV.signingSecretArn],
    message: `must be set (or ${ENV.signingSecret} locally)`,
  });

/**
 * Parses the environment; throws at cold start with every missing or invalid variable named, so
 * that a misconfigured function fails on deployment instead of on the first applicant.
 * Empty strings count as unset (CloudFormation cannot omit a variable conditionally).
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const raw = options.env ?? process.env;
  const env = Object.fromEntries(Object.values(ENV).map((name) => [name, raw[name] === '' ? undefined : raw[name]]));
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0] ?? '?')} ${i.message}`);
  const config: Config | undefined = parsed.success
    ? {
        tableName: parsed.data[ENV.tableName],
        senderEmail: parsed.data[ENV.senderEmail],
        adminEmails: parsed.data[ENV.adminEmails],
        linkTtlSeconds: parsed.data[ENV.linkTtlSeconds],
        // Every link a retired version signed has lapsed one link lifetime after its retirement.
        signingKeyGraceSeconds: parsed.data[ENV.signingKeyGraceSeconds] ?? parsed.data[ENV.linkTtlSeconds],
        signingKeyMaxAgeSeconds: parsed.data[ENV.signingKeyMaxAgeSeconds] ?? DEFAULT_SIGNING_KEY_MAX_AGE_SECONDS,
        documentsScanned: parsed.data[ENV.documentsScanned] === 'true',
        ...(parsed.data[ENV.stateMachineArn] ? { stateMachineArn: parsed.data[ENV.stateMachineArn] } : {}),
        ...(parsed.data[ENV.baseUrl] ? { baseUrl: parsed.data[ENV.baseUrl] } : {}),
        ...(parsed.data[ENV.metricsNamespace] ? { metricsNamespace: parsed.data[ENV.metricsNamespace] } : {}),
        ...(parsed.data[ENV.documentsBucket] ? { documentsBucket: parsed.data[ENV.documentsBucket] } : {}),
      }
    : undefined;
  for (const key of options.require ?? []) {
    if (config && config[key] === undefined) problems.push(`${ENV[key]} must be set`);
  }
  if (problems.length > 0 || !config) {
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return config;
}
