import { parseArgs } from 'node:util';
import { pathTo } from '../shared/catalogue/routes.ts';
import { parseFaultRules } from './faults.ts';
import { startLocalStack } from './stack.ts';
import type { HandlerLogLevel, LocalStackOptions, LocalTimeouts } from './stack.ts';

/**
 * `npm start`: the whole workflow on this machine, offline.
 *
 *   npm start                      API and form on :3000, mailbox on :8005, data under .local/
 *   npm start -- --quiet           only the banner
 *   PORT=4000 MAILBOX_PORT=9005 DATA_DIR=/tmp/demo REVIEW_TIMEOUT_SECONDS=60 npm start
 *   LAMBDA_IDLE_SECONDS=10 npm start   idle function containers stopped after 10 s (default 60)
 *
 * Ctrl-C stops everything; the data, the executions in flight and the mailbox stay under DATA_DIR.
 */

const usage = `Usage: npm start [-- --quiet] [-- --help]

Environment:
  PORT                          API and form (default 3000)
  MAILBOX_PORT                  mailbox page and SES endpoint (default 8005)
  S3_PORT                       S3 endpoint of the documents, which browsers upload to (default: a free port)
  DATA_DIR                      data kept across restarts (default .local)
  REVIEW_TIMEOUT_SECONDS        reviewer reminder after this wait (demo: e.g. 60)
  COMMITTEE_TIMEOUT_SECONDS     co-chair reminder after this wait
  RESUBMISSION_TIMEOUT_SECONDS  withdrawal when changes are not resubmitted in time
  LINK_TTL_SECONDS              how long a decision link stays valid (at least 60)
  LOG_LEVEL                     handlers' own log lines shown: DEBUG, INFO, WARN (default), ERROR, SILENT
  LAMBDA_IDLE_SECONDS           a function's container idle this long is stopped, its memory freed;
                                its next call is a cold start (default 60)
  FAULTS                        fault switch: JSON rules failing the functions' calls to AWS, e.g.
                                [{"service":"ses","error":"Throttling","count":4}] (local/faults.ts)`;

/** Reads the options of `npm start` from its environment; throws a readable message on a bad value. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): LocalStackOptions {
  const int = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${name}=${raw}: expected a whole number from ${min} to ${max}`);
    }
    return value;
  };
  const timeouts: LocalTimeouts = {};
  const review = int('REVIEW_TIMEOUT_SECONDS', 1, 31_536_000);
  const committee = int('COMMITTEE_TIMEOUT_SECONDS', 1, 31_536_000);
  const resubmission = int('RESUBMISSION_TIMEOUT_SECONDS', 1, 31_536_000);
  const ttl = int('LINK_TTL_SECONDS', 60, 7_776_000);
  if (review !== undefined) timeouts.reviewTimeoutSeconds = review;
  if (committee !== undefined) timeouts.committeeTimeoutSeconds = committee;
  if (resubmission !== undefined) timeouts.resubmissionTimeoutSeconds = resubmission;
  if (ttl !== undefined) timeouts.linkTtlSeconds = ttl;

  const lambdaIdle = int('LAMBDA_IDLE_SECONDS', 1, 86_400);
  const s3Port = int('S3_PORT', 1, 65_535);
  const schedule = int('LOCAL_SCHEDULE_SECONDS', 1, 86_400);

  const level = (env.LOG_LEVEL ?? 'WARN').toUpperCase();
  if (!['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'].includes(level)) {
    throw new Error(`LOG_LEVEL=${env.LOG_LEVEL}: expected DEBUG, INFO, WARN, ERROR or SILENT`);
  }
  return {
    port: int('PORT', 1, 65_535) ?? 3000,
    mailboxPort: int('MAILBOX_PORT', 1, 65_535) ?? 8005,
    ...(s3Port !== undefined ? { s3Port } : {}),
    dataDir: env.DATA_DIR || '.local',
    timeouts,
    handlerLogLevel: level as HandlerLogLevel,
    ...(lambdaIdle !== undefined ? { lambdaIdleSeconds: lambdaIdle } : {}),
    ...(schedule !== undefined ? { scheduleSeconds: schedule } : {}),
    ...(env.FAULTS ? { faults: parseFaultRules(env.FAULTS) } : {}),
  };
}

/** `readyMs`: from the process's start, what the person waited (the stack's own `startupMs` excludes Node's boot). */
export function banner(stack: Awaited<ReturnType<typeof startLocalStack>>, options: LocalStackOptions, readyMs = stack.startupMs): string {
  const names: Record<string, string> = {
    reviewTimeoutSeconds: 'review',
    committeeTimeoutSeconds: 'committee',
    resubmissionTimeoutSeconds: 'resubmission',
    linkTtlSeconds: 'link validity',
  };
  const hasForm = stack.template.routes.some((r) => r.path === '/' && (r.method === 'GET' || r.method === 'ANY'));
  const waits = Object.entries(options.timeouts ?? {})
    .map(([name, seconds]) => `${names[name] ?? name} ${seconds} s`)
    .join(', ');
  return [
    '',
    `coopfund is running locally (ready in ${(readyMs / 1000).toFixed(1)} s)`,
    '',
    hasForm
      ? `  Application form   ${stack.urls.form}`
      : `  Application form   not served yet (the template has no GET /): POST ${stack.urls.api}${pathTo('submitApplication')} takes the JSON`,
    `  Mailbox            ${stack.urls.mailbox}`,
    `  Documents (S3)     ${stack.urls.s3}/${stack.documentsBucket}  (AWS_ENDPOINT_URL_S3, path-style; not scanned for malware)`,
    `  API                ${stack.urls.api}  (${stack.template.routes.map((r) => `${r.method} ${r.path}`).join(', ')})`,
    ...(stack.demoCallId ? [`  Demo call          ${stack.demoCallId}  (GET ${stack.urls.api}${pathTo('listCalls')})`] : []),
    ...(stack.jointCallId
      ? [`  Joint dossier call ${stack.jointCallId}  (POST ${stack.urls.api}${pathTo('createDraft')}: both authorities, two envelopes)`]
      : []),
    `  Data               ${stack.dataDir}`,
    ...(waits ? [`  Shortened waits    ${waits}`] : []),
    ...(Array.isArray(options.faults) ? [`  Fault switch       ${options.faults.length} rule(s) failing the functions' AWS calls (FAULTS)`] : []),
    ...(stack.resumedExecutions.length > 0 ? [`  Resumed            ${stack.resumedExecutions.length} workflow execution(s)`] : []),
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quiet: { type: 'boolean', short: 'q', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  let options: LocalStackOptions;
  try {
    options = { ...optionsFromEnv(process.env), quiet: values.quiet };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  if (!values.quiet) process.stdout.write('Starting coopfund locally: synthesizing the CDK app…\n');

  const stack = await startLocalStack(options);
  process.stdout.write(`${banner(stack, options, Math.round(performance.now()))}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C: the user does not want to wait for a clean stop.
      process.stderr.write('\nForced exit.\n');
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping… (executions in flight resume at the next start)\n`);
    stack.stop().then(
      () => {
        process.stdout.write('Stopped.\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`Stopped with errors: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    const e = error as NodeJS.ErrnoException;
    const hint = /EADDRINUSE/.test(e.message ?? '') ? '\nA port is taken: set PORT or MAILBOX_PORT to a free one.' : '';
    process.stderr.write(`coopfund could not start: ${e.message}${hint}\n`);
    process.exit(1);
  });
}
