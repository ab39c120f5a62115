import type { TaskStage } from '../domain/application.ts';
import type { CoChairSide } from '../schemas/call.ts';
import type { CommitteeDecision, ReviewDecision } from '../schemas/decisions.ts';

/**
 * The state machine's contract with its Lambda tasks: state names, and what each task receives and
 * returns. The CDK workflow construct and the task handlers both import from here.
 *
 * The execution input is `{ applicationId }`; state data keeps `applicationId` at the top and
 * each task writes its result under its own ResultPath.
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

/** check-eligibility: records INELIGIBLE with every reason, or leaves SUBMITTED. */
export interface CheckEligibilityOutput {
  eligible: boolean;
  reasons: string[];
}

/** assign-reviewer: picks a reviewer free of conflict, records IN_REVIEW. */
export interface AssignReviewerOutput {
  reviewer: string;
}

/** request-review / request-committee-decision / request-changes: waitForTaskToken tasks. */
export interface WaitingTaskInput extends ApplicationRef {
  taskToken: string;
}
export interface RequestCommitteeDecisionInput extends WaitingTaskInput {
  side: CoChairSide;
}
export interface RequestChangesInput extends WaitingTaskInput {
  review: ReviewDecision;
}

/** What `POST /tasks/{id}` sends back with SendTaskSuccess, per stage. */
export type TaskOutput = {
  review: ReviewDecision;
  'committee-FR': CommitteeDecision;
  'committee-MA': CommitteeDecision;
  resubmission: { resubmitted: true };
};
export type StageOutput<S extends TaskStage> = TaskOutput[S];

/** record-review: stores the review; CHANGES_REQUESTED or IN_COMMITTEE. */
export interface RecordReviewInput extends ApplicationRef {
  review: ReviewDecision;
}
export interface RecordReviewOutput {
  next: 'changes' | 'committee';
}

/** award-grant: both co-chairs approved; reserves the lower amount in the envelope. */
export interface AwardGrantInput extends ApplicationRef {
  decisions: CommitteeDecision[];
}
export interface AwardGrantOutput {
  status: 'APPROVED' | 'REJECTED';
  grantedAmount?: number;
  reason?: string;
}

/**
 * record-outcome: a final status decided by the state machine's routing. RecordRejection sends no
 * `decisions` (a co-chair's rejection fails the Committee, which then has no output): the use case
 * reads them from the co-chairs' decided tasks.
 */
export type RecordOutcomeInput = ApplicationRef &
  (
    | { status: 'REJECTED'; decisions?: CommitteeDecision[] }
    | { status: 'WITHDRAWN' }
    | { status: 'ERROR'; error: { Error?: string; Cause?: string } }
  );

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
