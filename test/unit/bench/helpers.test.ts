import { describe, expect, it } from 'vitest';
import { FUNCTION_BUNDLING } from '../../../infra/constructs/app-function.ts';
import { applyProposal, contributorOf, floorSource, sdkClientsOf } from '../../../bench/bundles.ts';
import { billedMs, costOf, PRICES } from '../../../bench/lib/cost.ts';
import { indexWriteUnits, type AttributeMap } from '../../../bench/lib/dynamo-tap.ts';
import { esbuildOptionsFor, type FunctionBundling } from '../../../bench/lib/esbuild-options.ts';
import { historyUsage, parseGatewayLine } from '../../../bench/lib/history.ts';
import { percentile, summarize } from '../../../bench/lib/stats.ts';

/** The arithmetic behind BENCHMARKS.md: a wrong percentile or price would publish wrong figures. */

const target = { entry: '/repo/functions/health/handler.ts', outdir: '/tmp/out', absWorkingDir: '/repo', runtimeTarget: 'node24' };

describe('the bench bundles as CDK does', () => {
  it('maps FUNCTION_BUNDLING to the esbuild build NodejsFunction runs', () => {
    const options = esbuildOptionsFor(FUNCTION_BUNDLING as FunctionBundling, target);
    expect(options).toMatchObject({
      entryPoints: [target.entry],
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      outfile: '/tmp/out/index.js',
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      mainFields: ['module', 'main'],
      external: [],
      metafile: true,
    });
    // Texts as UTF-8, as CDK passes --charset=utf8.
    expect(options).toMatchObject({ charset: 'utf8' });
    // Without keepNames, as CDK passes no --keep-names (error classes spell their names).
    expect(options).not.toHaveProperty('keepNames');
    expect(esbuildOptionsFor({ ...(FUNCTION_BUNDLING as FunctionBundling), keepNames: true }, target)).toMatchObject({ keepNames: true });
  });

  it('refuses an option it does not know rather than bundle differently from CDK', () => {
    expect(() => esbuildOptionsFor({ ...(FUNCTION_BUNDLING as FunctionBundling), preCompilation: true } as FunctionBundling, target)).toThrow(/preCompilation/);
  });

  it('leaves the SDK out only when CDK would', () => {
    expect(esbuildOptionsFor({ bundleAwsSDK: false }, target).external).toEqual(['@aws-sdk/*']);
    expect(esbuildOptionsFor({ bundleAwsSDK: true }, target).external).toEqual([]);
  });
});

describe('bundle contents', () => {
  it('names a contributor by package, or by our folder', () => {
    expect(contributorOf('node_modules/@aws-sdk/client-ses/dist-es/index.js')).toBe('@aws-sdk/client-ses');
    expect(contributorOf('node_modules/zod/v4/core/schemas.js')).toBe('zod');
    expect(contributorOf('shared/i18n/fr.ts')).toBe('shared/i18n');
  });

  it('builds the floor from the clients a bundle holds', () => {
    const clients = sdkClientsOf([
      { name: 'zod', bytes: 10 },
      { name: '@aws-sdk/client-dynamodb', bytes: 5 },
      { name: '@aws-sdk/lib-dynamodb', bytes: 2 },
      { name: '@aws-sdk/client-sfn', bytes: 0 },
    ]);
    expect(clients).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']);
    expect(floorSource(clients)).toContain('DynamoDBDocumentClient.from(new DynamoDBClient({}))');
  });

  it('measures the zod proposal on a copy of the source', () => {
    expect(applyProposal("import { z } from 'zod';\n\nz.config(z.locales.fr());\n")).toBe(
      "import * as z from 'zod';\n\nimport __zodFr from 'zod/v4/locales/fr.js';\nz.config(__zodFr());\n",
    );
  });
});

describe('statistics', () => {
  it('takes nearest-rank percentiles: a value that was measured', () => {
    const values = Array.from({ length: 500 }, (_, i) => 500 - i);
    expect(percentile(values, 50)).toBe(250);
    expect(percentile(values, 99)).toBe(495);
    expect(summarize([3, 1, 2])).toMatchObject({ n: 3, min: 1, median: 2, p99: 3, max: 3, mean: 2 });
  });
});

describe('what an execution used', () => {
  const at = (ms: number) => new Date(1_800_000_000_000 + ms);
  it('counts states entered as transitions and pairs each invocation with its end', () => {
    const usage = historyUsage([
      { type: 'ExecutionStarted', timestamp: at(0) },
      { type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'SendReceipt' } },
      { type: 'TaskScheduled', timestamp: at(2), taskScheduledEventDetails: { resource: 'invoke' } },
      { type: 'TaskSucceeded', timestamp: at(12), taskSucceededEventDetails: { resource: 'invoke' } },
      { type: 'ParallelStateEntered', timestamp: at(13), stateEnteredEventDetails: { name: 'Committee' } },
      { type: 'TaskStateEntered', timestamp: at(14), stateEnteredEventDetails: { name: 'FR' } },
      { type: 'TaskScheduled', timestamp: at(14), taskScheduledEventDetails: { resource: 'invoke.waitForTaskToken' } },
      { type: 'TaskStateEntered', timestamp: at(15), stateEnteredEventDetails: { name: 'MA' } },
      { type: 'TaskScheduled', timestamp: at(15), taskScheduledEventDetails: { resource: 'invoke.waitForTaskToken' } },
      { type: 'TaskSubmitted', timestamp: at(20), taskSubmittedEventDetails: { resource: 'invoke.waitForTaskToken' } },
      { type: 'TaskSubmitted', timestamp: at(30), taskSubmittedEventDetails: { resource: 'invoke.waitForTaskToken' } },
      // The end of the human wait is not the function's.
      { type: 'TaskSucceeded', timestamp: at(90_000), taskSucceededEventDetails: { resource: 'invoke.waitForTaskToken' } },
      { type: 'TaskSucceeded', timestamp: at(95_000), taskSucceededEventDetails: { resource: 'invoke.waitForTaskToken' } },
      { type: 'SucceedStateEntered', timestamp: at(95_001), stateEnteredEventDetails: { name: 'Done' } },
    ]);
    expect(usage.transitions).toBe(5);
    expect(usage.states).toEqual(['SendReceipt', 'Committee', 'FR', 'MA', 'Done']);
    expect(usage.invocations).toBe(3);
    expect(usage.durationsMs.reduce((a, b) => a + b, 0)).toBe(10 + 6 + 15);
  });

  it('reads the local API Gateway’s lines', () => {
    expect(parseGatewayLine('  POST /tasks/abc  (/tasks/{taskId}) → 200 in 14 ms')).toEqual({ method: 'POST', path: '/tasks/{taskId}', status: 200, ms: 14 });
    expect(parseGatewayLine('  GET /health → 200 in 3 ms')).toEqual({ method: 'GET', path: '/health', status: 200, ms: 3 });
    expect(parseGatewayLine('✉  Dossier reçu → a@b.org')).toBeUndefined();
  });
});

describe('the price of an application', () => {
  it('bills Lambda per started millisecond and each line at its published price', () => {
    expect(billedMs([0.2, 10.1, 3])).toBe(1 + 11 + 3);
    const { lines, total } = costOf({
      stateTransitions: 1_000,
      lambda: { invocations: 1_000_000, billedMs: 1_024_000, memoryMb: 1024 },
      dynamo: { wru: 1_000_000, rru: 1_000_000 },
      apiRequests: 1_000_000,
      emails: 1_000,
    });
    expect(lines.map((l) => [l.service, Number(l.usd.toFixed(6))])).toEqual([
      ['Step Functions (Standard)', 0.025],
      ['Lambda (arm64)', Number((0.2 + 1_024 * PRICES.lambdaGbSecond).toFixed(6))],
      ['DynamoDB (on-demand)', 1.5],
      ['API Gateway (REST)', 3.5],
      ['SES', 0.1],
    ]);
    expect(total).toBeCloseTo(0.025 + 0.2 + 1_024 * 0.0000133334 + 1.5 + 3.5 + 0.1, 9);
  });
});

describe('DynamoDB index writes (dynalite does not count them)', () => {
  const kb = (item: AttributeMap | undefined) => (item ? Number(item.size?.N ?? 1) : 0);
  const item = (status: string, size = 1, extra: AttributeMap = {}): AttributeMap => ({
    pk: { S: 'APP#a' },
    sk: { S: 'APP' },
    gsi1pk: { S: `CALL#c#STATUS#${status}` },
    gsi1sk: { S: '2027#a' },
    size: { N: String(size) },
    ...extra,
  });

  it('charges a put, a move between statuses, an in-place change, a removal, and nothing for items outside the index', () => {
    expect(indexWriteUnits(undefined, item('SUBMITTED', 2), kb)).toBe(2);
    expect(indexWriteUnits(item('SUBMITTED', 2), item('IN_REVIEW', 3), kb)).toBe(5);
    expect(indexWriteUnits(item('IN_REVIEW'), item('IN_REVIEW', 1, { reviewer: { S: 'x' } }), kb)).toBe(1);
    expect(indexWriteUnits(item('IN_REVIEW'), item('IN_REVIEW'), kb)).toBe(0);
    expect(indexWriteUnits(item('IN_REVIEW', 2), undefined, kb)).toBe(2);
    expect(indexWriteUnits(undefined, { pk: { S: 'EVENT' }, sk: { S: 'x' } }, kb)).toBe(0);
  });
});
