import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../shared/adapters/table-keys.ts';

const string = (name: string) => ({ name, type: AttributeType.STRING });

/**
 * What must outlive any deployment: the table, and the signing key (every tracking link already
 * emailed to applicants is derived from it, so a new secret would break them all; a rotation adds a
 * version to it instead, `npm run admin -- links rotate-key`). Both are retained when the stack is
 * deleted.
 */
export class StatefulStack extends Stack {
  readonly table: Table;
  readonly signingSecret: Secret;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new Table(this, 'Table', {
      partitionKey: string(TABLE_SCHEMA.partitionKey),
      sortKey: string(TABLE_SCHEMA.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The table's one GSI: listings by call and status, tasks of an application.
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_SCHEMA.gsi1.indexName,
      partitionKey: string(TABLE_SCHEMA.gsi1.partitionKey),
      sortKey: string(TABLE_SCHEMA.gsi1.sortKey),
      projectionType: ProjectionType.ALL,
    });

    this.signingSecret = new Secret(this, 'SigningSecret', {
      description: 'coopfund: HMAC key of decision links and tracking tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.signingSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'An HMAC key ring, not a credential: a rotation Lambda would replace it and void every link already emailed. `npm run admin -- links rotate-key` rotates it by adding a version (links already sent keep working); `links revoke-key` if one leaks.',
    });
  }
}
