import type { ApplicationInput } from '../schemas/application.ts';
import type { Budget } from '../schemas/budget.ts';
import type { Call, CoChairSide } from '../schemas/call.ts';
import type { ReviewDecision, StoredCommitteeDecision } from '../schemas/decisions.ts';
import type { DraftDocument } from './documents.ts';
import type { Ineligibility } from './eligibility.ts';
import type { Status } from './status.ts';

export const languages = ['fr', 'ar', 'en'] as const;
export type Language = (typeof languages)[number];

export const isLanguage = (value: string | undefined): value is Language => value !== undefined && (languages as readonly string[]).includes(value);

/** One change of status, with its time, actor and reason. */
export interface HistoryEvent {
  at: string;
  status: Status;
  actor: string;
  reason?: string;
}

/**
 * An application's budget: the total cost and what the fund is asked for, in euros (everything
 * downstream reads these two), and for an application filed from a dossier the dossier's own cost
 * lines and funding sources (the Moroccan side of the fund in dirhams).
 */
export type ApplicationBudget = ApplicationInput['budget'] & { lines?: Budget['lines']; funding?: Budget['funding'] };

/** A stored application: the applicants' input plus what the workflow learnt about it. */
export interface ApplicationRecord extends Omit<ApplicationInput, 'budget'> {
  budget: ApplicationBudget;
  /** The documents of the draft it was filed from, oldest first (none for one filed without a draft). */
  documents?: DraftDocument[];
  id: string;
  status: Status;
  language: Language;
  createdAt: string;
  updatedAt: string;
  /** Every failed eligibility rule of the last check. */
  ineligibility?: Ineligibility[];
  reviewer?: { name: string; email: string };
  review?: ReviewDecision & { at: string };
  committee?: Partial<Record<CoChairSide, StoredCommitteeDecision & { at: string; by: string }>>;
  /** `grantedAmount` is the French side's grant in EUR (its name from when it was the only side); `grantedMA` the Moroccan side's, in MAD. */
  decision?: { outcome: 'APPROVED' | 'REJECTED'; grantedAmount?: number; grantedMA?: number; reason?: string; at: string };
  error?: { name: string; cause?: string; at: string };
  /** When an admin purged its personal data (contacts, summary, comments); figures are kept. */
  personalDataPurgedAt?: string;
}

/**
 * A call with its envelopes' bookkeeping, per side: what is committed and the ids already awarded.
 * The French side keeps the names it had when it was the only one (`committed` in EUR, `awarded`);
 * the Moroccan side's are `committedMA` (MAD) and `awardedMA`.
 */
export interface CallRecord extends Call {
  committed: number;
  awarded: string[];
  committedMA: number;
  awardedMA: string[];
}

export const taskStages = ['review', 'committee-FR', 'committee-MA', 'resubmission'] as const;
export type TaskStage = (typeof taskStages)[number];
export type TaskStatus = 'OPEN' | 'DONE' | 'CLOSED';

/**
 * A human decision the workflow waits for. The Step Functions token stays here, server-side;
 * links carry only `id` and a signature bound to one recipient.
 */
export interface TaskRecord {
  id: string;
  applicationId: string;
  stage: TaskStage;
  taskToken: string;
  recipients: string[];
  status: TaskStatus;
  createdAt: string;
  /** The links' expiry (ISO); after it a link answers 410. */
  expiresAt: string;
  /** Reminders sent after a wait timed out (the review keeps waiting, see RequestReview). */
  reminders: number;
  decidedBy?: string;
  decidedAt?: string;
  result?: Record<string, unknown>;
}

export const stageOf = (side: CoChairSide): TaskStage => (side === 'FR' ? 'committee-FR' : 'committee-MA');
