import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { EmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { ENV } from '../../shared/config/env.ts';
import { metricsNamespace } from '../../shared/config/metrics.ts';
import { senderDomain, type StageConfig } from '../config.ts';
import type { DocumentsExport } from './stateful-stack.ts';
import { Api } from '../constructs/api.ts';
import { Observability } from '../constructs/observability.ts';
import type { FunctionDefaults } from '../constructs/app-function.ts';
import { ScanEvents } from '../constructs/scan-events.ts';
import { Schedules } from '../constructs/schedules.ts';
import { Workflow } from '../constructs/workflow.ts';

export interface StatelessStackProps extends StackProps {
  readonly config: StageConfig;
  /** The one table (stateful stack). */
  readonly table: ITable;
  /** The HMAC key of links and tracking tokens (stateful stack). */
  readonly signingSecret: ISecret;
  /** The documents' bucket (stateful stack), by its exports. */
  readonly documents: DocumentsExport;
}

/**
 * Everything that can be replaced by a redeployment: the functions, the REST API and the state
 * machine. Build order avoids dependency cycles: API (its id only) → workflow functions, whose links
 * use the API's URL → state machine → API functions and routes, which start and resume it.
 */
export class StatelessStack extends Stack {
  readonly api: Api;
  readonly workflow: Workflow;
  /** The scheduled sweeps (deadline reminders), each run by an EventBridge rule. */
  readonly schedules: Schedules;
  /** The functions an AWS service's event invokes (GuardDuty's scan results, where the stage scans). */
  readonly scanEvents: ScanEvents;
  readonly observability: Observability;
  /** ARN of the SES identity the mailers may send as (the sender's domain). */
  readonly senderIdentityArn: string;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.senderIdentityArn = this.formatArn({ service: 'ses', resource: 'identity', resourceName: senderDomain(config) });
    // The imported identity brings the `grantSendEmail` construct method, scoped to that ARN.
    const sender = EmailIdentity.fromEmailIdentityArn(this, 'Sender', this.senderIdentityArn);
    const bucket = Bucket.fromBucketAttributes(this, 'Documents', { bucketArn: props.documents.bucketArn, bucketName: props.documents.bucketName });
    const documents = { bucket, scanned: config.malwareScan, arnExportName: props.documents.arnExportName };
    const resources = { table: props.table, signingSecret: props.signingSecret, sender, documents };

    const defaults: FunctionDefaults = {
      environment: {
        [ENV.tableName]: props.table.tableName,
        [ENV.senderEmail]: config.senderEmail,
        [ENV.adminEmails]: config.adminEmails.join(','),
        [ENV.signingSecretArn]: props.signingSecret.secretArn,
        [ENV.linkTtlSeconds]: String(config.linkTtlSeconds),
        [ENV.signingKeyGraceSeconds]: String(config.signingKeyGraceSeconds),
      },
      metricsNamespace: metricsNamespace(config.stage),
      logRetention: config.logRetention,
      logRemovalPolicy: config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    };

    this.api = new Api(this, 'Api', { config, defaults });
    this.workflow = new Workflow(this, 'Workflow', {
      config,
      defaults,
      resources,
      baseUrl: config.baseUrl ?? this.api.url,
    });
    const apiFunctions = this.api.addRoutes({ resources: { ...resources, stateMachine: this.workflow.stateMachine } });
    this.schedules = new Schedules(this, 'Schedules', { defaults, resources, baseUrl: config.baseUrl ?? this.api.url });
    this.scanEvents = new ScanEvents(this, 'ScanEvents', { defaults, resources });
    this.observability = new Observability(this, 'Observability', {
      config,
      table: props.table,
      stateMachine: this.workflow.stateMachine,
      apiStage: this.api.restApi.deploymentStage,
      apiFunctions,
      workflowFunctions: this.workflow.functions,
      scheduledFunctions: this.schedules.functions,
      eventFunctions: this.scanEvents.functions,
    });

    // The admin CLI (`npm run admin -- … --stage <name>`) reads these: keep their ids stable.
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('ApiUrl', this.api.url, 'Base URL of the REST API, no trailing slash');
    output('BaseUrl', config.baseUrl ?? this.api.url, 'Public base URL of every emailed link, no trailing slash');
    output('TableName', props.table.tableName, 'The one DynamoDB table');
    output('DocumentsBucket', props.documents.bucketName, 'The documents applicants upload (S3), under applications/{id}/');
    output('StateMachineArn', this.workflow.stateMachine.stateMachineArn, 'The application workflow');
    output('AlarmTopicArn', this.observability.alarmTopic.topicArn, 'SNS topic of the alarms (email subscriptions of the admins)');
    output('DashboardName', this.observability.dashboard.dashboardName, 'CloudWatch dashboard');
    output('SigningSecretArn', props.signingSecret.secretArn, 'HMAC key of links and tracking tokens (Secrets Manager)');
    output('SenderEmail', config.senderEmail, 'From address of every email');
    output('AdminEmails', config.adminEmails.join(','), 'Admins: escalations, workflow failures, alarms');
    output('PersonalDataRetentionDays', String(config.personalDataRetentionDays), 'Default of `admin purge`: days personal data is kept after closing');
  }
}
