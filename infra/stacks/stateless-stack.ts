import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { EmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { ENV } from '../../shared/config/env.ts';
import { senderDomain, type StageConfig } from '../config.ts';
import { Api } from '../constructs/api.ts';
import type { FunctionDefaults } from '../constructs/app-function.ts';
import { Workflow } from '../constructs/workflow.ts';

export interface StatelessStackProps extends StackProps {
  readonly config: StageConfig;
  /** The one table (stateful stack). */
  readonly table: ITable;
  /** The HMAC key of links and tracking tokens (stateful stack). */
  readonly signingSecret: ISecret;
}

/**
 * Everything that can be replaced by a redeployment: the functions, the REST API and the state
 * machine. Build order avoids dependency cycles: API (its id only) → workflow functions, whose links
 * use the API's URL → state machine → API functions and routes, which start and resume it.
 */
export class StatelessStack extends Stack {
  readonly api: Api;
  readonly workflow: Workflow;
  /** ARN of the SES identity the mailers may send as (the sender's domain). */
  readonly senderIdentityArn: string;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.senderIdentityArn = this.formatArn({ service: 'ses', resource: 'identity', resourceName: senderDomain(config) });
    // The imported identity brings the `grantSendEmail` construct method, scoped to that ARN.
    const sender = EmailIdentity.fromEmailIdentityArn(this, 'Sender', this.senderIdentityArn);
    const resources = { table: props.table, signingSecret: props.signingSecret, sender };

    const defaults: FunctionDefaults = {
      environment: {
        [ENV.tableName]: props.table.tableName,
        [ENV.senderEmail]: config.senderEmail,
        [ENV.adminEmails]: config.adminEmails.join(','),
        [ENV.signingSecretArn]: props.signingSecret.secretArn,
        [ENV.linkTtlSeconds]: String(config.linkTtlSeconds),
      },
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
    this.api.addRoutes({ resources, stateMachine: this.workflow.stateMachine });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the REST API, no trailing slash' });
    new CfnOutput(this, 'TableName', { value: props.table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
  }
}
