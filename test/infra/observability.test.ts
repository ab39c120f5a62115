import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../infra/config.ts';
import { repoRoot } from '../../infra/constructs/app-function.ts';
import { apiFunctionNames, taskFunctionNames as workflowFunctionNames } from '../../shared/catalogue/functions.ts';
import { SES_BOUNCE_RATE_THRESHOLD, SES_COMPLAINT_RATE_THRESHOLD, STATUS_SOURCES, statusMetricName } from '../../infra/constructs/observability.ts';
import type { Status } from '../../shared/domain/status.ts';
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
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
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
  it('are the runbook\'s, each notifying the admins when it fires and when it clears', () => {
    expect([...alarms.keys()].sort()).toEqual(
      ['Api5xx', 'DynamoDbThrottles', 'ExecutionsFailed', 'ExecutionsTimedOut', 'LambdaErrorsApi', 'LambdaErrorsWorkflow', 'SesBounceRate', 'SesComplaintRate'].sort(),
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
    for (const [name, metric] of [['ExecutionsFailed', 'ExecutionsFailed'], ['ExecutionsTimedOut', 'ExecutionsTimedOut']]) {
      expect(alarms.get(name!)).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machine } }],
        Statistic: 'Sum',
        Threshold: 1,
      });
    }
  });

  it('watch the API stage\'s 5xx', () => {
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
      const metrics = alarms.get(name)!.Metrics as Array<{ Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: Array<{ Value: { Ref: string } }> } } }>;
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

  it('watch the SES account\'s reputation: bounces over 2 %, complaints over 0.05 %', () => {
    expect(SES_BOUNCE_RATE_THRESHOLD).toBe(0.02);
    expect(SES_COMPLAINT_RATE_THRESHOLD).toBe(0.0005);
    expect(alarms.get('SesBounceRate')).toMatchObject({ Namespace: 'AWS/SES', MetricName: 'Reputation.BounceRate', Statistic: 'Maximum', Threshold: 0.02 });
    expect(alarms.get('SesComplaintRate')).toMatchObject({ Namespace: 'AWS/SES', MetricName: 'Reputation.ComplaintRate', Statistic: 'Maximum', Threshold: 0.0005 });
    for (const name of ['SesBounceRate', 'SesComplaintRate']) expect(alarms.get(name)!.Dimensions).toBeUndefined();
  });

  it('watch throttled requests on the table', () => {
    const metrics = alarms.get('DynamoDbThrottles')!.Metrics as Array<{ MetricStat?: { Metric: { MetricName: string; Dimensions: Array<{ Name: string; Value: unknown }> } } }>;
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

/**
 * CloudWatch Logs' JSON filter syntax, the part the metric filters use: `{ $.a = "x" }`,
 * `($.a = 1)`, `($.a IS FALSE)` joined by `&&`. Enough to check our patterns against log lines.
 */
function matches(pattern: string, line: Record<string, unknown>): boolean {
  const body = /^\{\s*(.*?)\s*\}$/.exec(pattern)?.[1];
  if (!body) throw new Error(`not a JSON filter: ${pattern}`);
  return body.split('&&').every((raw) => {
    const clause = raw.trim().replace(/^\((.*)\)$/, '$1');
    const bool = /^\$\.(\w+) IS (TRUE|FALSE)$/.exec(clause);
    if (bool) return line[bool[1]!] === (bool[2] === 'TRUE');
    const eq = /^\$\.(\w+) = (.+)$/.exec(clause);
    if (!eq) throw new Error(`unsupported clause: ${clause}`);
    const expected = eq[2]!.startsWith('"') ? JSON.parse(eq[2]!) : Number(eq[2]);
    return line[eq[1]!] === expected;
  });
}

describe('applications by status, from the logs', () => {
  /** The lines the functions write (Powertools JSON: `runTask`'s summary, the API's request line). */
  const line = (message: string, extra: Record<string, unknown>) => ({ level: 'INFO', message, service: 'coopfund', applicationId: 'app-1', ...extra });
  const samples: Record<Status, Array<[string, Record<string, unknown>]>> = {
    SUBMITTED: [['submit-application', line('request', { route: 'POST /applications', status: 201, durationMs: 40 })]],
    INELIGIBLE: [['check-eligibility', line('task done', { eligible: false, failedRules: 2 })]],
    IN_REVIEW: [['assign-reviewer', line('task done', {})]],
    CHANGES_REQUESTED: [['record-review', line('task done', { next: 'changes' })]],
    IN_COMMITTEE: [['record-review', line('task done', { next: 'committee' })]],
    APPROVED: [['award-grant', line('task done', { status: 'APPROVED', grantedAmount: 40000 })]],
    REJECTED: [
      ['award-grant', line('task done', { status: 'REJECTED' })],
      ['record-outcome', line('task done', { status: 'REJECTED' })],
    ],
    WITHDRAWN: [['record-outcome', line('task done', { status: 'WITHDRAWN' })]],
    ERROR: [['record-outcome', line('task done', { status: 'ERROR' })]],
  };
  /** Lines that must not count: another outcome, a failure, a refused submission. */
  const others = [
    line('task done', { eligible: true, failedRules: 0 }),
    line('task failed', { errorName: 'TransientError' }),
    line('request', { route: 'POST /applications', status: 400 }),
    line('task done', { status: 'IN_REVIEW' }),
  ];

  let filters: Array<{ metric: string; pattern: string; function: string; namespace: string }>;
  beforeAll(() => {
    const logGroupOwner = new Map<string, string>();
    for (const [name, id] of logicalIdOf) {
      const ref = template.Resources[id]!.Properties!.LoggingConfig.LogGroup.Ref as string;
      logGroupOwner.set(ref, name);
    }
    filters = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Logs::MetricFilter')
      .map((r) => ({
        metric: r.Properties!.MetricTransformations[0].MetricName,
        namespace: r.Properties!.MetricTransformations[0].MetricNamespace,
        pattern: r.Properties!.FilterPattern,
        function: logGroupOwner.get(r.Properties!.LogGroupName.Ref)!,
      }));
  });

  it('has a metric per status the workflow records, in the stage\'s namespace', () => {
    expect([...new Set(filters.map((f) => f.metric))].sort()).toEqual(Object.keys(STATUS_SOURCES).map((s) => statusMetricName(s as Status)).sort());
    expect(new Set(filters.map((f) => f.namespace))).toEqual(new Set(['coopfund/prod']));
  });

  it.each(Object.entries(samples))('counts %s from the line its function writes, and nothing else', (status, lines) => {
    const own = filters.filter((f) => f.metric === statusMetricName(status as Status));
    for (const [fn, sample] of lines) {
      expect(own.filter((f) => f.function === fn && matches(f.pattern, sample)), `${fn} ${JSON.stringify(sample)}`).toHaveLength(1);
    }
    for (const filter of own) {
      for (const other of others) {
        const sameOutcome = Object.values(samples).flat().some(([fn, s]) => fn === filter.function && JSON.stringify(s) === JSON.stringify(other));
        if (!sameOutcome && !(status === 'IN_REVIEW' && other.message === 'task done')) expect(matches(filter.pattern, other), `${status} ${JSON.stringify(other)}`).toBe(false);
      }
    }
  });

  it('relies on keys the handlers do log (rename one here and there together)', () => {
    const source = (name: string) => readFileSync(resolve(repoRoot, `functions/${name}/handler.ts`), 'utf8');
    expect(source('check-eligibility')).toMatch(/eligible: out\.eligible/);
    expect(source('record-review')).toMatch(/next: out\.next/);
    expect(source('award-grant')).toMatch(/status: out\.status/);
    expect(source('record-outcome')).toMatch(/status: out\.status/);
    expect(readFileSync(resolve(repoRoot, 'functions/task-handler.ts'), 'utf8')).toMatch(/log\.info\('task done', \{ applicationId, \.\.\.summary\(output\) \}\)/);
    expect(readFileSync(resolve(repoRoot, 'shared/http/logger.ts'), 'utf8')).toMatch(/log\.info\('request', \{\s*status: request\.response\?\.statusCode/);
  });
});

describe('the dashboard', () => {
  it('shows statuses, executions, errors, latency, emails, bounces and throttles', () => {
    const [dashboard] = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboard?.Properties?.DashboardName).toBe('coopfund-prod');
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
    for (const text of [
      'ApplicationsSubmitted', 'ApplicationsApproved', 'ApplicationsError',
      'ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut',
      'AWS/Lambda', 'Duration', '4XXError', '5XXError', 'Latency',
      'AWS/SES', 'Send', 'Bounce', 'Complaint', 'Reputation.BounceRate', 'Reputation.ComplaintRate',
      'ThrottledRequests', 'alarm',
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
