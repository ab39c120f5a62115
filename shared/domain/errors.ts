/** One issue as the API reports it: `path` is dotted (`budget.requestedAmount`). */
export interface Issue {
  path: string;
  message: string;
}

/**
 * One issue as it was found, before anyone words it for a client: either an `Issue` written by a
 * rule, or a zod issue as it is (`path` in segments; `unrecognized_keys` names the unknown `keys`).
 */
export type FoundIssue =
  | Issue
  | { readonly path: readonly PropertyKey[]; readonly message: string; readonly code?: string; readonly keys?: readonly string[] };

/**
 * Base of every domain error. `name` is what state machine Retry/Catch match; what a client is
 * answered is the HTTP layer's business (one table from error class to status and code).
 */
export abstract class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input the rules refuse; `issues` says which fields and why. */
export class ValidationError extends DomainError {
  readonly issues: readonly FoundIssue[];
  constructor(message: string, issues: readonly FoundIssue[] = []) {
    super(message);
    this.issues = issues;
  }
}
export class NotFoundError extends DomainError {}
export class CallNotFoundError extends DomainError {}
export class CallClosedError extends DomainError {}
/** The same idempotency key came with another body. */
export class IdempotencyConflictError extends DomainError {}
export class BadSignatureError extends DomainError {}
/** The link expired, or the task is already closed (timed out, decided by the workflow). */
export class TaskGoneError extends DomainError {}
export class TaskAlreadyDecidedError extends DomainError {}
/** A dependency is briefly unavailable (throttling, 5xx): retried by the workflow, 503 at the API. */
export class TransientError extends DomainError {}
/** An illegal status change: a bug or a race, never retried. */
export class InvalidTransitionError extends DomainError {}
/** No reviewer of the roster is free of conflict of interest: admins must act. */
export class NoReviewerAvailableError extends DomainError {}
