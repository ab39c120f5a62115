import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synthesize } from './synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

describe('stateful stack', () => {
  it('holds one on-demand table keyed pk/sk, with gsi1, point-in-time recovery and a ttl attribute', () => {
    synth.stateful.resourceCountIs('AWS::DynamoDB::Table', 1);
    synth.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('retains the table and the signing key when the stack is deleted or they are replaced', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::SecretsManager::Secret', 'AWS::S3::Bucket']) {
      synth.stateful.hasResource(type, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('generates a 64-character signing key', () => {
    synth.stateful.resourceCountIs('AWS::SecretsManager::Secret', 1);
    synth.stateful.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it('has no function, so that redeploying the application never touches the data', () => {
    expect(Object.keys(synth.stateful.findResources('AWS::Lambda::Function'))).toEqual([]);
  });
});

describe('the documents bucket', () => {
  let prod: Synthesized;
  beforeAll(() => {
    prod = synthesize({ stage: 'prod', context: { baseUrl: 'https://fonds.example.org' } });
  });

  it('is private, encrypted, TLS only, versioned and owned by the account', () => {
    synth.stateful.resourceCountIs('AWS::S3::Bucket', 1);
    synth.stateful.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    synth.stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('is retained when the stack is deleted or it is replaced', () => {
    synth.stateful.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it("lets only the site's origin post and get, with the public base URL's origin when there is one", () => {
    const cors = (template: Template) => Object.values(template.findResources('AWS::S3::Bucket'))[0]?.Properties.CorsConfiguration.CorsRules;
    expect(cors(prod.stateful)).toEqual([
      {
        AllowedOrigins: ['https://fonds.example.org'],
        AllowedMethods: ['POST', 'GET'],
        AllowedHeaders: ['Content-Type'],
        ExposedHeaders: ['ETag', 'Location'],
        MaxAge: 3000,
      },
    ]);
    // Without a custom domain the site is the API's own URL, in the stage's region.
    expect(cors(synth.stateful)[0].AllowedOrigins).toEqual([{ 'Fn::Join': ['', ['https://*.execute-api.', { Ref: 'AWS::Region' }, '.amazonaws.com']] }]);
  });

  it('aborts unfinished uploads after a day and expires replaced versions after the stage setting', () => {
    const rules = (template: Template) => Object.values(template.findResources('AWS::S3::Bucket'))[0]?.Properties.LifecycleConfiguration.Rules;
    expect(rules(synth.stateful)).toEqual([
      { Id: 'abort-unfinished-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
      { Id: 'expire-old-versions', NoncurrentVersionExpiration: { NoncurrentDays: 7 }, ExpiredObjectDeleteMarker: true, Status: 'Enabled' },
    ]);
    expect(rules(prod.stateful)[1].NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 30 });
  });

  it('is scanned by GuardDuty Malware Protection, which tags objects, in prod only', () => {
    synth.stateful.resourceCountIs('AWS::GuardDuty::MalwareProtectionPlan', 0);
    prod.stateful.resourceCountIs('AWS::GuardDuty::MalwareProtectionPlan', 1);
    prod.stateful.hasResourceProperties('AWS::GuardDuty::MalwareProtectionPlan', {
      ProtectedResource: { S3Bucket: { BucketName: { Ref: Match.stringLikeRegexp('^Documents') }, ObjectPrefixes: ['applications/'] } },
      Actions: { Tagging: { Status: 'ENABLED' } },
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MalwareScanRole'), 'Arn'] },
    });
    prod.stateful.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'malware-protection-plan.guardduty.amazonaws.com' } })] },
    });
    const sids = Object.values(prod.stateful.findResources('AWS::IAM::Policy')).flatMap((p) =>
      p.Properties.PolicyDocument.Statement.map((s: { Sid?: string }) => s.Sid),
    );
    expect(sids).toEqual(
      expect.arrayContaining([
        'AllowManagedRuleToSendS3EventsToGuardDuty',
        'AllowGuardDutyToMonitorEventBridgeManagedRule',
        'AllowPostScanTag',
        'AllowEnableS3EventBridgeEvents',
        'AllowPutValidationObject',
        'AllowCheckBucketOwnership',
        'AllowMalwareScan',
      ]),
    );
  });
});
