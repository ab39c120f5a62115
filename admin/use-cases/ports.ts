import { DomainError } from '../../shared/domain/errors.ts';
import type { Clock, Mailer, Repository, Signer, Workflow } from '../../shared/ports/index.ts';

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
}

export interface AdminConfig {
  /** Public base URL of every emailed link, no trailing slash. */
  baseUrl: string;
}

/** Who admin actions are recorded as, in an application's history. */
export const ADMIN_ACTOR = 'admin';

/** The retry would ask people again for decisions they already took: the admin must say so. */
export class DecisionsWouldBeAskedAgainError extends DomainError {
  readonly code = 'DECISIONS_WOULD_BE_ASKED_AGAIN';
  readonly status = 409;
}

/** Reported as the work goes (to stderr by the CLI): `done` of `total` when known. */
export type Progress = (update: { done: number; total?: number; what: string }) => void;
