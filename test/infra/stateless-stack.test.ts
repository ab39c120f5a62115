import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LOG_FIELDS } from '../../infra/constructs/api.ts';
import { repoRoot } from '../../infra/constructs/app-function.ts';
import {
  apiFunctionNames,
  eventFunctionNames,
  FUNCTIONS,
  scheduledFunctionNames,
  taskFunctionNames as workflowFunctionNames,
} from '../../shared/catalogue/functions.ts';
import { ENV } from '../../shared/config/env.ts';
import { type CfnResource, type CfnTemplate, entriesByLogicalId, functionNameOf, type Synthesized, synthesize } from './synth.ts';

let synth: Synthesized;
let template: CfnTemplate;
/** Function name (`submit-application`) → its resource. */
let functions: Map<string, { logicalId: string; resource: CfnResource }>;

const resourcesOf = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const fn = (name: string) => {
  const f = functions.get(name);
  if (!f) throw new Error(`no function ${name}`);
  return f;
};

/** Every IAM statement attached to a function's role. */
function statementsOf(name: string): Array<{ Action: string | string[]; Resource: unknown; Effect: string }> {
  const role = fn(name).resource.Properties!.Role['Fn::GetAtt'][0] as string;
  return resourcesOf('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties!.Roles.some((r: { Ref: string }) => r.Ref === role))
    .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement);
}
const actionsOf = (name: string) => new Set(statementsOf(name).flatMap((s) => [s.Action].flat()));
/** The functions whose role allows `action`. */
const granted = (action: string) => [...functions.keys()].filter((n) => actionsOf(n).has(action)).sort();

beforeAll(() => {
  synth = synthesize();
  template = synth.statelessJson;
  functions = new Map(
    [...entriesByLogicalId(template)].map(([logicalId, entry]) => [functionNameOf(entry), { logicalId, resource: template.Resources[logicalId]! }]),
  );
});

describe('functions', () => {
  it('are the catalogue’s handlers (API, workflow, scheduled, events), each pointing at an existing source file', () => {
    expect([...functions.keys()].sort()).toEqual([...apiFunctionNames, ...workflowFunctionNames, ...scheduledFunctionNames, ...eventFunctionNames].sort());
    expect(scheduledFunctionNames).toEqual(['send-reminders']);
    expect(eventFunctionNames).toEqual(['record-scan']);
    for (const [name, { resource }] of functions) {
      const entry = resource.Metadata?.['coopfund:entry'];
      expect(entry).toBe(`functions/${name}/handler.ts`);
      expect(existsSync(resolve(repoRoot, String(entry))), String(entry)).toBe(true);
    }
  });

  it('run Node 24 on ARM with source maps and their own log group, and no X-Ray tracing', () => {
    for (const [name, { resource }] of functions) {
      expect(resource.Properties, name).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        // A sweep may take longer: it goes through every draft of the calls closing soon.
        Timeout: (FUNCTIONS[name as keyof typeof FUNCTIONS] as { timeoutSeconds?: number }).timeoutSeconds ?? 10,
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
      // Nothing in them records a trace: an active one would hold Lambda's segments and no call.
      expect(resource.Properties!.TracingConfig, name).toBeUndefined();
      const logGroup = resource.Properties!.LoggingConfig.LogGroup.Ref as string;
      expect(template.Resources[logGroup]?.Properties?.RetentionInDays, name).toBe(synth.built.config.logRetention);
    }
  });

  it('get the shared settings, and never the signing key itself', () => {
    const { config } = synth.built;
    for (const [name, { resource }] of functions) {
      const vars = resource.Properties!.Environment.Variables as Record<string, unknown>;
      expect(vars[ENV.tableName], name).toEqual({ 'Fn::ImportValue': expect.stringContaining('Table') });
      expect(vars[ENV.signingSecretArn], name).toEqual({ 'Fn::ImportValue': expect.stringContaining('SigningSecret') });
      expect(vars[ENV.senderEmail], name).toBe(config.senderEmail);
      expect(vars[ENV.adminEmails], name).toBe(config.adminEmails.join(','));
      expect(vars[ENV.linkTtlSeconds], name).toBe(String(config.linkTtlSeconds));
      expect(vars[ENV.signingKeyGraceSeconds], name).toBe(String(config.signingKeyGraceSeconds));
      expect(vars[ENV.signingSecret], name).toBeUndefined();
      expect(vars[ENV.stateMachineArn] !== undefined, name).toBe(name === 'submit-application' || name === 'drafts');
    }
  });

  it("give workflow functions the API's URL (from its id, not its deployment), and API functions none", () => {
    const restApi = resourcesOf('AWS::ApiGateway::RestApi')[0]![0];
    for (const name of workflowFunctionNames) {
      const baseUrl = fn(name).resource.Properties!.Environment.Variables[ENV.baseUrl];
      expect(baseUrl, name).toEqual({
        'Fn::Join': ['', ['https://', { Ref: restApi }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/dev']],
      });
    }
    for (const name of apiFunctionNames) {
      expect(fn(name).resource.Properties!.Environment.Variables[ENV.baseUrl], name).toBeUndefined();
    }
  });
});

describe('grants', () => {
  const mailers = [
    'drafts',
    'notify-admins',
    'notify-applicants',
    'request-changes',
    'request-committee-decision',
    'request-review',
    'send-reminders',
    'submit-application',
  ];

  it('only decide-task may resume a waiting task', () => {
    expect(granted('states:SendTaskSuccess')).toEqual(['decide-task']);
  });

  it('only the filing functions may start an execution', () => {
    expect(granted('states:StartExecution')).toEqual(['drafts', 'submit-application']);
  });

  it('only the mailers may send email, as the sender domain only', () => {
    expect(granted('ses:SendEmail')).toEqual(mailers);
    const domain = synth.built.config.senderEmail.split('@')[1];
    for (const name of mailers) {
      const ses = statementsOf(name).filter((s) => [s.Action].flat().includes('ses:SendEmail'));
      expect(ses).toEqual([
        {
          Action: ['ses:SendEmail', 'ses:SendRawEmail'],
          Effect: 'Allow',
          Resource: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:identity/${domain}`]],
          },
        },
      ]);
    }
  });

  it('only the functions that sign or verify links may read the signing key', () => {
    expect(granted('secretsmanager:GetSecretValue')).toEqual(
      [
        'decide-task',
        'draft-documents',
        'drafts',
        'notify-applicants',
        'request-changes',
        'request-committee-decision',
        'request-review',
        'send-reminders',
        'show-draft',
        'show-task',
        'submit-application',
        'track-application',
      ].sort(),
    );
  });

  it('lets the read-only handlers read the table but not write it; health touches nothing', () => {
    for (const name of ['list-calls', 'track-application', 'show-task', 'show-form', 'show-draft']) {
      expect(actionsOf(name).has('dynamodb:Query'), name).toBe(true);
      expect(actionsOf(name).has('dynamodb:PutItem'), name).toBe(false);
      expect(actionsOf(name).has('dynamodb:UpdateItem'), name).toBe(false);
    }
    expect([...actionsOf('health')].sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('writes each function to its own log group only, without a managed policy', () => {
    for (const name of functions.keys()) {
      const logs = statementsOf(name).filter((s) => [s.Action].flat().includes('logs:PutLogEvents'));
      expect(logs, name).toEqual([expect.objectContaining({ Resource: { 'Fn::GetAtt': [fn(name).resource.Properties!.LoggingConfig.LogGroup.Ref, 'Arn'] } })]);
    }
    for (const [, role] of resourcesOf('AWS::IAM::Role')) expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
  });

  it('never grants a wildcard action, nor "*" resources beyond actions that cannot be scoped', () => {
    // The cdk-nag acknowledgements of Resource::* rely on this: log delivery only (no X-Ray).
    const unscopable = /^(logs:(Create|Get|Update|Delete|List)LogDeliver(y|ies)|logs:(PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/;
    for (const [, policy] of resourcesOf('AWS::IAM::Policy')) {
      for (const s of policy.Properties!.PolicyDocument.Statement) {
        for (const action of [s.Action].flat()) expect(action).not.toMatch(/\*/);
        if (s.Resource === '*') for (const action of [s.Action].flat()) expect(action).toMatch(unscopable);
      }
    }
  });
});

describe('REST API', () => {
  /** `METHOD /path` → function name, from the template's resources and methods. */
  function routes(): Record<string, string> {
    const paths = new Map<string, string>();
    const pathOf = (ref: unknown): string => {
      const r = ref as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (r['Fn::GetAtt']?.[1] === 'RootResourceId') return '';
      const id = r.Ref!;
      if (!paths.has(id)) {
        const p = template.Resources[id]!.Properties!;
        paths.set(id, `${pathOf(p.ParentId)}/${p.PathPart}`);
      }
      return paths.get(id)!;
    };
    const entries = entriesByLogicalId(template);
    return Object.fromEntries(
      resourcesOf('AWS::ApiGateway::Method').map(([, m]) => {
        const p = m.Properties!;
        expect(p.Integration.Type).toBe('AWS_PROXY');
        const target = (p.Integration.Uri['Fn::Join'][1] as unknown[]).find((x) => typeof x === 'object' && x !== null && 'Fn::GetAtt' in x) as {
          'Fn::GetAtt': [string, string];
        };
        return [`${p.HttpMethod} ${pathOf(p.ResourceId) || '/'}`, functionNameOf(entries.get(target['Fn::GetAtt'][0])!)];
      }),
    );
  }

  it('routes each path of the contract to its handler by Lambda proxy', () => {
    expect(routes()).toEqual({
      'GET /health': 'health',
      'GET /calls': 'list-calls',
      'POST /applications': 'submit-application',
      'GET /applications/{id}': 'track-application',
      'GET /tasks/{taskId}': 'show-task',
      'HEAD /tasks/{taskId}': 'show-task',
      'POST /tasks/{taskId}': 'decide-task',
      'GET /': 'show-form',
      'GET /assets/{asset}': 'show-form',
      'POST /drafts': 'drafts',
      'GET /drafts/{id}': 'show-draft',
      'HEAD /drafts/{id}': 'show-draft',
      'PUT /drafts/{id}': 'drafts',
      'POST /drafts/{id}': 'drafts',
      'POST /drafts/{id}/invite': 'drafts',
      'POST /drafts/{id}/submit': 'drafts',
      'POST /drafts/{id}/confirm': 'drafts',
      'POST /drafts/{id}/return': 'drafts',
      'POST /drafts/{id}/documents': 'draft-documents',
      'POST /drafts/{id}/documents/{documentId}/complete': 'draft-documents',
      'DELETE /drafts/{id}/documents/{documentId}': 'draft-documents',
      'POST /drafts/{id}/documents/{documentId}/delete': 'draft-documents',
    });
  });

  it('validates requests of the routes that take input', () => {
    synth.stateless.resourceCountIs('AWS::ApiGateway::RequestValidator', 1);
    const validated = resourcesOf('AWS::ApiGateway::Method').filter(([, m]) => m.Properties!.RequestValidatorId);
    expect(validated.map(([, m]) => m.Properties!.HttpMethod).sort()).toEqual([
      ...['DELETE', 'GET', 'GET', 'GET', 'GET', 'HEAD', 'HEAD'],
      ...['POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'PUT'],
    ]);
  });

  it('throttles the stage, without X-Ray tracing', () => {
    const { config } = synth.built;
    synth.stateless.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      TracingEnabled: false,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          DataTraceEnabled: false,
          ThrottlingRateLimit: config.apiRateLimit,
          ThrottlingBurstLimit: config.apiBurstLimit,
        },
      ],
    });
  });

  it('logs each request as JSON, without the query string that carries tokens and signatures', () => {
    const [, stage] = resourcesOf('AWS::ApiGateway::Stage')[0]!;
    const format = stage.Properties!.AccessLogSetting.Format as string;
    const fields = JSON.parse(format) as Record<string, string>;
    expect(fields).toEqual(ACCESS_LOG_FIELDS);
    expect(fields).toMatchObject({ resourcePath: '$context.resourcePath', status: '$context.status', requestId: '$context.requestId' });
    const variables = format.match(/\$[\w.]+/g) ?? [];
    const pathLevel =
      /^\$context\.(requestId|requestTime|identity\.sourceIp|httpMethod|resourcePath|status|protocol|responseLength|responseLatency|integrationLatency|error\.responseType)$/;
    for (const v of variables) expect(v).toMatch(pathLevel);
    expect(format).not.toMatch(/querystring|\$input|\$method\.request|\$context\.path|requestOverride/i);
  });

  it('has no WAF in dev (wafEnabled=false)', () => {
    synth.stateless.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });
});

describe('outputs', () => {
  it('publishes the API URL, the table name, the state machine ARN, the alarm topic and what the admin CLI reads, and nothing else', () => {
    expect(Object.keys(template.Outputs ?? {}).sort()).toEqual([
      'AdminEmails',
      'AlarmTopicArn',
      'ApiUrl',
      'BaseUrl',
      'DashboardName',
      'DocumentsBucket',
      'PersonalDataRetentionDays',
      'SenderEmail',
      'SigningSecretArn',
      'StateMachineArn',
      'TableName',
    ]);
  });
});

describe('scheduled sweeps', () => {
  it('each run by an enabled EventBridge rule on its declared rate, retried twice within the hour', () => {
    const rules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule');
    expect(rules).toHaveLength(scheduledFunctionNames.length);
    const rule = rules[0]!;
    expect(rule.Properties).toMatchObject({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
    const [target] = rule.Properties!.Targets as Array<{ Arn: { 'Fn::GetAtt': [string, string] }; RetryPolicy: unknown }>;
    expect(functionNameOf(String(template.Resources[target!.Arn['Fn::GetAtt'][0]]?.Metadata?.['coopfund:entry']))).toBe('send-reminders');
    expect(target!.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 });
    // EventBridge, and only it, may invoke the sweep.
    const permissions = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && r.Properties?.Principal === 'events.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
  });
});
