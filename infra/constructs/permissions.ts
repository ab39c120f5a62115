import { Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { TABLE_SCHEMA } from '../../shared/adapters/table-keys.ts';
import type { TableAction } from '../../shared/catalogue/functions.ts';
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
   * The documents' bucket, whether GuardDuty tags its objects with a scan verdict (`malwareScan`),
   * and the export its ARN is imported from (what cdk-nag quotes of a grant on its objects).
   */
  readonly documents: { readonly bucket: IBucket; readonly scanned: boolean; readonly arnExportName: string };
  /**
   * The workflow, for functions whose declaration starts or resumes it. Absent while the workflow's
   * own functions are built (the state machine needs them first): none of them may declare it.
   */
  readonly stateMachine?: IStateMachine;
}

/**
 * Grants what `fn`'s declaration implies, with the resources' own grant methods: the DynamoDB
 * actions its row lists for the repository port (see `grantTable`), sending as the sender's domain
 * for the mailer, reading the signing key for the signer, starting or resuming the state machine for
 * the workflow port (whose ARN it then gets as a variable), the bucket's objects under
 * `applications/` for the documents port as its row says (see `grantDocuments`; the bucket's name
 * and whether it is scanned become its variables).
 */
export function grantDeclared(fn: AppFunction, resources: SharedResources): void {
  const { ports, table, workflow, documents } = fn.declaration;
  const name = fn.entryPath;
  if (ports.includes('repository')) {
    if (!table || table.length === 0) throw new Error(`${name}: a repository port needs \`table: [...DynamoDB actions]\` in its declaration`);
    grantTable(fn, resources.table, table);
  }
  if (ports.includes('mailer')) resources.sender.grantSendEmail(fn);
  if (ports.includes('signer')) resources.signingSecret.grantRead(fn);
  if (ports.includes('documents')) {
    if (!documents) throw new Error(`${name}: a documents port needs \`documents: 'read' | 'write' | 'remove'\` in its declaration`);
    grantDocuments(fn, resources.documents, documents);
  }
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

/**
 * Exactly the listed actions, on the resources they apply to: item actions on the table, Query on
 * the table and on its one index by name (listings by call and status, tasks of an application).
 * Neither `dynamodb:*` nor `index/*`; Scan, the batch actions and DescribeTable are never granted,
 * which `grantReadData` and `grantReadWriteData` would.
 */
function grantTable(fn: AppFunction, table: ITable, actions: readonly TableAction[]): void {
  const items = actions.filter((a) => a !== 'Query');
  if (items.length > 0) Grant.addToPrincipal({ grantee: fn, actions: items.map((a) => `dynamodb:${a}`), resourceArns: [table.tableArn] });
  if (actions.includes('Query')) {
    Grant.addToPrincipal({
      grantee: fn,
      actions: ['dynamodb:Query'],
      resourceArns: [table.tableArn, `${table.tableArn}/index/${TABLE_SCHEMA.gsi1.indexName}`],
    });
  }
}

/** Where documents live in the bucket: nothing else of it is granted. */
export const DOCUMENTS_KEY_PATTERN = 'applications/*';

/**
 * The S3 actions the document store sends (shared/adapters/s3-document-store.ts), on
 * `applications/*` only. `read`: GetObject, which a presigned download link carries. `write`
 * adds PutObject (a presigned POST is signed with the function's own role), GetObjectTagging where
 * GuardDuty tags the objects, DeleteObject and DeleteObjectVersion, and ListBucketVersions on the
 * bucket, limited to the prefix by condition: every version of a document is deleted with it.
 * `remove`: those deletions only (DeleteObject, DeleteObjectVersion, ListBucketVersions).
 */
function grantDocuments(fn: AppFunction, store: SharedResources['documents'], access: 'read' | 'write' | 'remove'): void {
  const objects = store.bucket.arnForObjects(DOCUMENTS_KEY_PATTERN);
  const deletions = ['s3:DeleteObject', 's3:DeleteObjectVersion'];
  const objectActions =
    access === 'read'
      ? ['s3:GetObject']
      : access === 'remove'
        ? deletions
        : ['s3:GetObject', 's3:PutObject', ...deletions, ...(store.scanned ? ['s3:GetObjectTagging'] : [])];
  Grant.addToPrincipal({ grantee: fn, actions: objectActions, resourceArns: [objects] });
  if (access !== 'read') {
    fn.role?.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucketVersions'],
        resources: [store.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': DOCUMENTS_KEY_PATTERN } },
      }),
    );
  }
  fn.addEnvironment(ENV.documentsBucket, store.bucket.bucketName);
  fn.addEnvironment(ENV.documentsScanned, String(store.scanned));
  Validations.of(fn.serviceRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${store.arnExportName}/${DOCUMENTS_KEY_PATTERN}]`,
    reason: `Documents are objects under ${DOCUMENTS_KEY_PATTERN} of the documents bucket, one key per document: the grant names that prefix, the only place a document is stored (${access}).`,
  });
}
