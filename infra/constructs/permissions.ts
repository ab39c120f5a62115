import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { ENV } from '../../shared/config/env.ts';
import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { AppFunction } from './app-function.ts';

/** The shared resources a function may be granted. */
export interface SharedResources {
  readonly table: ITable;
  readonly signingSecret: ISecret;
  /** The sender's domain identity: mailers may send as any address of it, nothing else. */
  readonly sender: IEmailIdentity;
  /**
   * The workflow, for functions whose declaration starts or resumes it. Absent while the workflow's
   * own functions are built (the state machine needs them first): none of them may declare it.
   */
  readonly stateMachine?: IStateMachine;
}

/**
 * Grants what `fn`'s declaration implies, with the resources' own grant methods: the table (read
 * or read-write) for the repository port, sending as the sender's domain for the mailer, reading
 * the signing key for the signer, starting or resuming the state machine for the workflow port
 * (whose ARN it then gets as a variable).
 */
export function grantDeclared(fn: AppFunction, resources: SharedResources): void {
  const { ports, table, workflow } = fn.declaration;
  const name = fn.entryPath;
  if (ports.includes('repository')) {
    if (!table) throw new Error(`${name}: a repository port needs \`table: 'read' | 'readWrite'\` in its declaration`);
    if (table === 'readWrite') resources.table.grantReadWriteData(fn);
    else resources.table.grantReadData(fn);
    Validations.of(fn.serviceRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArnOf(resources.table, fn)}/index/*]`,
      reason: 'The grant covers the indexes of this one table (gsi1 listings); no other table.',
    });
  }
  if (ports.includes('mailer')) resources.sender.grantSendEmail(fn);
  if (ports.includes('signer')) resources.signingSecret.grantRead(fn);
  if (ports.includes('workflow')) {
    const { stateMachine } = resources;
    if (!workflow) throw new Error(`${name}: a workflow port needs \`workflow: 'start' | 'respond'\` in its declaration`);
    if (!stateMachine) throw new Error(`${name} uses the state machine, which does not exist yet where it is built`);
    if (workflow === 'start') {
      stateMachine.grantStartExecution(fn);
      fn.addEnvironment(ENV.stateMachineArn, stateMachine.stateMachineArn);
    } else {
      stateMachine.grantTaskResponse(fn);
    }
  }
}

/** The table's ARN as cdk-nag prints it from `fn`'s stack: an import, or `<LogicalId.Arn>`. */
function nagArnOf(table: ITable, fn: AppFunction): string {
  const tableStack = Stack.of(table);
  if (tableStack !== Stack.of(fn)) {
    // exportValue creates (or reuses) the very export the automatic cross-stack reference uses.
    const imported = Stack.of(fn).resolve(tableStack.exportValue(table.tableArn)) as { 'Fn::ImportValue': string };
    return imported['Fn::ImportValue'];
  }
  return `<${tableStack.getLogicalId(table.node.defaultChild as CfnElement)}.Arn>`;
}
