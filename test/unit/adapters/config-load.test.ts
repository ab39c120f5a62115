import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load.ts';
import { readSigningSecret } from '../../../shared/adapters/signing-secret.ts';

const valid = {
  TABLE_NAME: 'coopfund',
  SENDER_EMAIL: 'no-reply@coopfund.example.org',
  ADMIN_EMAILS: 'a@coopfund.example.org, b@coopfund.example.org',
  LINK_TTL_SECONDS: '1209600',
  SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:signing-AbCdEf',
};

describe('loadConfig', () => {
  it('parses the environment', () => {
    expect(loadConfig({ env: { ...valid, BASE_URL: 'https://fonds.example.org' } })).toEqual({
      tableName: 'coopfund',
      senderEmail: 'no-reply@coopfund.example.org',
      adminEmails: ['a@coopfund.example.org', 'b@coopfund.example.org'],
      linkTtlSeconds: 1_209_600,
      signingKeyGraceSeconds: 1_209_600,
      signingKeyMaxAgeSeconds: 300,
      baseUrl: 'https://fonds.example.org',
      documentsScanned: false,
    });
  });

  it('reads the documents bucket and whether its objects are scanned', () => {
    expect(loadConfig({ env: { ...valid, DOCUMENTS_BUCKET: 'coopfund-documents-1a2b', DOCUMENTS_SCANNED: 'true' } })).toMatchObject({
      documentsBucket: 'coopfund-documents-1a2b',
      documentsScanned: true,
    });
    expect(loadConfig({ env: { ...valid, DOCUMENTS_SCANNED: 'false' } }).documentsScanned).toBe(false);
    expect(() => loadConfig({ env: { ...valid, DOCUMENTS_BUCKET: 'Not_A_Bucket' } })).toThrow(/DOCUMENTS_BUCKET/);
    expect(() => loadConfig({ env: { ...valid, DOCUMENTS_SCANNED: 'yes' } })).toThrow(/DOCUMENTS_SCANNED/);
    expect(() => loadConfig({ env: valid, require: ['documentsBucket'] })).toThrow(/DOCUMENTS_BUCKET must be set/);
  });

  it('reads the signing key grace period and maximum age; the grace defaults to the link lifetime', () => {
    const config = loadConfig({ env: { ...valid, SIGNING_KEY_GRACE_SECONDS: '600', SIGNING_KEY_MAX_AGE_SECONDS: '30' } });
    expect(config).toMatchObject({ signingKeyGraceSeconds: 600, signingKeyMaxAgeSeconds: 30 });
    expect(loadConfig({ env: { ...valid, SIGNING_KEY_GRACE_SECONDS: '0' } }).signingKeyGraceSeconds).toBe(0);
    expect(() => loadConfig({ env: { ...valid, SIGNING_KEY_GRACE_SECONDS: '-1' } })).toThrow(/SIGNING_KEY_GRACE_SECONDS/);
    expect(() => loadConfig({ env: { ...valid, SIGNING_KEY_MAX_AGE_SECONDS: '0' } })).toThrow(/SIGNING_KEY_MAX_AGE_SECONDS/);
  });

  it('throws naming every missing or invalid variable', () => {
    const { TABLE_NAME: _t, ...noTable } = valid;
    expect(() => loadConfig({ env: noTable })).toThrow(/TABLE_NAME/);
    expect(() => loadConfig({ env: { ...valid, ADMIN_EMAILS: ' , ' } })).toThrow(/ADMIN_EMAILS/);
    expect(() => loadConfig({ env: { ...valid, LINK_TTL_SECONDS: 'two weeks' } })).toThrow(/LINK_TTL_SECONDS/);
    expect(() => loadConfig({ env: { ...valid, BASE_URL: 'https://x.org/' } })).toThrow(/BASE_URL/);
    const { SIGNING_SECRET_ARN: _s, ...noSecret } = valid;
    expect(() => loadConfig({ env: noSecret })).toThrow(/SIGNING_SECRET_ARN/);
    expect(() => loadConfig({ env: { ...valid, TABLE_NAME: '', SENDER_EMAIL: 'nope' } })).toThrow(/TABLE_NAME.*SENDER_EMAIL|SENDER_EMAIL.*TABLE_NAME/);
  });

  it('a function may require an optional setting', () => {
    expect(() => loadConfig({ env: valid, require: ['stateMachineArn'] })).toThrow(/STATE_MACHINE_ARN must be set/);
    expect(
      loadConfig({
        env: { ...valid, STATE_MACHINE_ARN: 'arn:aws:states:eu-west-3:123456789012:stateMachine:coopfund-workflow' },
        require: ['stateMachineArn'],
      }).stateMachineArn,
    ).toBe('arn:aws:states:eu-west-3:123456789012:stateMachine:coopfund-workflow');
  });
});

describe('readSigningSecret', () => {
  it('uses SIGNING_SECRET when set (tests, benchmarks)', async () => {
    await expect(readSigningSecret({ SIGNING_SECRET: 'a-local-secret-of-32-characters!!' })).resolves.toBe('a-local-secret-of-32-characters!!');
  });
});
