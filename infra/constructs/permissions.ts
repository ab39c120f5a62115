import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { AppFunction } from './app-function.ts';

/** The shared resources a function may be granted. */
export interface SharedResources {
  readonly table: ITable;
  readonly signingSecret: ISecret;
  /** The sender's domain identity: mailers may send as any address of it, nothing else. */
  readonly sender: IEmailIdentity;
}

/** What one function needs, declared next to its name so the grants read as a table. */
export interface FunctionNeeds {
  readonly table?: 'read' | 'readWrite';
  /** Sends email through SES as the sender's domain. */
  readonly sendsEmail?: boolean;
  /** Signs or verifies links and tracking tokens (reads the signing secret). */
  readonly signs?: boolean;
}

/** Grants exactly `needs`, with the resources' own grant methods. */
export function grantNeeds(fn: AppFunction, needs: FunctionNeeds, resources: SharedResources): void {
  if (needs.table) {
    if (needs.table === 'readWrite') resources.table.grantReadWriteData(fn);
    else resources.table.grantReadData(fn);
    Validations.of(fn.serviceRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArnOf(resources.table, fn)}/index/*]`,
      reason: 'The grant covers the indexes of this one table (gsi1 listings); no other table.',
    });
  }
  if (needs.sendsEmail) resources.sender.grantSendEmail(fn);
  if (needs.signs) resources.signingSecret.grantRead(fn);
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
