import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

/**
 * How tools find a running local stack: `npm start` writes `<DATA_DIR>/stack.json` with its
 * endpoints once ready, and removes it when it stops. The admin CLI (`npm run admin`) reads it,
 * so several local stacks can run side by side, each with its own DATA_DIR.
 * Nothing secret is written here: the signing key is read through the stack's Secrets Manager endpoint.
 */

export const DISCOVERY_FILE = 'stack.json';

const url = z.url({ protocol: /^https?$/ });

export const discoverySchema = z.object({
  /** The process that runs the stack (its services live in it). */
  pid: z.number().int().positive(),
  /** The API's base URL (also every function's BASE_URL). */
  apiUrl: url,
  /** The mailbox (aws-ses-v2-local): its page, and the SES endpoint. */
  mailboxUrl: url,
  dynamodbEndpoint: url,
  sfnEndpoint: url,
  tableName: z.string().min(1),
  stateMachineArn: z.string().startsWith('arn:'),
  region: z.string().min(1),
  /** Secrets Manager's API for the signing key, and the secret's ARN (read and rotated through it). */
  secretsManagerEndpoint: url.optional(),
  signingSecretArn: z.string().startsWith('arn:').optional(),
  /** The local S3 (path-style, `AWS_ENDPOINT_URL_S3`) and the documents' bucket it serves. */
  s3Endpoint: url.optional(),
  documentsBucket: z.string().min(3).optional(),
  /** The From address of the stack's emails (default: the `local` stage's). */
  senderEmail: z.email().optional(),
  /** When it was written (ISO). */
  startedAt: z.string().optional(),
});
export type DiscoveryInfo = z.infer<typeof discoverySchema>;

export const discoveryFile = (dataDir: string): string => join(dataDir, DISCOVERY_FILE);

/** Writes `<dataDir>/stack.json` atomically (a reader never sees half a file). */
export async function writeDiscovery(dataDir: string, info: DiscoveryInfo): Promise<void> {
  const valid = discoverySchema.parse({ startedAt: new Date().toISOString(), ...info });
  const file = discoveryFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

/**
 * The stack recorded in `<dataDir>/stack.json`, or `undefined` when there is none. Throws when
 * the file exists but is not a valid record (naming the file and the field).
 */
export async function readDiscovery(dataDir: string): Promise<DiscoveryInfo | undefined> {
  const file = discoveryFile(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
  const parsed = discoverySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is not a local stack record (${issue?.path.join('.') || 'root'}: ${issue?.message})`);
  }
  return parsed.data;
}

/** Removes the record when the stack stops, unless another process has written its own since. */
export async function clearDiscovery(dataDir: string, pid: number = process.pid): Promise<void> {
  const current = await readDiscovery(dataDir).catch(() => undefined);
  if (current && current.pid !== pid) return;
  await rm(discoveryFile(dataDir), { force: true });
}

/** Whether the recorded process still runs (a stack killed hard leaves its record behind). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
