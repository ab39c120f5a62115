import { beforeAll, describe, expect, it } from 'vitest';
import { apiStageOf, DOCUMENTS_BUCKET, gatewayResponsesOf, handlerLine, localFunction, stateMachineInfoOf, TABLE_NAME } from '../../../local/stack.ts';
import { optionsFromEnv } from '../../../local/start.ts';
import { synthesizeTemplate } from '../../../local/template.ts';
import type { LocalTemplate } from '../../../local/template.ts';

describe('the local stack, from the synthesized template', () => {
  let template: LocalTemplate;
  const locals = {
    refs: {} as Record<string, string>,
    overrides: {
      SIGNING_SECRET: 's'.repeat(43),
      BASE_URL: 'http://localhost:3000',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1111',
    },
  };

  beforeAll(async () => {
    template = await synthesizeTemplate({ stage: 'local', context: { reviewTimeoutSeconds: 7 } });
    locals.refs[template.table.logicalId] = TABLE_NAME;
    locals.refs[template.buckets[0]?.logicalId ?? ''] = DOCUMENTS_BUCKET;
  }, 60_000);

  const fn = (entry: string) => {
    const found = [...template.functions.values()].find((f) => f.entry === entry);
    if (!found) throw new Error(`no function for ${entry}`);
    return localFunction(template, found, locals);
  };

  it('runs each function with its template environment resolved to local values', () => {
    const submit = fn('functions/submit-application/handler.ts');

    expect(submit.entry).toMatch(/\/functions\/submit-application\/handler\.ts$/);
    expect(submit.environment).toMatchObject({
      TABLE_NAME,
      STATE_MACHINE_ARN: template.stateMachine.arn,
      SIGNING_SECRET: 's'.repeat(43),
      BASE_URL: 'http://localhost:3000',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1111',
      AWS_LAMBDA_FUNCTION_NAME: submit.functionName,
    });
    expect(submit.environment.SIGNING_SECRET_ARN).toMatch(/^arn:aws:secretsmanager:/);
    // Lambda's environment, not this process's.
    expect(submit.environment.HOME).toBeUndefined();
    expect(submit.timeoutSeconds).toBeGreaterThan(0);
  });

  it("gives the functions that keep documents the template's bucket, served locally and not scanned", () => {
    expect(template.buckets).toHaveLength(1);
    for (const entry of ['functions/draft-documents/handler.ts', 'functions/show-task/handler.ts']) {
      expect(fn(entry).environment).toMatchObject({ DOCUMENTS_BUCKET, DOCUMENTS_SCANNED: 'false' });
    }
    expect(fn('functions/list-calls/handler.ts').environment.DOCUMENTS_BUCKET).toBeUndefined();
  });

  it('gives every function of the template a handler module that exists', async () => {
    const { existsSync } = await import('node:fs');
    for (const f of template.functions.values()) expect(existsSync(localFunction(template, f, locals).entry), f.entry).toBe(true);
  });

  it('serves the routes, the stage and the gateway responses of the template', () => {
    expect(template.routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /applications', 'GET /applications/{id}', 'GET /tasks/{taskId}', 'POST /tasks/{taskId}']),
    );
    expect(apiStageOf(template)).toBe('local');
    expect(gatewayResponsesOf(template)).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'MISSING_AUTHENTICATION_TOKEN', statusCode: 404 })]));
  });

  it('describes the state machine as the template declares it (role, type, logging, tracing)', () => {
    const created = new Date(0);
    const info = stateMachineInfoOf(template, locals.refs, created);
    const declared = template.resources[template.stateMachine.logicalId]?.Properties ?? {};

    expect(info).toMatchObject({ type: 'STANDARD', creationDate: created });
    expect(info.roleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(info.tracingConfiguration).toEqual({ enabled: (declared.TracingConfiguration as { Enabled?: boolean } | undefined)?.Enabled === true });
    // The workflow logs every state to its log group, without the execution data.
    expect(info.loggingConfiguration).toMatchObject({ level: 'ALL', includeExecutionData: false });
    expect(info.loggingConfiguration?.destinations?.[0]?.cloudWatchLogsLogGroup?.logGroupArn).toMatch(/^arn:aws:logs:/);
  });
});

describe('handler output', () => {
  it('shows Powertools lines at or above the threshold, readably', () => {
    const warn = JSON.stringify({ level: 'WARN', message: 'task released', applicationId: 'a1' });
    const info = JSON.stringify({ level: 'INFO', message: 'started' });
    expect(handlerLine('submit', warn, 'stdout', 30)).toBe('  [submit] WARN task released');
    expect(handlerLine('submit', info, 'stdout', 30)).toBeUndefined();
    expect(handlerLine('submit', 'TypeError: boom', 'stderr', 30)).toBe('  [submit] ERROR TypeError: boom');
    expect(handlerLine('submit', warn, 'stdout', 100)).toBeUndefined();
  });

  it("shows the functions' metrics (EMF lines) at DEBUG, as names and values", () => {
    const emf = JSON.stringify({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [{ Namespace: 'coopfund/local', Dimensions: [['service', 'task']], Metrics: [{ Name: 'TaskSucceeded', Unit: 'Count' }] }],
      },
      service: 'coopfund',
      task: 'award-grant',
      TaskSucceeded: 1,
    });
    expect(handlerLine('award', emf, 'stdout', 10)).toBe('  [award] DEBUG metrics TaskSucceeded=1 (task=award-grant)');
    expect(handlerLine('award', emf, 'stdout', 20)).toBeUndefined();
    const undone = JSON.stringify({
      _aws: { CloudWatchMetrics: [{ Dimensions: [['service']], Metrics: [{ Name: 'ApplicationsSubmitted' }] }] },
      service: 'coopfund',
      ApplicationsSubmitted: [1, -1],
    });
    expect(handlerLine('submit', undone, 'stdout', 10)).toBe('  [submit] DEBUG metrics ApplicationsSubmitted=[1,-1]');
  });
});

describe('npm start options', () => {
  it('reads ports, data folder and shortened waits from the environment', () => {
    expect(optionsFromEnv({ PORT: '4000', MAILBOX_PORT: '9005', DATA_DIR: '/tmp/demo', REVIEW_TIMEOUT_SECONDS: '60' })).toEqual({
      port: 4000,
      mailboxPort: 9005,
      dataDir: '/tmp/demo',
      timeouts: { reviewTimeoutSeconds: 60 },
      handlerLogLevel: 'WARN',
    });
    expect(optionsFromEnv({})).toMatchObject({ port: 3000, mailboxPort: 8005, dataDir: '.local', timeouts: {} });
    expect(optionsFromEnv({}).lambdaIdleSeconds).toBeUndefined();
    expect(optionsFromEnv({ LAMBDA_IDLE_SECONDS: '10' })).toMatchObject({ lambdaIdleSeconds: 10 });
    expect(optionsFromEnv({}).s3Port).toBeUndefined();
    expect(optionsFromEnv({ S3_PORT: '4569' })).toMatchObject({ s3Port: 4569 });
  });

  it('refuses a value it cannot use, naming it', () => {
    expect(() => optionsFromEnv({ PORT: 'abc' })).toThrow('PORT=abc');
    expect(() => optionsFromEnv({ LINK_TTL_SECONDS: '5' })).toThrow('LINK_TTL_SECONDS=5');
    expect(() => optionsFromEnv({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL=loud');
    expect(() => optionsFromEnv({ LAMBDA_IDLE_SECONDS: '0' })).toThrow('LAMBDA_IDLE_SECONDS=0');
    expect(() => optionsFromEnv({ S3_PORT: '70000' })).toThrow('S3_PORT=70000');
  });
});
