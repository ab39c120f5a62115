import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { build } from 'esbuild';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { FUNCTION_BUNDLING } from '../infra/constructs/app-function.ts';
import { entryOf } from '../shared/catalogue/functions.ts';
import { ROUTES } from '../shared/catalogue/routes.ts';
import { gsi, keys } from '../shared/adapters/table-keys.ts';
import { newId } from '../shared/domain/ids.ts';
import { localCredentials } from '../local/services.ts';
import { localRepository, demoCall } from '../local/seed.ts';
import { createEngine } from '../local/stepfunctions/engine.ts';
import { startSfnServer } from '../local/stepfunctions/server.ts';
import { apiEvent, lambdaContext } from '../test/fixtures/api-event.ts';
import { applicationBody } from './lib/applications.ts';
import { REGION, startCountingDynalite } from './lib/dynalite.ts';
import { esbuildOptionsFor, outfileName, type FunctionBundling } from './lib/esbuild-options.ts';
import { functionEnvironment } from './lib/function-env.ts';
import { repoRoot } from './lib/node.ts';
import { sectionMain, type Log } from './lib/section.ts';
import { summarize, type Summary } from './lib/stats.ts';

/**
 * §2 Handler overhead. `POST /applications` through the submit-application handler (its deployed
 * bundle, FUNCTION_BUNDLING) against dynalite and the local Step Functions server, next to the
 * bare SDK calls it must make against the same services: the put of the application and the
 * StartExecution. A second baseline makes every call the handler makes today, bare, so that what
 * the handler adds (validation, middlewares, logging, signing) reads apart from its round trips.
 * Requests alternate between the variants, one at a time.
 */

export interface OverheadResult {
  requests: number;
  warmup: number;
  handler: Summary;
  /** PutItem + StartExecution: what a submission cannot do without. */
  bare: Summary;
  /** Every call the handler makes, bare, in the same order. */
  bareAll: Summary;
  /** DynamoDB operations per handler request, by name; Step Functions starts per request. */
  callsPerRequest: { dynamodb: Record<string, number>; stepFunctions: number };
  failures: number;
}

const TABLE = 'coopfund-bench';
const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-3:000000000000:stateMachine:coopfund-bench';
const SECRET = 'bench-signing-secret-of-at-least-32-characters';

export async function benchHandlerOverhead(options: { requests: number; warmup: number; log: Log }): Promise<OverheadResult> {
  const { log } = options;
  const workDir = await mkdtemp(join(tmpdir(), 'coopfund-bench-overhead-'));
  const stops: Array<() => Promise<void>> = [];
  try {
    // dynalite on disk, as the local stack runs it; every request is counted by its operation.
    const dynamo = await startCountingDynalite(workDir);
    stops.push(() => dynamo.stop());
    const dynamoUrl = dynamo.url;
    await dynamo.createTable(TABLE);

    // The Step Functions server of the local stack, over a machine that succeeds at once.
    const engine = createEngine({
      definition: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } },
      stateMachineArn: STATE_MACHINE_ARN,
      invoke: () => Promise.reject(new Error('no task in this machine')),
    });
    stops.push(() => engine.close());
    const sfnServer = await startSfnServer(engine, { port: 0 });
    stops.push(() => sfnServer.close());

    const { repository, close } = localRepository(dynamoUrl, REGION, TABLE);
    const call = demoCall();
    await repository.putCall(call);
    close();

    // The handler, bundled as deployed, loaded once (one warm container).
    Object.assign(
      process.env,
      functionEnvironment('submit-application', {
        TABLE_NAME: TABLE,
        STATE_MACHINE_ARN,
        AWS_ENDPOINT_URL_DYNAMODB: dynamoUrl,
        AWS_ENDPOINT_URL_SFN: sfnServer.url,
        AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
        SIGNING_SECRET: SECRET,
        SIGNING_SECRET_ARN: '',
      }),
    );
    delete process.env.AWS_SESSION_TOKEN;
    const bundleDir = join(workDir, 'submit-application');
    const bundling = FUNCTION_BUNDLING as FunctionBundling;
    await build(
      esbuildOptionsFor(bundling, {
        entry: join(repoRoot, entryOf('submit-application')),
        outdir: bundleDir,
        absWorkingDir: repoRoot,
        runtimeTarget: 'node24',
      }),
    );
    const { handler } = createRequire(import.meta.url)(join(bundleDir, outfileName(bundling))) as {
      handler: (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
    };

    // The bare calls, with clients set up as shared/adapters/ports.ts sets up the handler's.
    const ddb = new DynamoDBClient({
      endpoint: dynamoUrl,
      region: REGION,
      credentials: localCredentials,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
    });
    const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
    const sfn = new SFNClient({
      endpoint: sfnServer.url,
      region: REGION,
      credentials: localCredentials,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 },
    });
    stops.push(async () => {
      ddb.destroy();
      sfn.destroy();
    });

    let failures = 0;
    const viaHandler = async (): Promise<number> => {
      const event = apiEvent({
        method: 'POST',
        resource: ROUTES.submitApplication.path,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(applicationBody(call)),
      });
      const started = performance.now();
      const answer = await handler(event, { ...lambdaContext, awsRequestId: newId() });
      const elapsed = performance.now() - started;
      if (answer.statusCode !== 201) failures += 1;
      return elapsed;
    };
    // What the repository writes and what it starts, for an application of the same size.
    const itemFor = () => {
      const id = newId();
      const at = new Date().toISOString();
      const first = { at, status: 'SUBMITTED', actor: 'applicant' };
      const item = {
        ...applicationBody(call),
        id,
        status: 'SUBMITTED',
        language: 'fr',
        createdAt: at,
        updatedAt: at,
        ...keys.application(id),
        gsi1pk: gsi.applicationsByStatus(call.id, 'SUBMITTED'),
        gsi1sk: gsi.applicationSort(at, id),
        seq: 1,
        lastEvent: first,
      };
      return { id, at, first, item };
    };
    const start = (id: string) =>
      sfn.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: id, input: JSON.stringify({ applicationId: id }) }));
    const bare = async (): Promise<number> => {
      const { id, item } = itemFor();
      const started = performance.now();
      await doc.send(new PutCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      await start(id);
      return performance.now() - started;
    };
    const bareAll = async (): Promise<number> => {
      const { id, at, first, item } = itemFor();
      const started = performance.now();
      await doc.send(new GetCommand({ TableName: TABLE, Key: keys.call(call.id), ConsistentRead: true }));
      await doc.send(new PutCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      await doc.send(new PutCommand({ TableName: TABLE, Item: { ...keys.event(id, at, 1), ...first } }));
      await start(id);
      return performance.now() - started;
    };

    log(`warming up (${options.warmup} requests of each)…`);
    for (let i = 0; i < options.warmup; i++) {
      await viaHandler();
      await bare();
      await bareAll();
    }
    // One handler request alone, to count what it sends.
    const executionsBefore = (await engine.listExecutions({ maxResults: 1000 })).executions.length;
    dynamo.reset();
    await viaHandler();
    const handlerOps = dynamo.operations();
    const startsPerRequest = (await engine.listExecutions({ maxResults: 1000 })).executions.length - executionsBefore;

    log(`measuring ${options.requests} requests of each, alternating…`);
    const samples = { handler: [] as number[], bare: [] as number[], bareAll: [] as number[] };
    failures = 0;
    for (let i = 0; i < options.requests; i++) {
      // The order rotates, so no variant always runs right after another.
      const order = [
        ['handler', viaHandler],
        ['bare', bare],
        ['bareAll', bareAll],
      ] as const;
      for (let k = 0; k < order.length; k++) {
        const [name, fn] = order[(i + k) % order.length]!;
        samples[name].push(await fn());
      }
    }
    return {
      requests: options.requests,
      warmup: options.warmup,
      handler: summarize(samples.handler),
      bare: summarize(samples.bare),
      bareAll: summarize(samples.bareAll),
      callsPerRequest: { dynamodb: handlerOps, stepFunctions: startsPerRequest },
      failures,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  await sectionMain(({ quick, log }) => benchHandlerOverhead({ requests: quick ? 100 : 500, warmup: quick ? 10 : 30, log }));
}
