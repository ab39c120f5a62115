/** One issue as the API reports it: `path` is dotted (`budget.requestedAmount`). */
export interface Issue {
  path: string;
  message: string;
}

/**
 * One issue as it was found, before anyone words it for a client: either an `Issue` written by a
 * rule, or a zod issue as it is (`path` in segments; `unrecognized_keys` names the unknown `keys`).
 */
export type FoundIssue = Issue | { readonly path: readonly PropertyKey[]; readonly message: string; readonly code?: string; readonly keys?: readonly string[] };

/**
 * Base of every domain error. `name` is what state machine Retry/Catch match, so each class spells
 * its own (bundles are minified: class names do not survive); what a client is answered is the HTTP
 * layer's business (one table from error class to status and code).
 */
export abstract class DomainError extends Error {
  abstract override readonly name: string;
}

/** A domain error that names the fields at fault (`issues`), as written by a rule. */
abstract class IssuesError extends DomainError {
  readonly issues: readonly Issue[];
  constructor(message: string, issues: readonly Issue[] = []) {
    super(message);
    this.issues = issues;
  }
}

/** Input the rules refuse; `issues` says which fields and why. */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  readonly issues: readonly FoundIssue[];
  constructor(message: string, issues: readonly FoundIssue[] = []) {
    super(message);
    this.issues = issues;
  }
}
export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
}
export class CallNotFoundError extends DomainError {
  override readonly name = 'CallNotFoundError';
}
export class CallClosedError extends DomainError {
  override readonly name = 'CallClosedError';
}
/** The same idempotency key came with another body. */
export class IdempotencyConflictError extends DomainError {
  override readonly name = 'IdempotencyConflictError';
}
export class BadSignatureError extends DomainError {
  override readonly name = 'BadSignatureError';
}
/** The link expired, or the task is already closed (timed out, decided by the workflow). */
export class TaskGoneError extends DomainError {
  override readonly name = 'TaskGoneError';
}
export class TaskAlreadyDecidedError extends DomainError {
  override readonly name = 'TaskAlreadyDecidedError';
}
/** A dependency is briefly unavailable (throttling, 5xx): retried by the workflow, 503 at the API. */
export class TransientError extends DomainError {
  override readonly name = 'TransientError';
}
/** An illegal status change: a bug or a race, never retried. */
export class InvalidTransitionError extends DomainError {
  override readonly name = 'InvalidTransitionError';
}
/** No reviewer of the roster is free of conflict of interest: admins must act. */
export class NoReviewerAvailableError extends DomainError {
  override readonly name = 'NoReviewerAvailableError';
}
/** A draft's link used for what its role may not do (the lead confirming, the partner asking to file). */
export class WrongRoleError extends DomainError {
  override readonly name = 'WrongRoleError';
}
/** The draft was filed, or its call closed (or its link lapsed): nothing more can be done with it. */
export class DraftGoneError extends DomainError {
  override readonly name = 'DraftGoneError';
}
/** The draft is not in the status this action needs (saving while the partner confirms, confirming a draft). */
export class DraftStateError extends DomainError {
  override readonly name = 'DraftStateError';
}
/** The lead asked to file a dossier that still lacks something; `issues` lists every missing field. */
export class DossierIncompleteError extends IssuesError {
  override readonly name = 'DossierIncompleteError';
}
/** A draft holds as many files as its call allows: one must go before another comes; `issues` names `documents`. */
export class TooManyDocumentsError extends IssuesError {
  override readonly name = 'TooManyDocumentsError';
}
/** `complete` before the file reached storage: nothing to check yet, nothing changed. */
export class DocumentNotUploadedError extends IssuesError {
  override readonly name = 'DocumentNotUploadedError';
}
