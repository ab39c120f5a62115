import type { TaskStage } from '../domain/application.ts';
import type { CoChairSide } from '../schemas/call.ts';
import type { CommitteeOutcome, ReviewOutcome } from '../schemas/decisions.ts';

/**
 * The state machine's contract with its Lambda tasks: state names, and what each task receives and
 * returns. The CDK workflow construct and the task handlers both import from here.
 *
 * The execution input is `{ applicationId }`; state data keeps `applicationId` at the top and
 * each task writes its result under its own ResultPath.
 *
 * Ids and codes only: Step Functions keeps every input, payload, result and error in the
 * execution history for 90 days after the execution ends, where the purge of personal data cannot
 * reach. Names, addresses, comments and the project's text stay in the table; the task that needs
 * them reads them there.
 */
export const STATES = {
  sendReceipt: 'SendReceipt',
  checkEligibility: 'CheckEligibility',
  isEligible: 'IsEligible',
  notifyIneligible: 'NotifyIneligible',
  assignReviewer: 'AssignReviewer',
  requestReview: 'RequestReview',
  recordReview: 'RecordReview',
  reviewOutcome: 'ReviewOutcome',
  requestChanges: 'RequestChanges',
  withdraw: 'Withdraw',
  notifyWithdrawn: 'NotifyWithdrawn',
  committee: 'Committee',
  requestFrenchCoChair: 'RequestFrenchCoChairDecision',
  requestMoroccanCoChair: 'RequestMoroccanCoChairDecision',
  committeeOutcome: 'CommitteeOutcome',
  awardGrant: 'AwardGrant',
  recordRejection: 'RecordRejection',
  notifyDecision: 'NotifyDecision',
  recordError: 'RecordError',
  notifyFailure: 'NotifyFailure',
} as const;

export interface ApplicationRef {
  applicationId: string;
}

/**
 * check-eligibility: records INELIGIBLE with every reason, or leaves SUBMITTED. The rules that
 * failed are named by their codes (`theme`, `duration`…); the sentences are in the table.
 */
export interface CheckEligibilityOutput {
  eligible: boolean;
  failedRules: string[];
}

/** assign-reviewer: picks a reviewer free of conflict, records IN_REVIEW; who it is stays in the table. */
export interface AssignReviewerOutput {
  status: 'IN_REVIEW';
}

/** request-review / request-committee-decision / request-changes: waitForTaskToken tasks. */
export interface WaitingTaskInput extends ApplicationRef {
  taskToken: string;
}
export interface RequestCommitteeDecisionInput extends WaitingTaskInput {
  side: CoChairSide;
}
/** request-changes: the reviewer's comment is read from the application. */
export type RequestChangesInput = WaitingTaskInput;

/**
 * What `POST /tasks/{id}` sends back with SendTaskSuccess, per stage: codes and amounts, the
 * comment left on the decided task in the table.
 */
export type TaskOutput = {
  review: ReviewOutcome;
  'committee-FR': CommitteeOutcome;
  'committee-MA': CommitteeOutcome;
  resubmission: { resubmitted: true };
};
export type StageOutput<S extends TaskStage> = TaskOutput[S];

/** record-review: stores the review (its comment read from the decided task); CHANGES_REQUESTED or IN_COMMITTEE. */
export interface RecordReviewInput extends ApplicationRef {
  review: ReviewOutcome;
}
export interface RecordReviewOutput {
  next: 'changes' | 'committee';
}

/** award-grant: both co-chairs approved; reserves each side's grant in that side's envelope. */
export interface AwardGrantInput extends ApplicationRef {
  decisions: CommitteeOutcome[];
}
export interface AwardGrantOutput {
  status: 'APPROVED' | 'REJECTED';
  /** The French side's grant, in EUR. */
  grantedFR?: number;
  /** The Moroccan side's grant, in MAD (calls with a Moroccan envelope). */
  grantedMA?: number;
  reason?: string;
}

/**
 * record-outcome: a final status decided by the state machine's routing. RecordRejection sends no
 * decisions (a co-chair's rejection fails the Committee, which then has no output, and the
 * comments are not the workflow's to carry): the use case reads them from the co-chairs' decided
 * tasks. The `error` of RecordError is what the Catch recorded: the task's error name and its
 * scrubbed cause (`scrubTaskError`).
 */
export type RecordOutcomeInput = ApplicationRef &
  ({ status: 'REJECTED' } | { status: 'WITHDRAWN' } | { status: 'ERROR'; error: { Error?: string; Cause?: string } });

export const applicantTemplates = ['received', 'ineligible', 'withdrawn', 'decision'] as const;
export type ApplicantTemplate = (typeof applicantTemplates)[number];

/** notify-applicants: one email to both contacts, sent once per application and template. */
export interface NotifyApplicantsInput extends ApplicationRef {
  template: ApplicantTemplate;
}

/** notify-admins: the workflow failed. */
export interface NotifyAdminsInput extends ApplicationRef {
  error: { Error?: string; Cause?: string };
}
