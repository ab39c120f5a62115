import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../infra/config.ts';
import { repoRoot } from '../../infra/constructs/app-function.ts';
import { emfMetrics } from '../../shared/adapters/emf-metrics.ts';
import { apiFunctionNames, FUNCTIONS, functionNames, taskFunctionNames as workflowFunctionNames } from '../../shared/catalogue/functions.ts';
import { SES_BOUNCE_RATE_THRESHOLD, SES_COMPLAINT_RATE_THRESHOLD } from '../../infra/constructs/observability.ts';
import type { Config } from '../../shared/config/load.ts';
import { statusMetric, TASK_FAILED, TASK_SUCCEEDED } from '../../shared/config/metrics.ts';
import { statuses } from '../../shared/domain/status.ts';
import { type CfnTemplate, entriesByLogicalId, functionNameOf, type Synthesized, synthesize } from './synth.ts';

const ADMINS = ['ops@daect.example.fr', 'ops@dgct.example.ma'];
let synth: Synthesized;
let template: CfnTemplate;
let alarms: Map<string, Record<string, any>>;
let logicalIdOf: Map<string, string>;

beforeAll(() => {
  synth = synthesize({ stage: 'prod', context: { adminEmails: ADMINS.join(','), personalDataRetentionDays: '1000' } });
  template = synth.statelessJson;
  alarms = new Map(
    Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => [String(r.Properties!.AlarmName).replace('coopfund-prod-', ''), r.Properties!]),
  );
  logicalIdOf = new Map([...entriesByLogicalId(template)].map(([id, entry]) => [functionNameOf(entry), id]));
});

const topicRef = () => {
  const [id] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::SNS::Topic')!;
  return { Ref: id };
};

describe('the alarm topic', () => {
  it('emails every admin, over TLS only', () => {
    synth.stateless.resourceCountIs('AWS::SNS::Topic', 1);
    for (const email of ADMINS) {
      synth.stateless.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, TopicArn: topicRef() });
    }
    synth.stateless.resourceCountIs('AWS::SNS::Subscription', ADMINS.length);
    synth.stateless.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('is a stack output, with the other values the admin CLI reads', () => {
    const outputs = template.Outputs ?? {};
    expect(outputs.AlarmTopicArn?.Value).toEqual(topicRef());
    expect(outputs.PersonalDataRetentionDays?.Value).toBe('1000');
    expect(outputs.AdminEmails?.Value).toBe(ADMINS.join(','));
    expect(outputs.SenderEmail?.Value).toBe('no-reply@coopfund.example.org');
  });
});

describe('alarms', () => {
  it("are the runbook's, each notifying the admins when it fires and when it clears", () => {
    expect([...alarms.keys()].sort()).toEqual(
      [
        'Api5xx',
        'ApplicationsInError',
        'DynamoDbThrottles',
        'ExecutionsFailed',
        'ExecutionsTimedOut',
        'LambdaErrorsApi',
        'LambdaErrorsWorkflow',
        'LambdaErrorsScheduled',
        'LambdaErrorsEvents',
        'SesBounceRate',
        'SesComplaintRate',
      ].sort(),
    );
    for (const [name, alarm] of alarms) {
      expect(alarm.AlarmActions, name).toEqual([topicRef()]);
      expect(alarm.OKActions, name).toEqual([topicRef()]);
      expect(alarm.TreatMissingData, name).toBe('notBreaching');
      expect(alarm.ComparisonOperator, name).toBe('GreaterThanOrEqualToThreshold');
      expect(alarm.AlarmDescription, name).toContain(`docs/operations.md, "${name}"`);
    }
  });

  it('watch failed and timed-out executions of the state machine', () => {
    const [machine] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')!;
    for (const [name, metric] of [
      ['ExecutionsFailed', 'ExecutionsFailed'],
      ['ExecutionsTimedOut', 'ExecutionsTimedOut'],
    ]) {
      expect(alarms.get(name!)).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machine } }],
        Statistic: 'Sum',
        Threshold: 1,
      });
    }
  });

  it("watch the API stage's 5xx", () => {
    expect(alarms.get('Api5xx')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Dimensions: expect.arrayContaining([expect.objectContaining({ Name: 'ApiName' }), { Name: 'Stage', Value: expect.anything() }]),
      Threshold: 1,
    });
  });

  it('count the errors of every function, at most ten metrics per alarm', () => {
    const watched: string[] = [];
    for (const name of ['LambdaErrorsApi', 'LambdaErrorsWorkflow']) {
      const metrics = alarms.get(name)!.Metrics as Array<{
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: Array<{ Value: { Ref: string } }> } };
      }>;
      const stats = metrics.filter((m) => m.MetricStat);
      expect(stats.length, name).toBeLessThanOrEqual(10);
      for (const m of stats) {
        expect(m.MetricStat!.Metric).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
        watched.push(m.MetricStat!.Metric.Dimensions[0]!.Value.Ref);
      }
      expect(metrics.find((m) => m.Expression)?.Expression).toBe(stats.map((_, i) => `e${i}`).join(' + '));
    }
    expect(watched.sort()).toEqual([...apiFunctionNames, ...workflowFunctionNames].map((n) => logicalIdOf.get(n)).sort());
  });

  it("watch the SES account's reputation: bounces over 2 %, complaints over 0.05 %", () => {
    expect(SES_BOUNCE_RATE_THRESHOLD).toBe(0.02);
    expect(SES_COMPLAINT_RATE_THRESHOLD).toBe(0.0005);
    expect(alarms.get('SesBounceRate')).toMatchObject({ Namespace: 'AWS/SES', MetricName: 'Reputation.BounceRate', Statistic: 'Maximum', Threshold: 0.02 });
    expect(alarms.get('SesComplaintRate')).toMatchObject({
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Statistic: 'Maximum',
      Threshold: 0.0005,
    });
    for (const name of ['SesBounceRate', 'SesComplaintRate']) expect(alarms.get(name)!.Dimensions).toBeUndefined();
  });

  it('watch throttled requests on the table', () => {
    const metrics = alarms.get('DynamoDbThrottles')!.Metrics as Array<{
      MetricStat?: { Metric: { MetricName: string; Dimensions: Array<{ Name: string; Value: unknown }> } };
    }>;
    const stats = metrics.filter((m) => m.MetricStat);
    expect(stats.length).toBeGreaterThan(0);
    expect(stats.length).toBeLessThanOrEqual(10);
    for (const m of stats) {
      expect(m.MetricStat!.Metric.MetricName).toBe('ThrottledRequests');
      expect(m.MetricStat!.Metric.Dimensions.map((d) => d.Name).sort()).toEqual(['Operation', 'TableName']);
    }
  });

  it('each have a section in the runbook', () => {
    const runbook = readFileSync(resolve(repoRoot, 'docs/operations.md'), 'utf8');
    for (const name of alarms.keys()) expect(runbook, name).toMatch(new RegExp(`^#{3,4} .*\`${name}\``, 'm'));
  });
});

/** The EMF lines `emfMetrics` writes to stdout while `run` runs, parsed. */
async function emfLines(run: () => Promise<void>): Promise<Array<Record<string, any>>> {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown) => chunks.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
  }
  return chunks
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);
}

/** Each metric of an EMF document with its namespace and dimensions, as CloudWatch files it. */
const published = (doc: Record<string, any>) =>
  (doc._aws.CloudWatchMetrics as Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }>).flatMap((d) =>
    d.Metrics.flatMap((m) =>
      d.Dimensions.map((names) => ({
        Namespace: d.Namespace,
        MetricName: m.Name,
        Dimensions: names.map((name) => ({ Name: name, Value: doc[name] })).sort((a, b) => (a.Name < b.Name ? -1 : 1)),
      })),
    ),
  );

describe("counts from the functions' own metrics (EMF), not from log wording", () => {
  const variables = (name: string) => template.Resources[logicalIdOf.get(name)!]!.Properties!.Environment.Variables as Record<string, unknown>;

  it('no metric filter reads the logs', () => {
    synth.stateless.resourceCountIs('AWS::Logs::MetricFilter', 0);
  });

  it("every function that declares the metrics port gets the stage's namespace; the others none", () => {
    for (const name of functionNames) {
      const declared = (FUNCTIONS[name].ports as readonly string[]).includes('metrics');
      expect(variables(name).POWERTOOLS_METRICS_NAMESPACE, name).toBe(declared ? 'coopfund/prod' : undefined);
    }
    // Every task (its outcome) and every API function that writes a status.
    for (const name of [...workflowFunctionNames, 'submit-application', 'decide-task'] as const) {
      expect(FUNCTIONS[name].ports as readonly string[], name).toContain('metrics');
    }
  });

  it('the ApplicationsInError alarm reads the very metric a function writes when an application enters ERROR', async () => {
    const config = { metricsNamespace: variables('record-outcome').POWERTOOLS_METRICS_NAMESPACE } as Config;
    const lines = await emfLines(async () => {
      const metrics = emfMetrics(config);
      metrics.count(statusMetric('ERROR'));
      await metrics.publish();
    });
    const alarm = alarms.get('ApplicationsInError')!;
    expect(alarm).toMatchObject({ Namespace: 'coopfund/prod', MetricName: 'ApplicationsError', Statistic: 'Sum', Threshold: 1 });
    expect(lines.flatMap(published)).toContainEqual({ Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions });
  });

  it("the dashboard graphs every status and every task's outcomes under the dimensions the functions write", async () => {
    const [dashboard] = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    // The body is JSON joined with references (ARNs, names) inside its strings: stand-ins will do.
    const body = ((dashboard?.Properties?.DashboardBody?.['Fn::Join']?.[1] ?? []) as unknown[]).map((p) => (typeof p === 'string' ? p : 'REF')).join('');
    const graphed = new Set<string>();
    for (const widget of JSON.parse(body).widgets as Array<{ properties: { metrics?: unknown[][] } }>) {
      for (const row of widget.properties.metrics ?? []) {
        const [namespace, metricName, ...rest] = row.filter((x) => typeof x === 'string') as string[];
        const dims = [];
        for (let i = 0; i + 1 < rest.length; i += 2) dims.push({ Name: rest[i]!, Value: rest[i + 1]! });
        graphed.add(JSON.stringify({ Namespace: namespace, MetricName: metricName, Dimensions: dims.sort((a, b) => (a.Name < b.Name ? -1 : 1)) }));
      }
    }
    const written = await emfLines(async () => {
      const metrics = emfMetrics({ metricsNamespace: 'coopfund/prod' } as Config);
      for (const status of statuses) metrics.count(statusMetric(status));
      for (const task of workflowFunctionNames) {
        metrics.count(TASK_SUCCEEDED, { task });
        metrics.count(TASK_FAILED, { task });
      }
      await metrics.publish();
    });
    const metrics = written.flatMap(published);
    expect(metrics).toHaveLength(statuses.length + 2 * workflowFunctionNames.length);
    for (const metric of metrics) expect(graphed, JSON.stringify(metric)).toContain(JSON.stringify(metric));
  });
});

describe('the dashboard', () => {
  it('shows statuses, task outcomes, executions, errors, latency, emails, bounces and throttles', () => {
    const [dashboard] = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboard?.Properties?.DashboardName).toBe('coopfund-prod');
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
    for (const text of [
      'ApplicationsSubmitted',
      'ApplicationsApproved',
      'ApplicationsError',
      'TaskSucceeded',
      'TaskFailed',
      'ExecutionsStarted',
      'ExecutionsSucceeded',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'AWS/Lambda',
      'Duration',
      '4XXError',
      '5XXError',
      'Latency',
      'AWS/SES',
      'Send',
      'Bounce',
      'Complaint',
      'Reputation.BounceRate',
      'Reputation.ComplaintRate',
      'ThrottledRequests',
      'alarm',
    ]) {
      expect(body, text).toContain(text);
    }
  });
});

describe('stage settings', () => {
  const context = (values: Record<string, unknown>) => (name: string) => values[name];

  it('keep personal data for a bounded time, per stage', () => {
    expect(loadStageConfig('prod', context({})).personalDataRetentionDays).toBe(1825);
    expect(loadStageConfig('dev', context({})).personalDataRetentionDays).toBe(90);
    expect(() => loadStageConfig('prod', context({ personalDataRetentionDays: '7' }))).toThrow(/personalDataRetentionDays: must be at least 30 days/);
  });

  it('refuse a misspelt setting instead of ignoring it', () => {
    expect(() => loadStageConfig('prod', context({}), ['adminEmail', 'stage', '@aws-cdk/core:checkSecretUsage'])).toThrow(
      /^Invalid configuration for stage prod:\n {2}adminEmail: unknown setting, did you mean adminEmails\?$/,
    );
    expect(() => loadStageConfig('prod', context({}), ['WafEnabled'])).toThrow(/did you mean wafEnabled\?/);
    expect(() => loadStageConfig('prod', context({}), ['adminEmails', 'cli-telemetry', 'aws:cdk:enable-path-metadata'])).not.toThrow();
  });
});
