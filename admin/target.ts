import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoRepository } from '../shared/adapters/dynamodb-repository.ts';
import { sesMailer } from '../shared/adapters/ses-mailer.ts';
import { sfnWorkflow } from '../shared/adapters/sfn-workflow.ts';
import { parseKeyRing } from '../shared/links/key-ring.ts';
import { hmacSigner } from '../shared/links/signing.ts';
import type { Mailer, Workflow } from '../shared/ports/index.ts';
import { isRunning, readDiscovery, discoveryFile } from '../local/discovery.ts';
import type { AdminDocumentStore, AdminPorts, SigningSecretStore } from './use-cases/context.ts';

/**
 * Where the admin CLI acts: the local stack (found through DATA_DIR, as `npm start` records it)
 * or a deployed stage (its CloudFormation outputs, with the usual AWS profile and region).
 */

/** A mistake in how the CLI was called (exit code 2), as opposed to a failure while acting (1). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface TargetOptions {
  /** A deployed stage (`dev`, `prod`); unset → the local stack. */
  stage?: string;
  profile?: string;
  region?: string;
  /** Overrides of the stack outputs (or replacements, when they cannot be read). */
  table?: string;
  stateMachine?: string;
  baseUrl?: string;
  sender?: string;
  signingSecretArn?: string;
  documentsBucket?: string;
  /** The local stack's data folder. */
  dataDir: string;
}

/** What a command may use; every piece is resolved when it is first needed. */
export interface Target {
  /** For messages: which stack the CLI acts on. */
  label: string;
  tableName: string;
  /** Days of `purge` when no date is given (the stage's `personalDataRetentionDays`). */
  personalDataRetentionDays?: number;
  ports: AdminPorts;
  /** The signing key's secret (Secrets Manager, on a stage or on the local stack's endpoint). */
  signingSecret: SigningSecretStore;
  /**
   * Checks, before a command writes anything, that the target provides what it will need (the
   * signing key is fetched): a missing piece fails first, not halfway through.
   */
  prepare(needs: ReadonlyArray<'signer' | 'mailer' | 'workflow' | 'baseUrl' | 'documents'>): Promise<void>;
  close(): void;
}

/** The stateless stack's outputs the CLI reads (ids from infra/stacks/stateless-stack.ts). */
export interface StackOutputs {
  TableName?: string;
  DocumentsBucket?: string;
  StateMachineArn?: string;
  BaseUrl?: string;
  ApiUrl?: string;
  SenderEmail?: string;
  SigningSecretArn?: string;
  PersonalDataRetentionDays?: string;
}

/** The signing key's secret as the CLI reads and rotates it; its value is a plain key or a key ring. */
/** Reads a stack's outputs; replaced in tests. */
export type DescribeStack = (stackName: string, client: { region?: string; profile?: string }) => Promise<Record<string, string>>;

const CLOUDFORMATION = '@aws-sdk/client-cloudformation';

/**
 * DescribeStacks through @aws-sdk/client-cloudformation, loaded only when a stage is targeted
 * (and not a dependency of the project yet: without it, the flags replace the outputs).
 */
export const describeStackWithSdk: DescribeStack = async (stackName, config) => {
  let sdk: {
    CloudFormationClient: new (c: object) => { send(c: unknown): Promise<unknown>; destroy(): void };
    DescribeStacksCommand: new (i: object) => unknown;
  };
  try {
    sdk = (await import(CLOUDFORMATION)) as typeof sdk;
  } catch {
    throw new UsageError(
      `reading the outputs of ${stackName} needs ${CLOUDFORMATION}, which is not installed: pass --table (and --state-machine, --base-url, --sender, --signing-secret-arn as the command needs them)`,
    );
  }
  const client = new sdk.CloudFormationClient(config);
  try {
    const out = (await client.send(new sdk.DescribeStacksCommand({ StackName: stackName }))) as {
      Stacks?: Array<{ Outputs?: Array<{ OutputKey?: string; OutputValue?: string }> }>;
    };
    return Object.fromEntries((out.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } finally {
    client.destroy();
  }
};

/** A port that can only be built when the target provides what it needs: the error says what. */
function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '') throw new UsageError(what);
  return value;
}

interface Wiring {
  label: string;
  tableName: string;
  stateMachineArn?: string;
  baseUrl?: string;
  senderEmail?: string;
  personalDataRetentionDays?: number;
  /** The signing secret's ARN (its absence fails the commands that need it, with `missing.secret`). */
  secretArn?: string;
  documentsBucket?: string;
  /** Whether the stage may have scanned documents: GuardDuty's tag is then read (never locally). */
  documentsScanned: boolean;
  clientConfig: Record<string, unknown>;
  endpoints: { dynamodb?: string; sfn?: string; ses?: string; secretsManager?: string; s3?: string };
  missing: { stateMachine: string; baseUrl: string; sender: string; secret: string; documents: string };
}

/**
 * The documents' store, its S3 client loaded on first use (most commands never touch the bucket):
 * every call waits for it.
 */
function lazyDocuments(load: () => Promise<AdminDocumentStore>): AdminDocumentStore {
  let store: Promise<AdminDocumentStore> | undefined;
  const get = () => (store ??= load());
  return {
    presignUpload: async (input) => (await get()).presignUpload(input),
    inspect: async (key, bytes) => (await get()).inspect(key, bytes),
    presignDownload: async (key, filename, seconds) => (await get()).presignDownload(key, filename, seconds),
    remove: async (key) => (await get()).remove(key),
    removeAll: async (prefix) => (await get()).removeAll(prefix),
    download: async (key) => (await get()).download(key),
  };
}

function wire(w: Wiring): Target {
  const made: Array<{ destroy(): void }> = [];
  const client = <C extends { destroy(): void }>(c: C) => {
    made.push(c);
    return c;
  };
  const config = (endpoint: string | undefined) => ({ ...w.clientConfig, ...(endpoint ? { endpoint } : {}) });
  const dynamo = client(new DynamoDBClient({ ...config(w.endpoints.dynamodb), maxAttempts: 3 }));
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  let mailer: Mailer | undefined;
  let workflow: Workflow | undefined;
  let documents: AdminDocumentStore | undefined;
  const signingSecret: SigningSecretStore = {
    label: w.secretArn ?? 'no signing secret',
    read: async () => readSecret(required(w.secretArn, w.missing.secret), config(w.endpoints.secretsManager)),
    write: async (value) => writeSecret(required(w.secretArn, w.missing.secret), value, config(w.endpoints.secretsManager)),
  };
  let secret: Promise<string> | undefined;
  const readOnce = () =>
    (secret ??= signingSecret.read().catch((error: unknown) => {
      secret = undefined;
      throw error;
    }));
  const ports: AdminPorts = {
    repository: dynamoRepository(doc, w.tableName),
    clock: { now: () => new Date() },
    // The CLI signs links (tasks resend) and never verifies one: no grace period to apply.
    signer: hmacSigner(readOnce),
    get mailer() {
      const sender = required(w.senderEmail, w.missing.sender);
      mailer ??= sesMailer(client(new SESClient(config(w.endpoints.ses))), sender);
      return mailer;
    },
    get workflow() {
      const arn = required(w.stateMachineArn, w.missing.stateMachine);
      workflow ??= sfnWorkflow(client(new SFNClient(config(w.endpoints.sfn))), arn);
      return workflow;
    },
    get config() {
      return { baseUrl: required(w.baseUrl, w.missing.baseUrl).replace(/\/+$/, '') };
    },
    get documents() {
      const bucket = required(w.documentsBucket, w.missing.documents);
      documents ??= lazyDocuments(async () => {
        const { adminS3Client, s3AdminDocuments } = await import('./s3-documents.ts');
        return s3AdminDocuments(client(adminS3Client(w.clientConfig, w.endpoints.s3)), bucket, { scanned: w.documentsScanned });
      });
      return documents;
    },
  };
  return {
    label: w.label,
    tableName: w.tableName,
    ...(w.personalDataRetentionDays !== undefined ? { personalDataRetentionDays: w.personalDataRetentionDays } : {}),
    ports,
    signingSecret,
    async prepare(needs) {
      for (const need of needs) {
        if (need === 'signer') parseKeyRing(await readOnce());
        else if (need === 'baseUrl') void ports.config;
        else void ports[need];
      }
    },
    close: () => {
      for (const c of made.splice(0)) c.destroy();
    },
  };
}

/** The signing secret's value, from Secrets Manager (the client is loaded only by commands that need it). */
async function readSecret(arn: string, clientConfig: Record<string, unknown>): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(clientConfig);
  try {
    return (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? '';
  } finally {
    client.destroy();
  }
}

/** A new value of the signing secret (Secrets Manager keeps the previous one as AWSPREVIOUS). */
async function writeSecret(arn: string, value: string, clientConfig: Record<string, unknown>): Promise<void> {
  const { SecretsManagerClient, PutSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(clientConfig);
  try {
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: value }));
  } finally {
    client.destroy();
  }
}

/** The local sender when the stack does not record one (the `local` stage's default). */
const LOCAL_SENDER = 'no-reply@coopfund.localhost';

export async function resolveTarget(options: TargetOptions, describeStack: DescribeStack = describeStackWithSdk): Promise<Target> {
  return options.stage ? deployedTarget(options, options.stage, describeStack) : localTarget(options);
}

async function localTarget(options: TargetOptions): Promise<Target> {
  const dataDir = resolve(options.dataDir);
  const file = discoveryFile(dataDir);
  const info = await readDiscovery(dataDir);
  if (!info) {
    throw new UsageError(`no local stack found (${file} is missing): start one with \`npm start\` (same DATA_DIR), or target a deployed stage with --stage`);
  }
  if (!isRunning(info.pid)) {
    throw new UsageError(`the local stack recorded in ${file} (pid ${info.pid}) is not running: start it again with \`npm start\``);
  }
  const restart = 'the local stack records no Secrets Manager endpoint (it was started by an older version): restart it with `npm start`';
  return wire({
    label: `local stack in ${dataDir}`,
    tableName: options.table ?? info.tableName,
    stateMachineArn: options.stateMachine ?? info.stateMachineArn,
    baseUrl: options.baseUrl ?? info.apiUrl,
    senderEmail: options.sender ?? info.senderEmail ?? LOCAL_SENDER,
    ...optional('secretArn', info.secretsManagerEndpoint ? info.signingSecretArn : undefined),
    ...optional('documentsBucket', options.documentsBucket ?? (info.s3Endpoint ? info.documentsBucket : undefined)),
    documentsScanned: false,
    clientConfig: { region: info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
    endpoints: {
      dynamodb: info.dynamodbEndpoint,
      sfn: info.sfnEndpoint,
      ses: info.mailboxUrl.replace(/\/+$/, ''),
      ...(info.secretsManagerEndpoint ? { secretsManager: info.secretsManagerEndpoint } : {}),
      ...(info.s3Endpoint ? { s3: info.s3Endpoint } : {}),
    },
    missing: {
      stateMachine: 'the local stack records no state machine',
      baseUrl: 'the local stack records no API URL',
      sender: 'no sender',
      secret: restart,
      documents: 'the local stack records no S3 endpoint for the documents (it was started by an older version): restart it with `npm start`',
    },
  });
}

async function deployedTarget(options: TargetOptions, stage: string, describeStack: DescribeStack): Promise<Target> {
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(stage)) throw new UsageError(`invalid stage "${stage}"`);
  const clientConfig = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
  const stackName = `coopfund-${stage}-stateless`;
  // Flags given for everything: no need to read the stack (and no need for the CloudFormation client).
  const outputs: StackOutputs = options.table ? {} : ((await describeStack(stackName, clientConfig)) as StackOutputs);
  const tableName = options.table ?? outputs.TableName;
  if (!tableName) throw new UsageError(`stack ${stackName} has no TableName output: is the stage deployed? (or pass --table)`);
  const secretArn = options.signingSecretArn ?? outputs.SigningSecretArn;
  const retention = Number(outputs.PersonalDataRetentionDays);
  const flag = (name: string) => `pass --${name} (the outputs of ${stackName} were not read${options.table ? ' because --table was given' : ''})`;
  return wire({
    label: `stage ${stage} (${stackName}${options.region ? `, ${options.region}` : ''})`,
    tableName,
    ...optional('stateMachineArn', options.stateMachine ?? outputs.StateMachineArn),
    ...optional('baseUrl', options.baseUrl ?? outputs.BaseUrl ?? outputs.ApiUrl),
    ...optional('senderEmail', options.sender ?? outputs.SenderEmail),
    ...(Number.isInteger(retention) && retention > 0 ? { personalDataRetentionDays: retention } : {}),
    ...optional('secretArn', secretArn),
    ...optional('documentsBucket', options.documentsBucket ?? outputs.DocumentsBucket),
    // A stage's documents may carry GuardDuty's verdict (its `malwareScan`): read it, never assume it.
    documentsScanned: true,
    clientConfig,
    endpoints: {},
    missing: {
      secret: `this command uses the signing key: ${flag('signing-secret-arn')}`,
      stateMachine: `this command starts executions: ${flag('state-machine')}`,
      baseUrl: `this command emails links: ${flag('base-url')}`,
      sender: `this command sends email: ${flag('sender')}`,
      documents: `this command reads or deletes documents: ${flag('documents-bucket')}`,
    },
  });
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
