import type { Clock, DocumentStore, Mailer, Repository, Signer, Workflow } from '../../shared/ports/index.ts';

/**
 * What the admin use cases work with: the same ports as the functions, wired by the CLI to the
 * local stack or to a deployed stage. A port the target cannot provide (no state machine given)
 * throws when a use case first reads it, before anything is written.
 */
export interface AdminPorts {
  repository: Repository;
  mailer: Mailer;
  workflow: Workflow;
  signer: Signer;
  clock: Clock;
  config: AdminConfig;
  /** The documents' bucket (the stage's `DocumentsBucket` output, or the local stack's S3). */
  documents: AdminDocumentStore;
}

/**
 * The functions' documents port, and what only the CLI does with it: read a whole object, to save
 * it in a folder (the functions never read a document: they sign links to it).
 */
export interface AdminDocumentStore extends DocumentStore {
  /** The object under `key` as it arrives, with its size; `undefined` when there is none. */
  download(key: string): Promise<DocumentDownload | undefined>;
}

export interface DocumentDownload {
  size: number;
  body: AsyncIterable<Uint8Array>;
}

export interface AdminConfig {
  /** Public base URL of every emailed link, no trailing slash. */
  baseUrl: string;
}

/** The signing key's secret, as the key commands read and write it. */
export interface SigningSecretStore {
  /** Where it lives, for messages (an ARN, never the value). */
  label: string;
  read(): Promise<string>;
  write(value: string): Promise<void>;
}

/** Who admin actions are recorded as, in an application's history. */
export const ADMIN_ACTOR = 'admin';

/** Reported as the work goes (to stderr by the CLI): `done` of `total` when known. */
export type Progress = (update: { done: number; total?: number; what: string }) => void;
