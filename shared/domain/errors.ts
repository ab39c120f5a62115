/** One issue of a validation error: `path` is dotted (`budget.requestedAmount`). */
export interface Issue {
  path: string;
  message: string;
}

/**
 * Base of every domain error. `code` is the API's error code; `status` the HTTP status the
 * one error-mapping middleware answers with; `name` is what state machine Retry/Catch match.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  readonly issues?: Issue[];
  constructor(message: string, issues?: Issue[]) {
    super(message);
    this.name = new.target.name;
    if (issues) this.issues = issues;
  }
}

export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly status = 400;
}
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
}
export class CallNotFoundError extends DomainError {
  readonly code = 'CALL_NOT_FOUND';
  readonly status = 404;
}
export class CallClosedError extends DomainError {
  readonly code = 'CALL_CLOSED';
  readonly status = 409;
}
export class IdempotencyConflictError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly status = 422;
}
export class PayloadTooLargeError extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly status = 415;
}
export class BadSignatureError extends DomainError {
  readonly code = 'BAD_SIGNATURE';
  readonly status = 403;
}
/** The link expired, or the task is already closed (timed out, decided by the workflow). */
export class TaskGoneError extends DomainError {
  readonly code = 'TASK_GONE';
  readonly status = 410;
}
export class TaskAlreadyDecidedError extends DomainError {
  readonly code = 'ALREADY_DECIDED';
  readonly status = 409;
}
/** A dependency is briefly unavailable (throttling, 5xx): retried by the workflow, 503 at the API. */
export class TransientError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE';
  readonly status = 503;
}
/** An illegal status change: a bug or a race, never retried. */
export class InvalidTransitionError extends DomainError {
  readonly code = 'INVALID_TRANSITION';
  readonly status = 409;
}
/** No reviewer of the roster is free of conflict of interest: admins must act. */
export class NoReviewerAvailableError extends DomainError {
  readonly code = 'NO_REVIEWER_AVAILABLE';
  readonly status = 409;
}
