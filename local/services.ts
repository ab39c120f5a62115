import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The embedded AWS services of the local stack: dynalite as DynamoDB, with its data
 * on disk under the data folder, and aws-ses-v2-local as SES, whose mailbox page lists every email.
 */

const require = createRequire(import.meta.url);

export interface RunningService {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The credentials every local client signs with: the emulators check that a signature is there, not what it is. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Closes a server now: keep-alive sockets of SDK clients would otherwise hold `close()` open. */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

// ---------------------------------------------------------------------------------------------
// DynamoDB

type Dynalite = (options: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

/** dynalite in this process, its LevelDB under `<dataDir>/dynamodb` (kept across restarts). */
export async function startDynamo(options: { dataDir: string; port?: number; host?: string }): Promise<RunningService> {
  const host = options.host ?? '127.0.0.1';
  const path = join(options.dataDir, 'dynamodb');
  // Before dynalite opens its LevelDB: a failed listen would leave it open, and locked.
  if (options.port) await assertPortFree(options.port, host);
  await mkdir(path, { recursive: true });
  const dynalite = require('dynalite') as Dynalite;
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, options.port ?? 0, host);
  return {
    url: `http://${host}:${port}`,
    port,
    // dynalite's close() also closes the LevelDB (its lock must be free before a restart opens it).
    stop: () => closeServer(server),
  };
}

/**
 * Creates the table from the synthesized template's own definition, unless it exists.
 * Keys, attribute definitions and GSIs are kept; what dynalite has no use for is dropped.
 */
export async function ensureTable(endpoint: string, region: string, definition: CreateTableCommandInput): Promise<'created' | 'exists'> {
  const client = new DynamoDBClient({ endpoint, region, credentials: localCredentials });
  try {
    try {
      await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
      return 'exists';
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    await client.send(new CreateTableCommand(forDynalite(definition)));
    // Even with createTableMs: 0 the table is CREATING for a tick, and unknown to reads meanwhile.
    for (let attempt = 0; attempt < 200; attempt++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
      if (Table?.TableStatus === 'ACTIVE') return 'created';
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`table ${definition.TableName} did not become ACTIVE`);
  } finally {
    client.destroy();
  }
}

/** The parts of a CreateTable input that dynalite accepts (no PITR, SSE, tags, deletion protection…). */
export function forDynalite(definition: CreateTableCommandInput): CreateTableCommandInput {
  const { TableName, KeySchema, AttributeDefinitions, GlobalSecondaryIndexes, LocalSecondaryIndexes, BillingMode, ProvisionedThroughput } = definition;
  const onDemand = BillingMode !== 'PROVISIONED';
  const throughput = { ReadCapacityUnits: 1, WriteCapacityUnits: 1 };
  return {
    TableName,
    KeySchema,
    AttributeDefinitions,
    ...(onDemand ? { BillingMode: 'PAY_PER_REQUEST' } : { ProvisionedThroughput: ProvisionedThroughput ?? throughput }),
    ...(GlobalSecondaryIndexes?.length
      ? {
          GlobalSecondaryIndexes: GlobalSecondaryIndexes.map(({ IndexName, KeySchema: keys, Projection, ProvisionedThroughput: t }) => ({
            IndexName,
            KeySchema: keys,
            Projection,
            ...(onDemand ? {} : { ProvisionedThroughput: t ?? throughput }),
          })),
        }
      : {}),
    ...(LocalSecondaryIndexes?.length
      ? { LocalSecondaryIndexes: LocalSecondaryIndexes.map(({ IndexName, KeySchema: keys, Projection }) => ({ IndexName, KeySchema: keys, Projection })) }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// SES and its mailbox

/** An email as the mailbox's `GET /store` lists it. */
export interface MailboxEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  /** Epoch seconds. */
  at: number;
}

interface SesStore {
  getStoreReadonly(): { emails: MailboxEmail[] };
  clearStore(): void;
  saveEmail(email: MailboxEmail): void;
}
type SesServer = (config: { host: string; port: number }) => Promise<Server>;

export interface MailboxOptions {
  port?: number;
  host?: string;
  /** Keeps the mailbox across restarts of the stack (a person keeps their emails too). */
  persistFile?: string;
  /** Called once for every email sent. */
  onEmail?: (email: MailboxEmail) => void;
}

// aws-ses-v2-local keeps its store in a module-level variable: one mailbox per process.
let mailboxInUse = false;
let onSaved: ((email: MailboxEmail) => void) | undefined;
const sending = new AsyncLocalStorage<{ chunks: Buffer[] }>();

/**
 * aws-ses-v2-local (2.10.2) keeps only `member.1` of each address list of a v1 SendEmail: its
 * zod schema strips `Destination.ToAddresses.member.2` and the rest, so the second contact of an
 * application would be missing from the mailbox. The store's `saveEmail` is wrapped once per
 * process to restore every address from the request's own form body.
 */
function patchStore(store: SesStore): void {
  if (onSaved !== undefined) return;
  const original = store.saveEmail;
  onSaved = () => undefined;
  store.saveEmail = (email) => {
    const context = sending.getStore();
    const fixed = context ? withEveryAddress(email, Buffer.concat(context.chunks).toString('utf8')) : email;
    original(fixed);
    onSaved?.(fixed);
  };
}

/** The email with the full address lists of the v1 form body it came from (other requests: unchanged). */
export function withEveryAddress(email: MailboxEmail, formBody: string): MailboxEmail {
  const form = new URLSearchParams(formBody);
  if (form.get('Action') !== 'SendEmail') return email;
  const list = (prefix: string) =>
    [...form.entries()]
      .filter(([key]) => key.startsWith(prefix) && /^\d+$/.test(key.slice(prefix.length)))
      .sort(([a], [b]) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
      .map(([, value]) => value);
  return {
    ...email,
    replyTo: list('ReplyToAddresses.member.'),
    destination: {
      to: list('Destination.ToAddresses.member.'),
      cc: list('Destination.CcAddresses.member.'),
      bcc: list('Destination.BccAddresses.member.'),
    },
  };
}

/**
 * aws-ses-v2-local in this process. Its page (`/`) lists every email, `GET /store` returns them as JSON.
 * The store is restored from `persistFile` at start and written back on each email and at stop.
 */
export async function startMailbox(options: MailboxOptions = {}): Promise<RunningService> {
  if (mailboxInUse) throw new Error('a local mailbox already runs in this process (aws-ses-v2-local has one store per process)');
  mailboxInUse = true;
  try {
    const host = options.host ?? '127.0.0.1';
    if (options.port) await assertPortFree(options.port, host);
    const store = require('aws-ses-v2-local/dist/store') as SesStore;
    const sesModule = require('aws-ses-v2-local') as { default?: SesServer } & SesServer;
    const startSes = sesModule.default ?? sesModule;
    patchStore(store);

    store.clearStore();
    if (options.persistFile) store.getStoreReadonly().emails.push(...(await readEmails(options.persistFile)));

    let saving = Promise.resolve();
    const save = () => {
      const file = options.persistFile;
      if (!file) return saving;
      const snapshot = JSON.stringify({ emails: store.getStoreReadonly().emails });
      saving = saving.then(() => writeAtomically(file, snapshot)).catch(() => undefined);
      return saving;
    };
    onSaved = (email) => {
      options.onEmail?.(email);
      void save();
    };

    const server = await startSes({ host, port: options.port ?? 0 });
    // Run the mailbox's own handler inside a context that sees the raw body (see patchStore).
    const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const context = { chunks: [] as Buffer[] };
      req.on('data', (chunk: Buffer) => context.chunks.push(chunk));
      sending.run(context, () => {
        for (const handler of handlers) handler.call(server, req, res);
      });
    });
    const port = (server.address() as AddressInfo).port;
    return {
      url: `http://${host}:${port}`,
      port,
      async stop() {
        await closeServer(server);
        onSaved = () => undefined;
        await save();
        store.clearStore();
        mailboxInUse = false;
      },
    };
  } catch (error) {
    mailboxInUse = false;
    throw error;
  }
}

/**
 * aws-ses-v2-local listens without an error handler: a taken port would crash the process with a
 * bare EADDRINUSE. Probe it first to fail with a sentence instead.
 */
export async function assertPortFree(port: number, host: string): Promise<void> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is already in use (EADDRINUSE)`) : error),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

async function readEmails(file: string): Promise<MailboxEmail[]> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { emails?: MailboxEmail[] };
    return Array.isArray(parsed.emails) ? parsed.emails : [];
  } catch {
    return [];
  }
}

export async function writeAtomically(file: string, text: string, mode?: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, mode === undefined ? {} : { mode });
  await rename(tmp, file);
}

/** Every email of the mailbox (`GET /store`), oldest first. */
export async function readMailbox(mailboxUrl: string): Promise<MailboxEmail[]> {
  const response = await fetch(`${mailboxUrl}/store`);
  if (!response.ok) throw new Error(`mailbox answered ${response.status}`);
  const { emails } = (await response.json()) as { emails: MailboxEmail[] };
  return emails;
}

// ---------------------------------------------------------------------------------------------
// Local secrets

/** Where the local stack keeps its signing key (a plain key, or the key ring once rotated). */
export const signingSecretFile = (dataDir: string): string => join(dataDir, 'signing-secret');

/**
 * The signing key of the local stack, generated once and kept under the data folder, so that the
 * links already emailed still verify after a restart.
 */
export async function localSigningSecret(dataDir: string): Promise<string> {
  const file = signingSecretFile(dataDir);
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch {
    // first start: create it below
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export interface LocalSecretsManager extends RunningService {
  /** The ARN the secret answers to (also its name, the ARN's last part, as Secrets Manager allows). */
  secretArn: string;
}

/**
 * Secrets Manager's JSON 1.1 protocol for one secret kept in a file, so that the functions read
 * the signing key as in AWS (`SIGNING_SECRET_ARN`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`) and the
 * admin CLI rotates it as on a stage: `GetSecretValue`, `PutSecretValue` (the file is rewritten
 * atomically, readable by its owner only) and `DescribeSecret`. The file is read at every request:
 * what is written is what the next reader gets. Signatures are not checked.
 */
export async function startSecretsManager(options: { file: string; secretArn: string; port?: number; host?: string }): Promise<LocalSecretsManager> {
  const host = options.host ?? '127.0.0.1';
  const { secretArn, file } = options;
  const name = secretArn.split(':secret:')[1] ?? secretArn;
  const versionOf = (value: string) => {
    const hex = createHash('sha256').update(value).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  };
  const identity = { ARN: secretArn, Name: name };

  const operations: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    async GetSecretValue() {
      const value = (await readFile(file, 'utf8')).trim();
      return { ...identity, VersionId: versionOf(value), SecretString: value, VersionStages: ['AWSCURRENT'], CreatedDate: Date.now() / 1000 };
    },
    async PutSecretValue(body) {
      const value = body.SecretString;
      if (typeof value !== 'string' || value.length === 0)
        throw Object.assign(new Error('SecretString must be a non-empty string'), { type: 'InvalidParameterException' });
      await writeAtomically(file, `${value}\n`, 0o600);
      return { ...identity, VersionId: versionOf(value), VersionStages: ['AWSCURRENT'] };
    },
    async DescribeSecret() {
      return { ...identity, Description: 'coopfund (local): HMAC key of decision links and tracking tokens' };
    },
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, payload: unknown) => {
        const text = JSON.stringify(payload);
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      };
      const fail = (type: string, message: string, status = 400) => reply(status, { __type: type, message });
      const [service, operation = ''] = String(req.headers['x-amz-target'] ?? '').split('.');
      const op = operations[operation];
      if (req.method !== 'POST' || service !== 'secretsmanager' || !op) return fail('UnknownOperationException', `unknown operation ${operation || '(none)'}`);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return fail('SerializationException', 'the body is not JSON');
      }
      if (body.SecretId !== secretArn && body.SecretId !== name) {
        return fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      }
      op(body).then(
        (out) => reply(200, out),
        (error: Error & { type?: string }) => (error.type ? fail(error.type, error.message) : fail('InternalServiceError', error.message, 500)),
      );
    });
  });
  // Longer than the SDK's idle connections, so a reused connection is never closed under a request.
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, options.port ?? 0, host);
  return { url: `http://${host}:${port}`, port, secretArn, stop: () => closeServer(server) };
}
