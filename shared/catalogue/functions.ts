/**
 * Every Lambda function of coopfund, declared once. Plain data with no imports, so that both sides
 * read the same row: the handler wires exactly the ports its row names (the types refuse any other
 * set, see shared/adapters/wiring.ts), and the CDK builds the function, its environment and its
 * grants from the row (infra/constructs/app-function.ts). The state machine's Retry list comes from
 * `retry`; the local stack runs what the synthesized template holds, so it follows too.
 *
 * A function's code is `functions/<name>/handler.ts` (its `entry`).
 */

/** The adapters a handler may wire (shared/adapters/wiring.ts). */
export type PortName = 'repository' | 'mailer' | 'workflow' | 'signer' | 'metrics' | 'documents';

/** What a repository may ask of the table (shared/adapters/dynamodb-repository.ts sends nothing else). */
export type TableAction = 'GetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

export interface FunctionDeclaration {
  /**
   * `api`: behind routes of the REST API (shared/catalogue/routes.ts); `task`: a state of the
   * workflow; `scheduled`: invoked by a scheduled EventBridge rule every `schedule` (a sweep);
   * `event`: invoked by an EventBridge rule on an AWS service's event (`event` names which).
   */
  readonly kind: 'api' | 'task' | 'scheduled' | 'event';
  /** Scheduled functions only: EventBridge's `rate(…)` expression. */
  readonly schedule?: string;
  /**
   * Event functions only: the events whose rule invokes it. `malware-scan`: GuardDuty Malware
   * Protection's result for an object of the documents' bucket (the rule exists only where the
   * stage scans, `malwareScan`).
   */
  readonly event?: 'malware-scan';
  /** One line, shown in the console and the template. */
  readonly description: string;
  /**
   * The adapters its handler wires; each is granted what its port touches, nothing else. `metrics`
   * (CloudWatch metrics as EMF log lines: no grant, its namespace as a variable) is required of every
   * task, whose outcome is counted by task, and of the API functions that change a status.
   */
  readonly ports: readonly PortName[];
  /**
   * The DynamoDB actions its repository port sends (required when `ports` has `repository`): the
   * function's role is granted these and no other, on the table and its index. Scan, the batch
   * actions and DescribeTable are none of them: the repository never sends them.
   */
  readonly table?: readonly TableAction[];
  /**
   * How the documents port may use the bucket (required when `ports` has `documents`), under
   * `applications/` only: `read` presigns downloads (GetObject); `write` also presigns uploads
   * (PutObject), inspects what was uploaded (its head, first bytes and scan tag) and deletes every
   * version of an object (ListBucketVersions, DeleteObject, DeleteObjectVersion); `remove` only
   * deletes every version of an object (those three, nothing else).
   */
  readonly documents?: 'read' | 'write' | 'remove';
  /** How the workflow port may use the state machine (required when `ports` has `workflow`). */
  readonly workflow?: 'start' | 'respond';
  /** It emails absolute links: the public base URL must be configured (fails the cold start otherwise). */
  readonly emailsLinks?: boolean;
  /** Lambda's timeout, seconds (default 10). */
  readonly timeoutSeconds?: number;
  /**
   * Tasks only: what the state machine retries. `transient` (the default) retries throttling, a
   * dependency's 5xx and timeouts, which is safe because every task may run twice; `none` for a
   * task that must not run again.
   */
  readonly retry?: 'transient' | 'none';
}

const FUNCTIONS_TABLE = {
  // --- The API -------------------------------------------------------------------------------
  health: { kind: 'api', description: 'GET /health: whether the function runs', ports: [] },
  'list-calls': { kind: 'api', description: 'GET /calls: the calls open now', ports: ['repository'], table: ['Query'] },
  'show-form': { kind: 'api', description: 'GET /: the application form and its script', ports: ['repository'], table: ['Query'] },
  'submit-application': {
    kind: 'api',
    description: "POST /applications: stores an application and starts its workflow, or, where the call says so, asks the partner's confirmation first",
    ports: ['repository', 'mailer', 'signer', 'workflow', 'metrics'],
    table: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
    workflow: 'start',
  },
  'track-application': {
    kind: 'api',
    description: 'GET /applications/{id}: the tracking page or JSON, behind its token',
    ports: ['repository', 'signer'],
    table: ['GetItem', 'Query'],
  },
  'show-task': {
    kind: 'api',
    description: 'GET and HEAD /tasks/{taskId}: the decision page (never writes)',
    ports: ['repository', 'signer', 'documents'],
    table: ['GetItem', 'Query'],
    documents: 'read',
  },
  'decide-task': {
    kind: 'api',
    description: 'POST /tasks/{taskId}: claims a decision and resumes the workflow',
    ports: ['repository', 'signer', 'workflow', 'metrics'],
    table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
    workflow: 'respond',
  },
  'show-draft': {
    kind: 'api',
    description: 'GET and HEAD /drafts/{id}: a draft behind its edit link (never writes)',
    ports: ['repository', 'signer', 'documents'],
    table: ['GetItem', 'Query'],
    documents: 'read',
  },
  drafts: {
    kind: 'api',
    description: 'POST /drafts, PUT and POST (its page) /drafts/{id}, invite, submit, confirm, return: the joint dossier before it is filed',
    ports: ['repository', 'mailer', 'signer', 'workflow', 'metrics'],
    table: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
    workflow: 'start',
  },
  'draft-documents': {
    kind: 'api',
    description: "POST /drafts/{id}/documents, its complete, DELETE: a draft's documents, uploaded straight to S3 (the only function holding the S3 client)",
    ports: ['repository', 'signer', 'metrics', 'documents'],
    table: ['GetItem', 'UpdateItem'],
    documents: 'write',
  },

  // --- The workflow's tasks --------------------------------------------------------------------
  'check-eligibility': {
    kind: 'task',
    description: "CheckEligibility: the call's rules, every failed one a reason",
    ports: ['repository', 'metrics'],
    table: ['GetItem', 'PutItem', 'UpdateItem'],
  },
  'assign-reviewer': {
    kind: 'task',
    description: 'AssignReviewer: a reviewer of the roster free of conflict of interest',
    ports: ['repository', 'metrics'],
    table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
  },
  'request-review': {
    kind: 'task',
    description: 'RequestReview: stores the task token, emails the reviewer a link; reminds, escalates',
    ports: ['repository', 'mailer', 'signer', 'metrics'],
    table: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
    emailsLinks: true,
  },
  'record-review': {
    kind: 'task',
    description: 'RecordReview: stores the review; changes requested or committee',
    ports: ['repository', 'metrics'],
    table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
  },
  'request-changes': {
    kind: 'task',
    description: 'RequestChanges: emails both contacts their resubmission link',
    ports: ['repository', 'mailer', 'signer', 'metrics'],
    table: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
    emailsLinks: true,
  },
  'request-committee-decision': {
    kind: 'task',
    description: "Request…CoChairDecision: one co-chair's link; reminds, escalates",
    ports: ['repository', 'mailer', 'signer', 'metrics'],
    table: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
    emailsLinks: true,
  },
  'award-grant': {
    kind: 'task',
    description: "AwardGrant: reserves the grant in the call's envelope",
    ports: ['repository', 'metrics'],
    table: ['GetItem', 'PutItem', 'UpdateItem'],
  },
  'record-outcome': {
    kind: 'task',
    description: 'RecordRejection / Withdraw / RecordError: the final status the routing decided',
    ports: ['repository', 'metrics'],
    table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
  },
  // Its emails carry the tracking link, signed with the key; its sent-markers live in the table.
  'notify-applicants': {
    kind: 'task',
    description: 'SendReceipt / NotifyIneligible / NotifyWithdrawn / NotifyDecision: both contacts',
    ports: ['repository', 'mailer', 'signer', 'metrics'],
    table: ['GetItem', 'Query', 'PutItem', 'DeleteItem'],
    emailsLinks: true,
  },
  'notify-admins': {
    kind: 'task',
    description: 'NotifyFailure: the admins hear of a failed workflow',
    ports: ['repository', 'mailer', 'metrics'],
    table: ['GetItem', 'Query', 'PutItem', 'DeleteItem'],
  },

  // --- Scheduled sweeps (an EventBridge rule each) ----------------------------------------------
  'send-reminders': {
    kind: 'scheduled',
    description: 'Hourly: deadline reminders to both contacts of the drafts not filed (7 days, 48 hours before the close)',
    schedule: 'rate(1 hour)',
    ports: ['repository', 'mailer', 'signer', 'metrics'],
    table: ['Query', 'PutItem', 'DeleteItem'],
    emailsLinks: true,
    timeoutSeconds: 300,
  },

  // --- Events of AWS services (an EventBridge rule each) ----------------------------------------
  'record-scan': {
    kind: 'event',
    event: 'malware-scan',
    description: "GuardDuty's verdict on a document: clean is recorded, a threat refuses the document and deletes its object",
    ports: ['repository', 'documents'],
    table: ['GetItem', 'UpdateItem'],
    documents: 'remove',
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionName = keyof typeof FUNCTIONS_TABLE;
export type ApiFunctionName = { [N in FunctionName]: (typeof FUNCTIONS_TABLE)[N]['kind'] extends 'api' ? N : never }[FunctionName];
export type TaskFunctionName = { [N in FunctionName]: (typeof FUNCTIONS_TABLE)[N]['kind'] extends 'task' ? N : never }[FunctionName];
export type ScheduledFunctionName = { [N in FunctionName]: (typeof FUNCTIONS_TABLE)[N]['kind'] extends 'scheduled' ? N : never }[FunctionName];
export type EventFunctionName = Exclude<FunctionName, ApiFunctionName | TaskFunctionName | ScheduledFunctionName>;

/** The declarations, by function name. */
export const FUNCTIONS: { readonly [N in FunctionName]: (typeof FUNCTIONS_TABLE)[N] & FunctionDeclaration } = FUNCTIONS_TABLE;

export const functionNames = Object.keys(FUNCTIONS) as FunctionName[];
export const apiFunctionNames = functionNames.filter((n): n is ApiFunctionName => FUNCTIONS[n].kind === 'api');
export const taskFunctionNames = functionNames.filter((n): n is TaskFunctionName => FUNCTIONS[n].kind === 'task');
export const scheduledFunctionNames = functionNames.filter((n): n is ScheduledFunctionName => FUNCTIONS[n].kind === 'scheduled');
export const eventFunctionNames = functionNames.filter((n): n is EventFunctionName => FUNCTIONS[n].kind === 'event');

/** `functions/<name>/handler.ts`, relative to the repository root. */
export const entryOf = (name: FunctionName): string => `functions/${name}/handler.ts`;

/** Lambda's timeout when a declaration sets none. */
export const DEFAULT_TIMEOUT_SECONDS = 10;
