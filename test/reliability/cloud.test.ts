import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../infra/config.ts';
import { ACCESS_LOG_FIELDS } from '../../infra/constructs/api.ts';
import { SES_BOUNCE_RATE_THRESHOLD, SES_COMPLAINT_RATE_THRESHOLD } from '../../infra/constructs/observability.ts';
import { TRANSIENT_ERRORS } from '../../infra/constructs/workflow.ts';
import { ENV } from '../../shared/config/env.ts';
import { allStates, type CfnTemplate, stateMachineDefinition, type Synthesized, synthesize } from '../infra/synth.ts';
import { plan, record } from './support/figures.ts';

/**
 * Point 7 of SECURITY.md (and the cloud half of points 5 and 6), on the synthesized templates:
 * prod with the cdk-nag AwsSolutions checks on (the synthesis fails on any finding left without a
 * reason; test/infra/nag.test.ts covers dev and shows the checks really bite), dev without.
 */
plan(['cloud', 'synthesized templates'], ['secrets', 'templates'], ['faults', 'state machine']);

let prod: Synthesized;
let dev: Synthesized;
let devWithWaf: Synthesized;
const figures: string[] = [];

beforeAll(() => {
  prod = synthesize({ stage: 'prod', nag: true });
  dev = synthesize({ stage: 'dev' });
  devWithWaf = synthesize({ stage: 'dev', context: { wafEnabled: 'true' } });
}, 120_000);

const resources = (t: CfnTemplate, type: string) => Object.values(t.Resources).filter((r) => r.Type === type);

describe('the cloud side', () => {
  it('passes the cdk-nag AwsSolutions checks, every suppression with its reason', () => {
    // synthesize() ran app.synth() with the checks: it throws on any unacknowledged finding.
    const report = JSON.stringify(prod.statelessJson);
    expect(report.length).toBeGreaterThan(0);
    figures.push('cdk-nag AwsSolutions clean (prod; dev in test/infra/nag.test.ts)');
  });

  it('throttles the API stage, and puts a web ACL with a per-IP rate rule before it (opt-out per stage)', () => {
    for (const [synth, stage] of [
      [prod, 'prod'],
      [dev, 'dev'],
    ] as const) {
      const config = loadStageConfig(stage, () => undefined, []);
      const [apiStage] = resources(synth.statelessJson, 'AWS::ApiGateway::Stage');
      expect(apiStage?.Properties?.MethodSettings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            HttpMethod: '*',
            ResourcePath: '/*',
            ThrottlingRateLimit: config.apiRateLimit,
            ThrottlingBurstLimit: config.apiBurstLimit,
          }),
        ]),
      );
    }
    const [acl] = resources(prod.statelessJson, 'AWS::WAFv2::WebACL');
    const rate = ((acl?.Properties?.Rules ?? []) as Array<Record<string, any>>).find((r) => r.Statement?.RateBasedStatement);
    expect(rate).toMatchObject({ Action: { Block: {} }, Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 1000 } } });
    expect(acl?.Properties?.Scope).toBe('REGIONAL');
    // Sampled requests would keep query strings (signed tokens) in the WAF console.
    expect(JSON.stringify(acl?.Properties)).not.toContain('"SampledRequestsEnabled":true');
    expect(resources(prod.statelessJson, 'AWS::WAFv2::WebACLAssociation')).toHaveLength(1);
    expect(resources(dev.statelessJson, 'AWS::WAFv2::WebACL')).toHaveLength(0);
    expect(resources(devWithWaf.statelessJson, 'AWS::WAFv2::WebACL')).toHaveLength(1);
    const prodConfig = loadStageConfig('prod', () => undefined, []);
    figures.push(
      `stage throttled at ${prodConfig.apiRateLimit} req/s (burst ${prodConfig.apiBurstLimit}); WAF rate rule 1,000/5 min per IP (prod; off in dev, on with -c wafEnabled=true)`,
    );
  });

  it('alarms on failed and timed-out executions, on 5xx, and on SES bounces ≥ 2 % and complaints ≥ 0.05 %', () => {
    const alarms = new Map(
      resources(prod.statelessJson, 'AWS::CloudWatch::Alarm').map((r) => [String(r.Properties?.AlarmName).replace('coopfund-prod-', ''), r.Properties ?? {}]),
    );
    const expected: Record<string, { metric: string; threshold: number }> = {
      ExecutionsFailed: { metric: 'ExecutionsFailed', threshold: 1 },
      ExecutionsTimedOut: { metric: 'ExecutionsTimedOut', threshold: 1 },
      Api5xx: { metric: '5XXError', threshold: 1 },
      SesBounceRate: { metric: 'Reputation.BounceRate', threshold: 0.02 },
      SesComplaintRate: { metric: 'Reputation.ComplaintRate', threshold: 0.0005 },
    };
    for (const [name, { metric, threshold }] of Object.entries(expected)) {
      const alarm = alarms.get(name);
      expect(alarm, name).toMatchObject({ MetricName: metric, Threshold: threshold, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(alarm?.AlarmActions, name).toHaveLength(1);
    }
    expect([SES_BOUNCE_RATE_THRESHOLD, SES_COMPLAINT_RATE_THRESHOLD]).toEqual([0.02, 0.0005]);
    figures.push('alarms: executions failed ≥1, timed out ≥1, API 5xx ≥1, SES bounce ≥2 %, complaint ≥0.05 %');
    record({
      point: 'cloud',
      label: 'synthesized templates',
      text: figures.join('; '),
      short:
        'cdk-nag clean; stage throttled 20 req/s; WAF 1,000 req/5 min per IP; alarms on failed/timed-out executions, 5xx, SES bounces 2 %, complaints 0.05 %',
    });
  });
});

describe('secrets and personal data, in the templates', () => {
  it('the signing secret is generated in Secrets Manager, never written in a template; functions get its ARN', () => {
    const [secret] = resources(prod.stateful.toJSON() as CfnTemplate, 'AWS::SecretsManager::Secret');
    expect(secret?.Properties?.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    expect(secret?.Properties?.SecretString).toBeUndefined();
    const functions = resources(prod.statelessJson, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(10);
    for (const fn of functions) {
      const env = (fn.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
      expect(env[ENV.signingSecret]).toBeUndefined();
      if (env[ENV.signingSecretArn] !== undefined) expect(typeof env[ENV.signingSecretArn]).not.toBe('string');
    }
    // No local secret either: the key the local stack generates is nowhere in a template.
    const templates = JSON.stringify([prod.statelessJson, prod.stateful.toJSON(), dev.statelessJson]);
    expect(templates).not.toMatch(/SIGNING_SECRET"\s*:/);
  });

  it('access logs hold the route template, never the path with its ids nor the query string with its tokens', () => {
    const [apiStage] = resources(prod.statelessJson, 'AWS::ApiGateway::Stage');
    const format = JSON.parse(String(apiStage?.Properties?.AccessLogSetting?.Format)) as Record<string, string>;
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    const values = Object.values(format);
    expect(values).toContain('$context.resourcePath');
    for (const value of values) expect(value).not.toMatch(/querystring|\$input|\$context\.path|requestOverride|\$context\.authorizer|\$method\.request/i);
    // Execution logging (which records query strings at INFO) stays off.
    expect(JSON.stringify(apiStage?.Properties?.MethodSettings ?? [])).not.toMatch(/"LoggingLevel":"(INFO|ERROR)"|"DataTraceEnabled":true/);
    // The state machine logs without execution data (task outputs hold review comments).
    const [machine] = resources(prod.statelessJson, 'AWS::StepFunctions::StateMachine');
    expect(machine?.Properties?.LoggingConfiguration?.IncludeExecutionData).toBe(false);
    // API Gateway's own errors carry the security headers too.
    for (const response of resources(prod.statelessJson, 'AWS::ApiGateway::GatewayResponse')) {
      expect(response.Properties?.ResponseParameters).toMatchObject({ 'gatewayresponse.header.X-Content-Type-Options': "'nosniff'" });
    }
    record({
      point: 'secrets',
      label: 'templates',
      text: 'signing key generated in Secrets Manager (ARN only in functions); access log = route template, no query string; state machine logs without data',
      short: 'key never in a template; access logs without query strings',
    });
  });

  it('documents the retention of personal data in SECURITY.md as the stages configure it', () => {
    const security = readFileSync(resolve(import.meta.dirname, '../../SECURITY.md'), 'utf8');
    for (const stage of ['prod', 'dev'] as const) {
      const days = loadStageConfig(stage, () => undefined, []).personalDataRetentionDays;
      expect(security, `${stage}: ${days} days`).toContain(`${days} days`);
    }
  });
});

describe('faults, in the state machine', () => {
  it('every task retries the transient errors (TransientError included), then fails into RecordError → NotifyFailure', () => {
    const definition = stateMachineDefinition(prod.statelessJson);
    const states = allStates(definition);
    const tasks = [...states].filter(([, { state }]) => state.Type === 'Task');
    expect(TRANSIENT_ERRORS).toContain('TransientError');
    for (const [name, { state }] of tasks) {
      const retry = (state.Retry ?? []) as Array<{ ErrorEquals: string[]; MaxAttempts: number; IntervalSeconds: number; BackoffRate: number }>;
      const transient = retry.find((r) => r.ErrorEquals.includes('TransientError'));
      expect(transient, name).toMatchObject({ MaxAttempts: 4, IntervalSeconds: 2, BackoffRate: 2 });
      expect([...(transient?.ErrorEquals ?? [])].sort(), name).toEqual([...TRANSIENT_ERRORS].sort());
      // Nothing else is retried: a business error or a bug is recorded at once.
      expect(
        retry.flatMap((r) => r.ErrorEquals).filter((e) => !TRANSIENT_ERRORS.includes(e as never)),
        name,
      ).toEqual([]);
    }
    const catchAll = (name: string) =>
      ((states.get(name)?.state.Catch ?? []) as Array<{ ErrorEquals: string[]; Next: string }>).find((c) => c.ErrorEquals.includes('States.ALL'))?.Next;
    for (const [name, { inBranch }] of tasks) {
      if (inBranch || name === 'RecordError' || name === 'NotifyFailure') continue;
      expect(catchAll(name), name).toBe('RecordError');
    }
    expect(catchAll('Committee')).toBe('RecordError');
    expect(catchAll('RecordError')).toBe('NotifyFailure');
    expect(states.get('RecordError')?.state.Next).toBe('NotifyFailure');
    expect(states.get('NotifyFailure')?.state.Next).toBe('Failed');
    record({
      point: 'faults',
      label: 'state machine',
      text: `${tasks.length} tasks retry ${TRANSIENT_ERRORS.length} transient errors ×4 (2 s, ×2), then RecordError → NotifyFailure (admin alert) → Failed`,
      short: `${tasks.length} tasks retry transient errors, then ERROR + admin alert`,
    });
  });
});
