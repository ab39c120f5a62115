import { Aws, type CfnElement, Duration, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { CfnMalwareProtectionPlan } from 'aws-cdk-lib/aws-guardduty';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../shared/adapters/table-keys.ts';
import type { StageConfig } from '../config.ts';

/** Every document is stored under this prefix (`applications/{id}/{documentId}`); grants and scans stop there. */
export const DOCUMENTS_PREFIX = 'applications/';

/** The documents' bucket, imported by ARN and name (`Bucket.fromBucketAttributes`). */
export interface DocumentsExport {
  readonly bucketArn: string;
  readonly bucketName: string;
  /** The export the ARN comes from: grants on the bucket's objects read `<arnExportName>/applications/*`. */
  readonly arnExportName: string;
}

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

const string = (name: string) => ({ name, type: AttributeType.STRING });

/**
 * What must outlive any deployment: the table, the signing key (every tracking link already
 * emailed to applicants is derived from it, so a new secret would break them all; a rotation adds a
 * version to it instead, `npm run admin -- links rotate-key`) and the applications' documents. All
 * are retained when the stack is deleted.
 */
export class StatefulStack extends Stack {
  readonly table: Table;
  readonly signingSecret: Secret;
  /** The documents applicants upload (presigned POST), under `applications/`. */
  readonly documents: Bucket;
  /**
   * The bucket as the stateless stack imports it, through exports of fixed names: the functions'
   * grants then name it the same way in every synthesis (their cdk-nag acknowledgement quotes it).
   */
  readonly documentsExport: DocumentsExport;
  /** GuardDuty Malware Protection for S3 on the bucket, where the stage's `malwareScan` is on. */
  readonly malwareProtection?: CfnMalwareProtectionPlan;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

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

    this.documents = this.documentsBucket(config);
    if (config.malwareScan) this.malwareProtection = this.malwareScan(this.documents);
    const arnExportName = `${this.stackName}-DocumentsBucketArn`;
    this.documentsExport = {
      bucketArn: this.exportValue(this.documents.bucketArn, { name: arnExportName }),
      bucketName: this.exportValue(this.documents.bucketName, { name: `${this.stackName}-DocumentsBucketName` }),
      arnExportName,
    };
  }

  /**
   * Private, encrypted, TLS only, versioned, retained. Browsers post to it straight from the site
   * (presigned POST), so its CORS rule names the site's origin, with POST and GET only. Lifecycle:
   * an upload that never finished is aborted after a day; a replaced or deleted version expires
   * after `documentVersionDays`, and the delete marker it leaves then goes too.
   */
  private documentsBucket(config: StageConfig): Bucket {
    const bucket = new Bucket(this, 'Documents', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      cors: [
        {
          allowedOrigins: [siteOrigin(config)],
          allowedMethods: [HttpMethods.POST, HttpMethods.GET],
          // A form's multipart body is a simple request: no other header is ever sent.
          allowedHeaders: ['Content-Type'],
          exposedHeaders: ['ETag', 'Location'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        { id: 'abort-unfinished-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(config.documentVersionDays), expiredObjectDeleteMarker: true },
      ],
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No server access logs: every upload and download goes through a URL a function presigned for one exact key and a few minutes, and the function logs each one it signs; a log bucket would hold applicants’ object keys for no use.',
    });
    return bucket;
  }

  /**
   * GuardDuty Malware Protection for S3: every new object under `applications/` is scanned and
   * tagged `GuardDutyMalwareScanStatus`. The role is the one GuardDuty's documentation asks for:
   * its managed EventBridge rule, the bucket's notifications, reading the objects to scan, tagging
   * them, and its validation object.
   */
  private malwareScan(bucket: Bucket): CfnMalwareProtectionPlan {
    const service = 'malware-protection-plan.guardduty.amazonaws.com';
    const role = new Role(this, 'MalwareScanRole', {
      assumedBy: new ServicePrincipal(service),
      description: 'coopfund: GuardDuty Malware Protection scans and tags the documents',
    });
    const managedRule = this.formatArn({ service: 'events', resource: 'rule', resourceName: 'DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*' });
    const objects = bucket.arnForObjects(`${DOCUMENTS_PREFIX}*`);
    const statements = [
      new PolicyStatement({
        sid: 'AllowManagedRuleToSendS3EventsToGuardDuty',
        actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
        resources: [managedRule],
        conditions: { StringLike: { 'events:ManagedBy': service } },
      }),
      new PolicyStatement({
        sid: 'AllowGuardDutyToMonitorEventBridgeManagedRule',
        actions: ['events:DescribeRule', 'events:ListTargetsByRule'],
        resources: [managedRule],
      }),
      new PolicyStatement({
        sid: 'AllowPostScanTag',
        actions: ['s3:PutObjectTagging', 's3:GetObjectTagging', 's3:PutObjectVersionTagging', 's3:GetObjectVersionTagging'],
        resources: [objects],
      }),
      new PolicyStatement({
        sid: 'AllowEnableS3EventBridgeEvents',
        actions: ['s3:PutBucketNotification', 's3:GetBucketNotification'],
        resources: [bucket.bucketArn],
      }),
      new PolicyStatement({
        sid: 'AllowPutValidationObject',
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('malware-protection-resource-validation-object')],
      }),
      new PolicyStatement({ sid: 'AllowCheckBucketOwnership', actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
      new PolicyStatement({ sid: 'AllowMalwareScan', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [objects] }),
    ];
    for (const statement of statements) role.addToPolicy(statement);
    const bucketId = this.getLogicalId(bucket.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*]',
        reason:
          'GuardDuty names its managed EventBridge rule itself (DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3…); the policy is the one its documentation requires.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${DOCUMENTS_PREFIX}*]`,
        reason: 'GuardDuty reads and tags every object under applications/, which is what it scans.',
      },
    );
    const plan = new CfnMalwareProtectionPlan(this, 'MalwareProtectionPlan', {
      role: role.roleArn,
      protectedResource: { s3Bucket: { bucketName: bucket.bucketName, objectPrefixes: [DOCUMENTS_PREFIX] } },
      actions: { tagging: { status: 'ENABLED' } },
    });
    // GuardDuty checks the role's permissions when the plan is created.
    plan.node.addDependency(role);
    return plan;
  }
}

/**
 * The origin browsers post documents from: the public base URL's, else the REST API's own
 * (`https://{api}.execute-api.{region}.amazonaws.com`, in this stage's region). The API lives in
 * the stateless stack, which depends on this one: its id cannot be named here, hence the pattern.
 */
export function siteOrigin(config: StageConfig): string {
  return config.baseUrl ? new URL(config.baseUrl).origin : Fn.join('', ['https://*.execute-api.', Aws.REGION, '.amazonaws.com']);
}
