import { describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../infra/config.ts';
import { stateMachineDefinition, synthesize } from './synth.ts';

const context = (values: Record<string, unknown>) => (name: string) => values[name];

describe('stage configuration', () => {
  it('defaults to dev, without WAF; prod has it', () => {
    expect(loadStageConfig(undefined, context({}))).toMatchObject({ stage: 'dev', wafEnabled: false });
    expect(loadStageConfig('prod', context({}))).toMatchObject({ stage: 'prod', wafEnabled: true });
  });

  it('scans documents for malware in prod only, unless told otherwise', () => {
    expect(loadStageConfig('dev', context({}))).toMatchObject({ malwareScan: false, documentVersionDays: 7 });
    expect(loadStageConfig('local', context({}))).toMatchObject({ malwareScan: false });
    expect(loadStageConfig('prod', context({}))).toMatchObject({ malwareScan: true, documentVersionDays: 30 });
    expect(loadStageConfig('dev', context({ malwareScan: 'true', documentVersionDays: '14' }))).toMatchObject({ malwareScan: true, documentVersionDays: 14 });
  });

  it('takes overrides from the CLI context, where every value is a string', () => {
    const config = loadStageConfig(
      'dev',
      context({
        reviewTimeoutSeconds: '5',
        committeeTimeoutSeconds: '6',
        resubmissionTimeoutSeconds: '7',
        linkTtlSeconds: '600',
        logRetention: '30',
        wafEnabled: 'true',
        apiRateLimit: '50',
        apiBurstLimit: '100',
        adminEmails: 'a@example.org, b@example.org',
        baseUrl: 'http://localhost:3000',
      }),
    );
    expect(config).toMatchObject({
      reviewTimeoutSeconds: 5,
      committeeTimeoutSeconds: 6,
      resubmissionTimeoutSeconds: 7,
      linkTtlSeconds: 600,
      logRetention: 30,
      wafEnabled: true,
      apiRateLimit: 50,
      apiBurstLimit: 100,
      adminEmails: ['a@example.org', 'b@example.org'],
      baseUrl: 'http://localhost:3000',
    });
  });

  it('keeps retired signing keys for one link lifetime unless told otherwise', () => {
    expect(loadStageConfig('prod', context({}))).toMatchObject({ linkTtlSeconds: 21 * 86_400, signingKeyGraceSeconds: 21 * 86_400 });
    expect(loadStageConfig('dev', context({ linkTtlSeconds: '600' })).signingKeyGraceSeconds).toBe(600);
    expect(loadStageConfig('dev', context({ signingKeyGraceSeconds: '3600' })).signingKeyGraceSeconds).toBe(3600);
    expect(loadStageConfig('dev', context({ signingKeyGraceSeconds: '0' })).signingKeyGraceSeconds).toBe(0);
  });

  it.each([
    [{ signingKeyGraceSeconds: 'a while' }, 'signingKeyGraceSeconds'],
    [{ reviewTimeoutSeconds: 'soon' }, 'reviewTimeoutSeconds'],
    [{ committeeTimeoutSeconds: '0' }, 'committeeTimeoutSeconds'],
    [{ resubmissionTimeoutSeconds: '1.5' }, 'resubmissionTimeoutSeconds'],
    [{ linkTtlSeconds: '10' }, 'linkTtlSeconds'],
    [{ logRetention: '8' }, 'logRetention'],
    [{ wafEnabled: 'yes' }, 'wafEnabled'],
    [{ malwareScan: 'on' }, 'malwareScan'],
    [{ documentVersionDays: '0' }, 'documentVersionDays'],
    [{ adminEmails: 'admins' }, 'adminEmails'],
    [{ senderEmail: 'nobody' }, 'senderEmail'],
    [{ baseUrl: 'https://coopfund.example.org/' }, 'baseUrl'],
    [{ apiRateLimit: '-1' }, 'apiRateLimit'],
  ])('refuses %o, naming the setting', (values, setting) => {
    expect(() => loadStageConfig('dev', context(values))).toThrow(new RegExp(`^Invalid configuration for stage dev:\\n\\s+${setting}`));
  });

  it('refuses an unknown stage', () => {
    expect(() => loadStageConfig('staging', context({}))).toThrow(/Invalid stage "staging"/);
  });

  it('lets the local stack shorten the waits of the synthesized workflow', () => {
    const { statelessJson } = synthesize({
      stage: 'local',
      context: { reviewTimeoutSeconds: 5, committeeTimeoutSeconds: 6, resubmissionTimeoutSeconds: 7 },
    });
    const states = stateMachineDefinition(statelessJson).States;
    expect(states.RequestReview.TimeoutSeconds).toBe(5);
    expect(states.RequestChanges.TimeoutSeconds).toBe(7);
    expect(states.Committee.Branches[0].States.RequestFrenchCoChairDecision.TimeoutSeconds).toBe(6);
  });
});
