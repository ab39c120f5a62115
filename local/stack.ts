import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LOCAL_ACCOUNT, LOCAL_REGION, loadTemplate } from './template.ts';
import type { LocalTemplate } from './template.ts';
import { createEngine } from './stepfunctions/engine.ts';
import type { Engine, HistoryEvent } from './stepfunctions/engine.ts';
import { startSfnServer } from './stepfunctions/server.ts';
import type { StateMachineInfo } from './stepfunctions/server.ts';
import { startApiGateway } from './api-gateway.ts';
import type { GatewayResponse } from './api-gateway.ts';
import { type LocalScheduler, schedulesOf, startScheduler } from './scheduler.ts';
import { createLambdaRuntime } from './lambda-runtime.ts';
import type { LambdaRuntime, LocalFunction } from './lambda-runtime.ts';
import { ENV } from '../shared/config/env.ts';
import { ensureTable, localCredentials, localSigningSecret, signingSecretFile, startDynamo, startMailbox, startSecretsManager } from './services.ts';
import type { MailboxEmail, RunningService } from './services.ts';
import { localRepository, seedDemo } from './seed.ts';
import { clearDiscovery, writeDiscovery } from './discovery.ts';
import { createFaultSwitch } from './faults.ts';
import { startS3 } from './s3.ts';
import type { FaultRule, FaultSwitch } from './faults.ts';

/**
 * The whole workflow on one machine, as a library: `npm start` (local/start.ts) and
 * the end-to-end tests both call `startLocalStack`. It synthesizes the CDK app, then runs dynalite,
 * aws-ses-v2-local, the Step Functions engine, the API Gateway and S3 (s3rver behind a POST policy
 * checker, local/s3.ts), every function of the template
 * in worker threads of its own with its template's environment resolved to local values.
 */

/** The waits a demo or a test may shorten (CDK context of infra/config.ts, in seconds). */
export interface LocalTimeouts {
  reviewTimeoutSeconds?: number;
  committeeTimeoutSeconds?: number;
  resubmissionTimeoutSeconds?: number;
  linkTtlSeconds?: number;
}

export type HandlerLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

export interface LocalStackOptions {
  /** The API (and the form). Default 3000; 0 picks a free port. */
  port?: number;
  /** The mailbox (SES). Default 8005; 0 picks a free port. */
  mailboxPort?: number;
  /** The S3 endpoint (documents), which browsers post to. Default: a free port. */
  s3Port?: number;
  /** Internal endpoints (DynamoDB, Step Functions): free ports unless set. */
  dynamoPort?: number;
  sfnPort?: number;
  /** Where everything is kept across restarts. Default `.local` under the current directory. */
  dataDir?: string;
  timeouts?: LocalTimeouts;
  /** Extra CDK context (wins over `timeouts`). */
  context?: Record<string, unknown>;
  /** CDK stage to synthesize. Default `local` (infra/config.ts: never deployed, made for this). */
  stage?: string;
  /** No line per request, email or state (the banner is the caller's). */
  quiet?: boolean;
  /** Where the readable lines go. Default: stdout. */
  log?: (line: string) => void;
  /** The handlers' own (Powertools) log lines at or above this level are shown. Default WARN; none when quiet. */
  handlerLogLevel?: HandlerLogLevel;
  /** Seed the demo call, roster and co-chairs (idempotent). Default true. */
  seed?: boolean;
  /**
   * The fault switch (local/faults.ts): the functions reach DynamoDB, SES and Step Functions
   * through proxies that fail requests on demand (`stack.faults`). `true` starts with no rule.
   * Off by default: the functions then talk to the services directly.
   */
  faults?: boolean | FaultRule[];
  /** Pause of every state machine Retry, in ms (default: the definition's own intervals). */
  retryIntervalMs?: number;
  /** Every line the functions write, as written (Powertools JSON included), whatever `handlerLogLevel`. */
  rawOutput?: (functionName: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** Variables added to every function's environment (e.g. `POWERTOOLS_LOG_LEVEL`). */
  functionEnvironment?: Record<string, string>;
  /**
   * A function's container (worker thread) idle for longer than this is terminated, as Lambda
   * reclaims idle execution environments; the next invocation is then a cold start. Default 60 s.
   */
  lambdaIdleSeconds?: number;
  /**
   * The period of every scheduled rule of the template (EventBridge), when shorter than its own:
   * demos and tests see the hourly sweeps (deadline reminders…) every few seconds.
   */
  scheduleSeconds?: number;
}

export interface LocalStack {
  urls: {
    /** The API's base URL, also every function's BASE_URL. */
    api: string;
    /** The application form. */
    form: string;
    /** The mailbox page; `${mailbox}/store` lists the emails as JSON. */
    mailbox: string;
    dynamodb: string;
    stepFunctions: string;
    /** Secrets Manager's API for the signing key (`AWS_ENDPOINT_URL_SECRETS_MANAGER`). */
    secretsManager: string;
    /** The local S3 (`AWS_ENDPOINT_URL_S3`, path-style), where browsers upload documents. */
    s3: string;
  };
  ports: { api: number; mailbox: number; dynamodb: number; stepFunctions: number; s3: number };
  /** The documents' bucket, as the functions know it. */
  documentsBucket: string;
  dataDir: string;
  tableName: string;
  /** The seeded demo call (filed in one go). */
  demoCallId: string | undefined;
  /** The seeded joint dossier's call (drafts, the partner's confirmation, two envelopes). */
  jointCallId: string | undefined;
  /** Executions resumed from the journal at start. */
  resumedExecutions: string[];
  /** From the call to ready, in ms. */
  startupMs: number;
  template: LocalTemplate;
  engine: Engine;
  /** The fault switch, when started with `faults`. */
  faults?: FaultSwitch;
  /** The functions' containers (worker threads) alive now; idle ones go after `lambdaIdleSeconds`. */
  lambdaContainers(): number;
  /** The template's scheduled rules (EventBridge), run on their period; `run` fires one now. */
  scheduler: LocalScheduler;
  /** Stops everything; executions in flight stay in the journal and resume next time. */
  stop(): Promise<void>;
}

export const TABLE_NAME = 'coopfund-local';
export const DOCUMENTS_BUCKET = 'coopfund-local-documents';
const repoRoot = resolve(import.meta.dirname, '..');
const levels: Record<HandlerLogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 };

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const started = performance.now();
  const host = '127.0.0.1';
  const dataDir = resolve(options.dataDir ?? '.local');
  const quiet = options.quiet ?? false;
  const print = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const say = quiet ? () => undefined : print;
  const handlerThreshold = levels[quiet ? 'SILENT' : (options.handlerLogLevel ?? 'WARN')];
  await mkdir(dataDir, { recursive: true });

  // Everything started is stopped in reverse order, also when a later step fails.
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const stop of stops.splice(0).reverse()) await stop().catch((e: unknown) => errors.push(e));
    if (errors.length > 0) throw new AggregateError(errors, 'the local stack did not stop cleanly');
  };

  try {
    const context = { ...options.timeouts, ...options.context };
    // In parallel; if one fails, the others still finish starting (and are then stopped).
    const [template, dynamo, mailbox] = await settleAll([
      synthesizeInWorker(options.stage ?? 'local', context),
      startDynamo({ dataDir, port: options.dynamoPort ?? 0, host }).then(track(stops)),
      startMailbox({
        host,
        port: options.mailboxPort ?? 8005,
        persistFile: join(dataDir, 'mailbox.json'),
        onEmail: (email) => say(describeEmail(email)),
      }).then(track(stops)),
      // Created on the first start; the Secrets Manager endpoint below serves it.
      localSigningSecret(dataDir),
    ] as const);

    await ensureTable(dynamo.url, LOCAL_REGION, { ...template.table.createTableInput, TableName: TABLE_NAME });
    // The signing key, served as the template's secret: functions read it, and the admin CLI
    // rotates it, through Secrets Manager's own API.
    const bucket = template.buckets[0];
    if (!bucket) throw new Error('template: no AWS::S3::Bucket for the documents');
    const refs = { [template.table.logicalId]: TABLE_NAME, [bucket.logicalId]: DOCUMENTS_BUCKET };
    const secrets = track(stops)(await startSecretsManager({ file: signingSecretFile(dataDir), secretArn: signingSecretArnOf(template, refs), host }));
    let demoCallId: string | undefined;
    let jointCallId: string | undefined;
    if (options.seed ?? true) {
      const { repository, close } = localRepository(dynamo.url, LOCAL_REGION, TABLE_NAME);
      try {
        const seeded = await seedDemo(repository);
        demoCallId = seeded.callId;
        jointCallId = seeded.joint.callId;
        for (const { callId, created } of [seeded, seeded.joint]) if (created.length > 0) say(`seeded ${callId}: ${created.join(', ')}`);
      } finally {
        close();
      }
    }

    // The engine and the gateway need the runtime, whose environments need their ports: bind late.
    let runtime: LambdaRuntime | undefined;
    // The fault proxies, if any, go last: a function still running must not see them vanish.
    const proxyStops: Array<() => Promise<void>> = [];
    stops.push(async () => {
      await Promise.all(proxyStops.splice(0).map((stop) => stop()));
    });
    // Stopped after the engine is closed: a run cut short then resumes rather than records a failure.
    stops.push(async () => {
      await runtime?.stop();
    });
    const invoke = (logicalId: string, payload: unknown, invokeOptions?: { requestId?: string }) => {
      if (!runtime) throw new Error('the local Lambda runtime is not started yet');
      return runtime.invoke(logicalId, payload, invokeOptions);
    };
    const sm = template.stateMachine;
    const engine = createEngine({
      definition: sm.definition,
      stateMachineArn: sm.arn,
      invoke: (logicalId, payload) => invoke(logicalId, payload),
      functionByResource: sm.functionByResource,
      journalDir: join(dataDir, 'stepfunctions'),
      ...(options.retryIntervalMs !== undefined ? { retryIntervalOverrides: { '*': options.retryIntervalMs } } : {}),
      log: (line) => say(`step functions: ${line}`),
      onEvent: (event, execution) => {
        const line = describeStateEvent(event, execution.name);
        if (line) say(line);
      },
    });
    stops.push(() => engine.close());
    const sfn = track(stops)(await startSfnServer(engine, { port: options.sfnPort ?? 0, host, stateMachine: stateMachineInfoOf(template, refs, new Date()) }));

    const apiRoutes = template.routes.map(({ method, path, functionLogicalId }) => ({ method, path, functionLogicalId }));
    const gateway = track(stops)(
      await startApiGateway({
        routes: apiRoutes,
        gatewayResponses: gatewayResponsesOf(template),
        stage: apiStageOf(template) ?? options.stage ?? 'local',
        port: options.port ?? 3000,
        host,
        accountId: LOCAL_ACCOUNT,
        invoke: (logicalId, event, { requestId }) => invoke(logicalId, event, { requestId }),
        log: (line) => say(`  ${line}`),
      }),
    );
    const baseUrl = `http://localhost:${gateway.port}`;
    // Browsers post documents to it straight from the site's pages, as they post to S3 in AWS.
    const s3 = track(stops)(
      await startS3({
        dataDir,
        bucket: DOCUMENTS_BUCKET,
        allowedOrigins: [baseUrl, `http://${host}:${gateway.port}`],
        port: options.s3Port ?? 0,
        host,
      }),
    );

    // With the fault switch, the functions (only they) reach the services through its proxies.
    let faults: FaultSwitch | undefined;
    let endpoints = { dynamodb: dynamo.url, ses: mailbox.url, sfn: sfn.url };
    if (options.faults) {
      const faultSwitch = createFaultSwitch(options.faults === true ? [] : options.faults);
      const proxies = await faultSwitch.start(endpoints, host);
      for (const proxy of Object.values(proxies)) proxyStops.push(() => proxy.stop());
      endpoints = { dynamodb: proxies.dynamodb.url, ses: proxies.ses.url, sfn: proxies.sfn.url };
      faults = faultSwitch;
    }

    const locals = {
      refs,
      overrides: {
        BASE_URL: baseUrl,
        AWS_REGION: LOCAL_REGION,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
        AWS_ENDPOINT_URL_SES: endpoints.ses,
        AWS_ENDPOINT_URL_SESV2: endpoints.ses,
        AWS_ENDPOINT_URL_SFN: endpoints.sfn,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
        AWS_ENDPOINT_URL_S3: s3.url,
        // Any other service a handler might call fails at once instead of reaching AWS.
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...options.functionEnvironment,
      },
    };
    runtime = createLambdaRuntime({
      functions: [...template.functions.values()].map((fn) => localFunction(template, fn, locals)),
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      ...(options.lambdaIdleSeconds !== undefined ? { idleTimeoutSeconds: options.lambdaIdleSeconds } : {}),
      output: (functionName, line, stream) => {
        options.rawOutput?.(functionName, line, stream);
        const shown = handlerLine(functionName, line, stream, handlerThreshold);
        if (shown) print(shown);
      },
    });

    // EventBridge's scheduled rules: each invokes its function on its period, even across a restart.
    const scheduler = await startScheduler({
      schedules: schedulesOf(template.resources),
      invoke: (logicalId, event) => invoke(logicalId, event),
      stateFile: join(dataDir, 'schedules.json'),
      ...(options.scheduleSeconds !== undefined ? { periodMs: options.scheduleSeconds * 1000 } : {}),
      log: say,
    });
    // Stopped before the runtime it invokes.
    stops.push(() => scheduler.stop());

    const { resumed } = await engine.resume();
    if (resumed.length > 0) say(`step functions: resumed ${resumed.length} execution(s) from ${join(dataDir, 'stepfunctions')}`);

    // Tools (the admin CLI) find this stack through <DATA_DIR>/stack.json while it runs.
    const senderEmail = [...template.functions.values()].map((fn) => fn.environment.SENDER_EMAIL).find((value) => value !== undefined);
    await writeDiscovery(dataDir, {
      pid: process.pid,
      apiUrl: baseUrl,
      mailboxUrl: `http://localhost:${mailbox.port}`,
      dynamodbEndpoint: dynamo.url,
      sfnEndpoint: sfn.url,
      tableName: TABLE_NAME,
      stateMachineArn: sm.arn,
      region: LOCAL_REGION,
      secretsManagerEndpoint: secrets.url,
      signingSecretArn: secrets.secretArn,
      s3Endpoint: s3.url,
      documentsBucket: DOCUMENTS_BUCKET,
      ...(typeof senderEmail === 'string' ? { senderEmail } : {}),
    });
    stops.push(() => clearDiscovery(dataDir));

    return {
      urls: {
        api: baseUrl,
        form: `${baseUrl}/`,
        mailbox: `http://localhost:${mailbox.port}/`,
        dynamodb: dynamo.url,
        stepFunctions: sfn.url,
        secretsManager: secrets.url,
        s3: s3.url,
      },
      ports: { api: gateway.port, mailbox: mailbox.port, dynamodb: dynamo.port, stepFunctions: sfn.port, s3: s3.port },
      documentsBucket: DOCUMENTS_BUCKET,
      dataDir,
      tableName: TABLE_NAME,
      demoCallId,
      jointCallId,
      resumedExecutions: resumed,
      startupMs: Math.round(performance.now() - started),
      template,
      engine,
      ...(faults ? { faults } : {}),
      lambdaContainers: () => runtime?.containerCount() ?? 0,
      scheduler,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

/**
 * The synthesized template, from a worker thread (local/synth-worker.ts) so that the CDK's memory
 * is released once it is done; `loadTemplate` then reads it as `synthesizeTemplate` would.
 */
export async function synthesizeInWorker(stage: string, context: Record<string, unknown>): Promise<LocalTemplate> {
  const templates = await new Promise<object[]>((resolve, reject) => {
    const worker = new Worker(new URL('./synth-worker.ts', import.meta.url), { workerData: { stage, context } });
    worker.once('message', (message: object[]) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the CDK synthesis stopped (exit code ${code}) before answering`)));
  });
  return loadTemplate(templates);
}

/** Promise.all that waits for every promise before rejecting with the first failure. */
async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function track(stops: Array<() => Promise<void>>) {
  return <T extends Pick<RunningService, 'stop'>>(service: T): T => {
    stops.push(() => service.stop());
    return service;
  };
}

type TemplateFunction = LocalTemplate['functions'] extends Map<string, infer F> ? F : never;

/** The signing secret's ARN as the template gives it to the functions (resolved locally). */
export function signingSecretArnOf(template: LocalTemplate, refs: Record<string, string>): string {
  for (const fn of template.functions.values()) {
    const declared = template.resolve(fn.environment, refs) as Record<string, unknown>;
    const arn = declared[ENV.signingSecretArn];
    if (typeof arn === 'string' && arn.length > 0) return arn;
  }
  throw new Error(`no function of the template has ${ENV.signingSecretArn}`);
}

/**
 * A function as the runtime runs it: its template environment with intrinsics resolved to local
 * values, the local endpoints and secret, and the variables Lambda itself sets.
 */
export function localFunction(
  template: LocalTemplate,
  fn: TemplateFunction,
  locals: { refs: Record<string, string>; overrides: Record<string, string> },
): LocalFunction {
  const declared = template.resolve(fn.environment, locals.refs) as Record<string, unknown>;
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    ...Object.fromEntries(Object.entries(declared).map(([name, value]) => [name, String(value)])),
    ...locals.overrides,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    LAMBDA_TASK_ROOT: repoRoot,
  };
  return {
    logicalId: fn.logicalId,
    functionName: fn.functionName,
    entry: resolve(repoRoot, fn.entry),
    handlerExport: fn.handlerExport,
    environment,
    timeoutSeconds: fn.timeoutSeconds,
    memorySize: fn.memorySize,
  };
}

/** The template's gateway responses (how API Gateway's own errors look). */
export function gatewayResponsesOf(template: LocalTemplate): GatewayResponse[] {
  const unquote = (v: unknown) => String(v).replace(/^'(.*)'$/, '$1');
  return Object.values(template.resources)
    .filter((r) => r.Type === 'AWS::ApiGateway::GatewayResponse')
    .map((r) => {
      const p = r.Properties ?? {};
      const headers = Object.fromEntries(
        Object.entries((p.ResponseParameters ?? {}) as Record<string, unknown>)
          .filter(([k]) => k.startsWith('gatewayresponse.header.'))
          .map(([k, v]) => [k.slice('gatewayresponse.header.'.length), unquote(v)]),
      );
      return {
        type: String(p.ResponseType),
        ...(p.StatusCode !== undefined ? { statusCode: Number(p.StatusCode) } : {}),
        ...(p.ResponseTemplates ? { templates: p.ResponseTemplates as Record<string, string> } : {}),
        headers,
      };
    });
}

/**
 * How the template declares its state machine, as DescribeStateMachine tells it: role, type,
 * logging and tracing, with intrinsics resolved to local values (member names as the service's).
 */
export function stateMachineInfoOf(template: LocalTemplate, refs: Record<string, string>, creationDate: Date): Partial<StateMachineInfo> {
  const p = (template.resources[template.stateMachine.logicalId]?.Properties ?? {}) as Record<string, unknown>;
  const resolved = template.resolve({ RoleArn: p.RoleArn, LoggingConfiguration: p.LoggingConfiguration }, refs) as {
    RoleArn?: unknown;
    LoggingConfiguration?: { Level?: string; IncludeExecutionData?: boolean; Destinations?: Array<{ CloudWatchLogsLogGroup?: { LogGroupArn?: string } }> };
  };
  const logging = resolved.LoggingConfiguration;
  const tracing = p.TracingConfiguration as { Enabled?: boolean } | undefined;
  return {
    ...(typeof resolved.RoleArn === 'string' ? { roleArn: resolved.RoleArn } : {}),
    type: p.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
    creationDate,
    loggingConfiguration: {
      level: (logging?.Level ?? 'OFF') as StateMachineInfo['loggingConfiguration']['level'],
      includeExecutionData: logging?.IncludeExecutionData ?? false,
      ...(logging?.Destinations
        ? { destinations: logging.Destinations.map((d) => ({ cloudWatchLogsLogGroup: { logGroupArn: d.CloudWatchLogsLogGroup?.LogGroupArn ?? '' } })) }
        : {}),
    },
    tracingConfiguration: { enabled: tracing?.Enabled === true },
  };
}

/** The stage name of the template's API, as `requestContext.stage` carries it. */
export function apiStageOf(template: LocalTemplate): string | undefined {
  const stage = Object.values(template.resources).find((r) => r.Type === 'AWS::ApiGateway::Stage');
  const name = stage?.Properties?.StageName;
  return typeof name === 'string' ? name : undefined;
}

/**
 * One line per email sent. Addresses are personal data and console output ends up in logs: the
 * line shows `c…@example.org`, the mailbox page shows them in full.
 */
function describeEmail(email: MailboxEmail): string {
  const to = [...email.destination.to, ...email.destination.cc].map(maskAddress).join(', ');
  return `✉  ${email.subject}  →  ${to}`;
}

export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 1 ? '…' : `${address.slice(0, 1)}…${address.slice(at)}`;
}

function describeStateEvent(event: HistoryEvent, executionName: string): string | undefined {
  const short = executionName.length > 12 ? `${executionName.slice(0, 10)}…` : executionName;
  if (event.type.endsWith('StateEntered')) {
    const details = event.stateEnteredEventDetails as { name?: string } | undefined;
    return `⚙  ${short}  ${details?.name ?? event.type}`;
  }
  if (event.type === 'ExecutionSucceeded') return `⚙  ${short}  ✔ finished`;
  if (event.type === 'ExecutionFailed' || event.type === 'ExecutionTimedOut' || event.type === 'ExecutionAborted') {
    return `⚙  ${short}  ✘ ${event.type.replace('Execution', '').toLowerCase()}`;
  }
  return undefined;
}

/**
 * A handler's output line, readable, if it is at or above the threshold (Powertools JSON or plain
 * text). Metrics (EMF lines: an `_aws` block) are shown at DEBUG as `metrics Name=value …`.
 */
export function handlerLine(functionName: string, line: string, stream: 'stdout' | 'stderr', threshold: number): string | undefined {
  if (threshold >= levels.SILENT) return undefined;
  let level = stream === 'stderr' ? 'ERROR' : 'INFO';
  let text = line;
  if (line.startsWith('{')) {
    try {
      const entry = JSON.parse(line) as { level?: string; message?: string; error?: { message?: string }; _aws?: unknown };
      if (entry._aws !== undefined) {
        level = 'DEBUG';
        text = `metrics ${emfSummary(entry as Record<string, unknown>)}`;
      } else {
        level = String(entry.level ?? level).toUpperCase();
        text = [entry.message, entry.error?.message].filter(Boolean).join(': ') || line;
      }
    } catch {
      // not JSON after all: shown as it is
    }
  }
  const rank = levels[level as HandlerLogLevel] ?? levels.INFO;
  return rank >= threshold ? `  [${functionName}] ${level} ${text}` : undefined;
}

/** `TaskSucceeded=1 (task=award-grant)`: an EMF line's values and the dimensions beyond the service. */
function emfSummary(entry: Record<string, unknown>): string {
  const directives = ((entry._aws as { CloudWatchMetrics?: unknown }).CloudWatchMetrics ?? []) as Array<{
    Dimensions?: string[][];
    Metrics?: Array<{ Name?: string }>;
  }>;
  const names = directives.flatMap((d) => (d.Metrics ?? []).map((m) => m.Name ?? '?'));
  const dimensions = [...new Set(directives.flatMap((d) => (d.Dimensions ?? []).flat()))].filter((d) => d !== 'service');
  const values = names.map((name) => `${name}=${JSON.stringify(entry[name])}`).join(' ');
  return dimensions.length > 0 ? `${values} (${dimensions.map((d) => `${d}=${String(entry[d])}`).join(', ')})` : values;
}
