import type { ApplicationRecord, CallRecord, HistoryEvent, TaskRecord, TaskStage } from '../domain/application.ts';
import type { DraftDocument } from '../domain/documents.ts';
import type { DraftContact, DraftEvent, DraftRecord, DraftRole, DraftStatus } from '../domain/draft.ts';
import type { Status } from '../domain/status.ts';
import type { DossierDraft } from '../schemas/dossier.ts';
import type { Call, CoChair, CoChairSide, Reviewer } from '../schemas/call.ts';
import type { MetricName } from '../config/metrics.ts';

/**
 * The one table, seen by the use cases. Every invariant is a single-item conditional write
 * (the embedded store has no transactions, and none is needed). Throttling and 5xx surface as `TransientError`.
 */
export interface Repository {
  putCall(call: Call): Promise<void>;
  getCall(id: string): Promise<CallRecord | undefined>;
  listCalls(): Promise<CallRecord[]>;
  putRoster(callId: string, reviewers: Reviewer[]): Promise<void>;
  getRoster(callId: string): Promise<Reviewer[]>;
  putCoChairs(callId: string, coChairs: CoChair[]): Promise<void>;
  getCoChairs(callId: string): Promise<CoChair[]>;

  /** Creates the application and its first history event; `exists` when the id is taken. */
  createApplication(app: ApplicationRecord, first: HistoryEvent): Promise<'created' | 'exists'>;
  getApplication(id: string): Promise<ApplicationRecord | undefined>;
  getHistory(id: string): Promise<HistoryEvent[]>;
  /** Deletes an application and its history (compensation when its workflow could not start). */
  deleteApplication(id: string): Promise<void>;
  /**
   * Moves `id` to `to` only from a status allowed by the status machine, storing `patch` and the
   * event. Idempotent: already in `to` → `unchanged`. Otherwise throws `InvalidTransitionError`.
   */
  transition(id: string, to: Status, event: HistoryEvent, patch?: Partial<ApplicationRecord>): Promise<'changed' | 'unchanged'>;
  /** Stores fields that do not change the status (the assigned reviewer, a co-chair's vote). */
  patchApplication(id: string, patch: Partial<ApplicationRecord>): Promise<void>;
  /**
   * One page of a call's applications in one status, oldest first: a Query of the gsi1 index,
   * never a Scan. Pass the page's `cursor` back for the next one; no cursor → that was the last.
   * A cursor of another listing, or a mangled one, is a `ValidationError`.
   */
  listApplications(callId: string, status: Status, page?: PageRequest): Promise<Page<ApplicationRecord>>;
  /**
   * Rewrites the reasons of an application's history (purge of personal data): `redact` gives the
   * reason to keep, or `undefined` to drop it. Returns how many events changed.
   */
  redactHistory(id: string, redact: (event: HistoryEvent) => string | undefined): Promise<number>;

  /**
   * Reserves `amount` of one side's envelope (France in EUR by default, Morocco in MAD) for
   * `applicationId` in one conditional write on the call: `already` if this application was counted
   * on that side before, `exhausted` if it would exceed that envelope (a call with no Moroccan
   * envelope has nothing on that side).
   */
  reserveGrant(callId: string, applicationId: string, amount: number, side?: CoChairSide): Promise<'reserved' | 'already' | 'exhausted'>;
  /**
   * Gives back what `reserveGrant` reserved on one side, in one conditional write: `released`, or
   * `absent` when the application is not counted there (never reserved, or released before).
   */
  releaseGrant(callId: string, applicationId: string, amount: number, side: CoChairSide): Promise<'released' | 'absent'>;

  putTask(task: TaskRecord): Promise<void>;
  getTask(id: string): Promise<TaskRecord | undefined>;
  listTasks(applicationId: string): Promise<TaskRecord[]>;
  /** The open task of a stage, if any (the same task is reused when a wait times out). */
  findOpenTask(applicationId: string, stage: TaskStage): Promise<TaskRecord | undefined>;
  /** Replaces the token of an open task, counting a reminder (once per token: the same token again is a no-op). */
  renewTaskToken(id: string, taskToken: string): Promise<TaskRecord>;
  /** OPEN → DONE for `by`, single use: `false` when it was not open any more. */
  claimTask(id: string, by: string, result: Record<string, unknown>, at: string): Promise<boolean>;
  /** DONE → OPEN, when Step Functions refused a claimed decision for a transient reason. */
  releaseTask(id: string): Promise<void>;
  /** Marks a task CLOSED (timed out or obsolete): its links answer 410. */
  closeTask(id: string): Promise<void>;
  /** OPEN → CLOSED in one conditional write: `false` when it was not open (decided meanwhile). */
  closeTaskIfOpen(id: string): Promise<boolean>;
  /** Deletes a task (purge of a closed application's personal data); nothing if it is gone. */
  deleteTask(id: string): Promise<void>;

  /**
   * Binds an Idempotency-Key to a body hash and an application id, first writer wins;
   * returns what is stored (the caller compares the hash).
   */
  claimIdempotencyKey(key: string, bodyHash: string, applicationId: string): Promise<{ bodyHash: string; applicationId: string }>;
  releaseIdempotencyKey(key: string): Promise<void>;

  /** Creates a draft and its first history entry; `exists` when the id is taken. */
  createDraft(draft: DraftRecord, first: DraftEvent): Promise<'created' | 'exists'>;
  getDraft(id: string): Promise<DraftRecord | undefined>;
  /** A draft's history, oldest first. */
  getDraftHistory(id: string): Promise<DraftEvent[]>;
  /**
   * Stores a save in ONE conditional write, with no read before it: each section of `sections`
   * replaces the stored one, the version becomes `expectedVersion + 1`, the save joins the
   * history — only on a `DRAFT` still at `expectedVersion`, of a call not yet closed at `at`,
   * whose current contact of `by.role` has the tag `by.tag`. `stale`: another save came first
   * (the draft as it is now); `refused`: why the draft took no save.
   */
  saveDraft(id: string, save: DraftSave): Promise<DraftSaveResult>;
  /**
   * Moves a draft from `from` to `to` in one conditional write (and at `version`, when given:
   * a request to file holds only for the dossier that was checked), storing `patch` and the event.
   * `unchanged` when it is already in `to`; `refused` (with the draft as it is) otherwise.
   */
  changeDraftStatus(
    id: string,
    change: { from: DraftStatus; to: DraftStatus; version?: number },
    event: DraftEvent,
    patch?: DraftPatch,
  ): Promise<{ outcome: 'changed' | 'unchanged' } | { outcome: 'refused'; current: DraftRecord | undefined }>;
  /** Stores the partner's contact and its tag on a `DRAFT` (one conditional write): `false` if it is not a `DRAFT` any more. */
  setDraftPartner(id: string, partner: TaggedContact, event: DraftEvent): Promise<boolean>;
  /** Sets the close of every draft of a call (the call's deadline moved). */
  moveDraftsClose(callId: string, closesAt: string): Promise<void>;
  /** Every draft of a call, oldest first, whatever its status: a Query of the gsi1 index, never a Scan. */
  listDrafts(callId: string): Promise<DraftRecord[]>;
  /**
   * Adds a document's record (`UPLOADED`) to a `DRAFT` of a call not yet closed at `at` that holds
   * fewer than `max` documents, in one conditional write. `refused`: `missing` (no draft),
   * `status` (not a `DRAFT`), `closed`, `full`, `exists` (that id is taken).
   */
  addDraftDocument(id: string, document: DraftDocument, limits: { max: number; at: string }): Promise<DraftDocumentResult>;
  /**
   * Settles an `UPLOADED` document of a `DRAFT` (`ACCEPTED` or `REFUSED`, with what the check
   * found) in one conditional write. `refused`: `missing`, `status`, `absent` (no such document),
   * `settled` (settled before: `current` says how).
   */
  settleDraftDocument(id: string, documentId: string, settlement: DocumentSettlement): Promise<DraftDocumentResult>;
  /** Removes a document's record from a `DRAFT` in one conditional write. `refused`: `missing`, `status`, `absent`. */
  removeDraftDocument(id: string, documentId: string, at: string): Promise<DraftDocumentResult>;
  /**
   * Records the malware scan's verdict on document `documentId` of the draft `id` and of the
   * application `id` (a filed draft's documents are its application's too), one conditional write
   * on each item that holds it, whatever its status. `clean`: the scan of a document not refused
   * becomes `clean`. `threat`: the document becomes `REFUSED` with reason `threat`, whatever it was
   * (a refused one stays as it is). Each item says `recorded`, `unchanged` (it already said so) or
   * `absent` (no such item, or no such document in it): replaying an event changes nothing.
   */
  recordDocumentScan(id: string, documentId: string, verdict: 'clean' | 'threat', at: string): Promise<DocumentScanRecord>;

  /** Records that an email identified by `key` is being sent; `false` if it was already. */
  markEmailSent(key: string): Promise<boolean>;
  unmarkEmailSent(key: string): Promise<void>;
}

/** One save of a draft: what it replaces, the version it started from, who (role and contact tag) and when. */
export interface DraftSave {
  expectedVersion: number;
  sections: DossierDraft;
  by: { role: DraftRole; tag: string };
  at: string;
}

export type DraftSaveResult =
  | { outcome: 'saved'; version: number }
  | { outcome: 'stale'; current: DraftRecord }
  /** `missing`: no such draft; `contact`: the link's contact is not the role's any more; `closed`: the call closed; `status`: not a `DRAFT`. */
  | { outcome: 'refused'; reason: 'missing' | 'contact' | 'closed' | 'status'; current?: DraftRecord };

/** What `complete` found of an uploaded document. */
export type DocumentSettlement = Pick<DraftDocument, 'size'> &
  ({ status: 'ACCEPTED'; scan: NonNullable<DraftDocument['scan']> } | { status: 'REFUSED'; reason: NonNullable<DraftDocument['reason']> }) & { at: string };

export type DraftDocumentResult =
  | { outcome: 'done' }
  | { outcome: 'refused'; reason: 'missing' | 'status' | 'closed' | 'full' | 'exists' | 'absent' | 'settled'; current?: DraftRecord };

/** What `recordDocumentScan` did to the draft's item and to the application's. */
export type DocumentScanOutcome = 'recorded' | 'unchanged' | 'absent';
export interface DocumentScanRecord {
  draft: DocumentScanOutcome;
  application: DocumentScanOutcome;
}

/** A contact with the tag its edit links carry. */
export interface TaggedContact {
  contact: DraftContact;
  tag: string;
}

/** What a change of a draft's status may store beside it. */
export type DraftPatch = Partial<Pick<DraftRecord, 'submitRequestedAt' | 'returnComment'>> & { partner?: TaggedContact };

export interface PageRequest {
  /** At most this many items (default 50, at most 1000). */
  limit?: number;
  /** From the previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque; present when there may be more. */
  cursor?: string;
}

export interface EmailMessage {
  to: string[];
  subject: string;
  html: string;
  text: string;
}

/** SES, seen by the use cases. */
export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

/** Step Functions, seen by the use cases. Its errors are mapped to domain errors by the adapter. */
export interface Workflow {
  /**
   * Starts the one execution of an application (its name is derived from the id); idempotent.
   * An admin's retry of a failed one passes its `attempt` (1, 2…): the execution is then named
   * `<id>-r<attempt>`, idempotent likewise.
   */
  start(applicationId: string, options?: { attempt?: number }): Promise<void>;
  /** Resumes a waiting task. Throws `TaskGoneError` on TaskTimedOut / TaskDoesNotExist / InvalidToken. */
  succeedTask(taskToken: string, output: unknown): Promise<void>;
}

/**
 * Link signing and the tracking token: HMAC with a versioned signing key (shared/links/key-ring.ts).
 * What is signed carries the version that signed it; a rotation adds a version and breaks nothing
 * still in use.
 */
export interface Signer {
  /** The MAC of `parts` with the version that signs now, and that version (the link names it). */
  sign(parts: string[]): Promise<{ mac: string; version: number }>;
  /**
   * The MAC `parts` have under `version`, if that version still verifies at `now`: the signing
   * one; a retired one within the grace period (`accept: 'grace'`, decision links) or until it is
   * revoked (`'until-revoked'`, tracking tokens); otherwise `undefined`. The caller compares in
   * constant time (`sameMac`).
   */
  macFor(parts: string[], key: { version: number; now: Date; accept: 'grace' | 'until-revoked' }): Promise<string | undefined>;
  /** The MAC of `parts` with the first version, whatever the rotations: for ids that must not change. */
  derive(parts: string[]): Promise<string>;
}

/**
 * Counts for CloudWatch, kept until `publish`: one batch per invocation, written at its end
 * (shared/adapters/emf-metrics.ts). Names and dimensions are those of shared/config/metrics.ts.
 */
export interface Metrics {
  /** Adds `value` (1 by default) to `name`, split by `dimensions` (a task's name) when given. */
  count(name: MetricName, dimensions?: Readonly<Record<string, string>>, value?: number): void;
  /** Writes what was counted since the last publish, then forgets it; writes nothing when nothing was counted. */
  publish(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

/** Where a draft's documents are kept (S3; the local stack's S3-compatible server): objects under `applications/{id}/`. */
export interface DocumentStore {
  /**
   * A presigned POST for exactly `key`: a size within 1..`maxBytes`, this `contentType`, valid for
   * `expiresInSeconds`; `redirect` (the page's form, without JavaScript) becomes
   * `success_action_redirect`. The browser posts `fields` and then the file to `url`.
   */
  presignUpload(input: {
    key: string;
    contentType: string;
    maxBytes: number;
    expiresInSeconds: number;
    redirect?: string;
  }): Promise<{ url: string; fields: Record<string, string> }>;
  /** What is stored under `key`: its size, content type, its first `bytes` bytes and the malware scan's verdict; `undefined` when there is nothing. */
  inspect(key: string, bytes: number): Promise<StoredObject | undefined>;
  /** A GET link valid `expiresInSeconds` that downloads the object as an attachment named `filename`. */
  presignDownload(key: string, filename: string, expiresInSeconds: number): Promise<string>;
  /** Deletes the object and every version of it (nothing if there is none). */
  remove(key: string): Promise<void>;
  /** Deletes every object and every version under `prefix` (an application's purge). */
  removeAll(prefix: string): Promise<number>;
}

export interface StoredObject {
  size: number;
  contentType: string | undefined;
  head: Uint8Array;
  /** GuardDuty Malware Protection's tag when the stage scans; `unscanned` where nothing scans (locally). */
  scan: 'clean' | 'threat' | 'pending' | 'unscanned';
}
