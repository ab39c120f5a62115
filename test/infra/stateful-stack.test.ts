import { Match } from 'aws-cdk-lib/assertions';
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
    for (const type of ['AWS::DynamoDB::Table', 'AWS::SecretsManager::Secret']) {
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
