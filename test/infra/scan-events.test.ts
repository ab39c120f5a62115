import { beforeAll, describe, expect, it } from 'vitest';
import { schedulesOf } from '../../local/scheduler.ts';
import type { CfnResource } from '../../local/template.ts';
import { type CfnTemplate, functionNameOf, synthesize } from './synth.ts';

const rulesOf = (template: CfnTemplate) => Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule');
const patterned = (template: CfnTemplate) => rulesOf(template).filter((r) => r.Properties?.EventPattern !== undefined);

let dev: CfnTemplate;
let prod: CfnTemplate;
beforeAll(() => {
  dev = synthesize({ stage: 'dev' }).statelessJson;
  prod = synthesize({ stage: 'prod' }).statelessJson;
});

describe('the malware scan’s verdicts (GuardDuty, EventBridge)', () => {
  it('reach record-scan through a rule that exists only where the stage scans (prod), on the documents’ results only', () => {
    expect(patterned(dev)).toEqual([]);
    const [rule, ...others] = patterned(prod);
    expect(others).toEqual([]);
    const pattern = rule?.Properties?.EventPattern;
    expect(pattern).toMatchObject({
      source: ['aws.guardduty'],
      'detail-type': ['GuardDuty Malware Protection Object Scan Result'],
      detail: { s3ObjectDetails: { objectKey: [{ prefix: 'applications/' }] } },
    });
    // The bucket the stateful stack exports, by name: no other bucket's results.
    expect(JSON.stringify(pattern.detail.s3ObjectDetails.bucketName)).toMatch(/DocumentsBucket|Fn::ImportValue|Fn::Select/);
    const [target, ...more] = (rule?.Properties?.Targets ?? []) as Array<{ Arn: { 'Fn::GetAtt': [string, string] }; RetryPolicy: unknown }>;
    expect(more).toEqual([]);
    expect(functionNameOf(String(prod.Resources[target!.Arn['Fn::GetAtt'][0]]?.Metadata?.['coopfund:entry']))).toBe('record-scan');
    expect(target?.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 8 });
  });

  it('is no rule the local stack runs: its scheduler takes scheduled rules only', () => {
    const schedules = schedulesOf(prod.Resources as Record<string, CfnResource>);
    expect(schedules.map((s) => s.expression)).toEqual(['rate(1 hour)']);
  });
});
