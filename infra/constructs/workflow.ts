import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  Fail,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  Parallel,
  Pass,
  Result,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  type TaskStateBase,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/env.ts';
import type { CoChairSide } from '../../shared/schemas/call.ts';
import { FUNCTIONS, type FunctionDeclaration, type TaskFunctionName, taskFunctionNames } from '../../shared/catalogue/functions.ts';
import { type ApplicantTemplate, STATES } from '../../shared/workflow/contract.ts';
import type { StageConfig } from '../config.ts';
import { AppFunction, type FunctionDefaults, pascal } from './app-function.ts';
import type { SharedResources } from './permissions.ts';

/**
 * Errors worth retrying: Lambda's own service errors, our `TransientError` (throttling, 5xx of a
 * dependency), and a function that ran out of time (`Sandbox.Timedout`: a dependency that hung
 * through the SDK's own retries; every task is safe to run again). Everything else is a bug or a
 * business outcome and goes to RecordError at once.
 */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Sandbox.Timedout',
  'TransientError',
] as const;

/** States of ours that are not in the contract (no Lambda behind them). */
export const HELPER_STATES = {
  reviewTimedOut: 'ReviewTimedOut',
  frenchCoChairTimedOut: 'FrenchCoChairTimedOut',
  moroccanCoChairTimedOut: 'MoroccanCoChairTimedOut',
  frenchCoChairVerdict: 'FrenchCoChairVerdict',
  moroccanCoChairVerdict: 'MoroccanCoChairVerdict',
  frenchCoChairApproved: 'FrenchCoChairApproved',
  moroccanCoChairApproved: 'MoroccanCoChairApproved',
  frenchCoChairRejected: 'FrenchCoChairRejected',
  moroccanCoChairRejected: 'MoroccanCoChairRejected',
  unexpectedResult: 'UnexpectedTaskResult',
  done: 'Done',
  failed: 'Failed',
} as const;

/**
 * The error a co-chair's rejection fails its Committee branch with: an award needs both co-chairs,
 * so one rejection decides, and failing the Parallel stops the other branch's wait at once.
 */
export const COMMITTEE_REJECTED = 'CommitteeRejected';

export interface WorkflowProps {
  readonly config: StageConfig;
  readonly defaults: FunctionDefaults;
  /** Without the state machine: none of the workflow's own functions may start or resume it. */
  readonly resources: Omit<SharedResources, 'stateMachine'>;
  /** Base URL of every link the workflow emails (no trailing slash). */
  readonly baseUrl: string;
}

/** How a task's failures are handled, besides the Retry its declaration implies. */
type OnError =
  /** Any error that is not retried goes to RecordError (the default). */
  | 'record'
  /** In a Parallel branch: its errors fail the Parallel, which is caught instead. */
  | 'branch'
  /** Part of the error path itself (RecordError, NotifyFailure): wired by hand below. */
  | 'error-path';

/**
 * The application workflow (Standard, JSONPath): eligibility → review → committee → award, each
 * Task a Lambda function, state names from `shared/workflow/contract.ts`. State data keeps
 * `applicationId` at the top; each task writes only what a later state reads, under its ResultPath.
 */
export class Workflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly functions: Record<TaskFunctionName, AppFunction>;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { config } = props;

    // Every task function of the catalogue; a state names the one it invokes.
    const fns = Object.fromEntries(
      taskFunctionNames.map((name) => [
        name,
        new AppFunction(this, `${pascal(name)}Function`, {
          name,
          defaults: props.defaults,
          resources: props.resources,
          environment: { [ENV.baseUrl]: props.baseUrl },
        }),
      ]),
    ) as Record<TaskFunctionName, AppFunction>;
    this.functions = fns;

    /** The tasks whose errors go to RecordError, caught in the error block below. */
    const recorded: TaskStateBase[] = [];
    const applicationId = JsonPath.stringAt('$.applicationId');
    /**
     * A task: its function's declaration gives its Retry; `onError` its Catch. With `waitSeconds`,
     * a human decision: the function stores the token and emails a link, and the task waits.
     */
    const task = (
      stateName: string,
      fn: TaskFunctionName,
      payload: Record<string, unknown>,
      resultPath: string,
      options: { waitSeconds?: number; onError?: OnError } = {},
    ) => {
      const waits = options.waitSeconds !== undefined;
      const state = LambdaInvoke.jsonPath(this, stateName, {
        lambdaFunction: fns[fn],
        retryOnServiceExceptions: false,
        resultPath,
        ...(waits
          ? {
              integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
              payload: TaskInput.fromObject({ applicationId, taskToken: JsonPath.taskToken, ...payload }),
              taskTimeout: Timeout.duration(Duration.seconds(options.waitSeconds ?? 0)),
            }
          : { payloadResponseOnly: true, payload: TaskInput.fromObject({ applicationId, ...payload }) }),
      });
      if (((FUNCTIONS[fn] as FunctionDeclaration).retry ?? 'transient') === 'transient') {
        state.addRetry({ errors: [...TRANSIENT_ERRORS], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 4 });
      }
      if ((options.onError ?? 'record') === 'record') recorded.push(state);
      return state;
    };
    const invoke = (stateName: string, fn: TaskFunctionName, payload: Record<string, unknown>, resultPath: string, onError?: OnError) =>
      task(stateName, fn, payload, resultPath, onError ? { onError } : {});
    const waitFor = (stateName: string, fn: TaskFunctionName, payload: Record<string, unknown>, waitSeconds: number, resultPath: string, onError?: OnError) =>
      task(stateName, fn, payload, resultPath, { waitSeconds, ...(onError && { onError }) });
    const notify = (stateName: string, template: ApplicantTemplate) => invoke(stateName, 'notify-applicants', { template }, JsonPath.DISCARD);

    // --- States, in the order they run ---------------------------------------------------------
    const sendReceipt = notify(STATES.sendReceipt, 'received');
    // No ResultSelector: a result missing the field it names would fail the execution with
    // States.Runtime, which no Catch takes, so the application would never be marked ERROR. The
    // Choices below test presence instead and send a broken contract to UnexpectedTaskResult.
    const checkEligibility = invoke(STATES.checkEligibility, 'check-eligibility', {}, '$.eligibility');
    const isEligible = new Choice(this, STATES.isEligible);
    const notifyIneligible = notify(STATES.notifyIneligible, 'ineligible');
    // Who the reviewer is stays in the table: the result is only the status.
    const assignReviewer = invoke(STATES.assignReviewer, 'assign-reviewer', {}, JsonPath.DISCARD);
    const requestReview = waitFor(STATES.requestReview, 'request-review', {}, config.reviewTimeoutSeconds, '$.review');
    const reviewTimedOut = new Pass(this, HELPER_STATES.reviewTimedOut, {
      comment: 'Back to RequestReview: it finds its open task, reminds the reviewer or escalates, and waits again.',
    });
    const recordReview = invoke(STATES.recordReview, 'record-review', { review: JsonPath.objectAt('$.review') }, '$.reviewResult');
    const reviewOutcome = new Choice(this, STATES.reviewOutcome);
    // The reviewer's comment is read from the application, never carried in the payload.
    const requestChanges = waitFor(STATES.requestChanges, 'request-changes', {}, config.resubmissionTimeoutSeconds, '$.resubmission');
    const withdraw = invoke(STATES.withdraw, 'record-outcome', { status: 'WITHDRAWN' }, JsonPath.DISCARD);
    const notifyWithdrawn = notify(STATES.notifyWithdrawn, 'withdrawn');
    const coChair = (stateName: string, side: CoChairSide) =>
      // The branch's output is the decision itself: Committee collects [FR, MA].
      waitFor(stateName, 'request-committee-decision', { side }, config.committeeTimeoutSeconds, '$', 'branch');
    const frenchCoChair = coChair(STATES.requestFrenchCoChair, 'FR');
    const moroccanCoChair = coChair(STATES.requestMoroccanCoChair, 'MA');
    const frenchTimedOut = new Pass(this, HELPER_STATES.frenchCoChairTimedOut, { comment: 'Back to the same decision (reminder).' });
    const moroccanTimedOut = new Pass(this, HELPER_STATES.moroccanCoChairTimedOut, { comment: 'Back to the same decision (reminder).' });
    /** After a co-chair's decision: a rejection fails the branch (and so the Committee), else it ends. */
    const verdict = (choiceName: string, approvedName: string, rejectedName: string) =>
      new Choice(this, choiceName)
        .when(
          Condition.stringEquals('$.decision', 'reject'),
          new Fail(this, rejectedName, { error: COMMITTEE_REJECTED, cause: 'A co-chair rejected the application' }),
        )
        .otherwise(new Succeed(this, approvedName));
    const frenchVerdict = verdict(HELPER_STATES.frenchCoChairVerdict, HELPER_STATES.frenchCoChairApproved, HELPER_STATES.frenchCoChairRejected);
    const moroccanVerdict = verdict(HELPER_STATES.moroccanCoChairVerdict, HELPER_STATES.moroccanCoChairApproved, HELPER_STATES.moroccanCoChairRejected);
    const committee = new Parallel(this, STATES.committee, { resultPath: '$.committee' });
    const committeeOutcome = new Choice(this, STATES.committeeOutcome);
    const awardGrant = invoke(STATES.awardGrant, 'award-grant', { decisions: JsonPath.objectAt('$.committee') }, '$.award');
    // No decisions in the payload: after a rejection the Committee failed and left no output; the
    // use case reads both co-chairs' decisions from their tasks.
    const recordRejection = invoke(STATES.recordRejection, 'record-outcome', { status: 'REJECTED' }, JsonPath.DISCARD);
    const notifyDecision = notify(STATES.notifyDecision, 'decision');
    const done = new Succeed(this, HELPER_STATES.done);

    const unexpectedResult = new Pass(this, HELPER_STATES.unexpectedResult, {
      comment: 'A Choice matched no rule: a task broke its contract. Treated as a failure.',
      result: Result.fromObject({ Error: 'UnexpectedTaskResult', Cause: 'No Choice rule matched the task result' }),
      resultPath: '$.error',
    });
    const recordError = invoke(STATES.recordError, 'record-outcome', { status: 'ERROR', error: JsonPath.objectAt('$.error') }, JsonPath.DISCARD, 'error-path');
    const notifyFailure = invoke(STATES.notifyFailure, 'notify-admins', { error: JsonPath.objectAt('$.error') }, JsonPath.DISCARD, 'error-path');
    const failed = new Fail(this, HELPER_STATES.failed, {
      error: 'WorkflowFailed',
      cause: 'The application was marked ERROR and the admins were notified',
    });

    // --- Happy paths, top to bottom --------------------------------------------------------------
    const approved = (i: number) => Condition.stringEquals(`$.committee[${i}].decision`, 'approve');
    /** A Choice on a task's result: absent is no match (rather than States.Runtime, which no Catch takes). */
    const present = (path: string, condition: Condition) => Condition.and(Condition.isPresent(path), condition);
    committee.branch(frenchCoChair.next(frenchVerdict)).branch(moroccanCoChair.next(moroccanVerdict));
    const definition = sendReceipt.next(checkEligibility).next(
      isEligible
        .when(present('$.eligibility.eligible', Condition.booleanEquals('$.eligibility.eligible', false)), notifyIneligible.next(done))
        .when(
          present('$.eligibility.eligible', Condition.booleanEquals('$.eligibility.eligible', true)),
          assignReviewer
            .next(requestReview)
            .next(recordReview)
            .next(
              reviewOutcome
                .when(present('$.reviewResult.next', Condition.stringEquals('$.reviewResult.next', 'changes')), requestChanges.next(sendReceipt))
                .when(
                  present('$.reviewResult.next', Condition.stringEquals('$.reviewResult.next', 'committee')),
                  committee.next(
                    committeeOutcome
                      .when(Condition.and(approved(0), approved(1)), awardGrant.next(notifyDecision))
                      .otherwise(recordRejection.next(notifyDecision)),
                  ),
                )
                .otherwise(unexpectedResult),
            ),
        )
        .otherwise(unexpectedResult),
    );
    notifyDecision.next(done);
    unexpectedResult.next(recordError);

    // --- Timeouts and errors, in one block -------------------------------------------------------
    // A wait that times out is no failure. A review or a co-chair decision goes back to the same
    // state, whose function finds its open task, reminds or escalates, and waits again (a state
    // cannot catch into itself, hence the Pass). A resubmission that never comes withdraws.
    const noResult = { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD };
    requestReview.addCatch(reviewTimedOut, noResult);
    reviewTimedOut.next(requestReview);
    frenchCoChair.addCatch(frenchTimedOut, noResult);
    frenchTimedOut.next(frenchCoChair);
    moroccanCoChair.addCatch(moroccanTimedOut, noResult);
    moroccanTimedOut.next(moroccanCoChair);
    requestChanges.addCatch(withdraw, noResult);
    withdraw.next(notifyWithdrawn).next(done);

    // Anything else fails the application visibly: RecordError → NotifyFailure → Failed. The
    // co-chair tasks cannot leave their branch: their errors fail Committee, which is caught here.
    const toRecordError = { errors: [Errors.ALL], resultPath: '$.error' };
    for (const state of recorded) state.addCatch(recordError, toRecordError);
    // First match wins: a rejection is an outcome, not an error, so its catcher comes first.
    committee.addCatch(recordRejection, { errors: [COMMITTEE_REJECTED], resultPath: JsonPath.DISCARD });
    committee.addCatch(recordError, toRecordError);
    // If the error cannot even be recorded, the admins must still hear of it.
    recordError.addCatch(notifyFailure, { errors: [Errors.ALL], resultPath: JsonPath.DISCARD });
    recordError.next(notifyFailure).next(failed);

    const logs = new LogGroup(this, 'Logs', {
      retention: props.defaults.logRetention,
      removalPolicy: props.defaults.logRemovalPolicy,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      comment: 'coopfund application workflow',
      definitionBody: DefinitionBody.fromChainable(definition),
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: false,
    });
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-SF2',
      reason:
        "X-Ray is off everywhere: the functions carry no tracer, so a trace would hold the state transitions and none of the calls the tasks make. The execution history, the state machine's logs and the functions' EMF metrics show the flow.",
    });

    const role = this.stateMachine.role;
    for (const name of taskFunctionNames) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fns[name].node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: `LambdaInvoke grants every version and alias of ${name} (function ARN plus ":*"), that function only.`,
      });
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Log delivery (logs:*LogDelivery*, DescribeLogGroups…) has no resource-level permissions.',
    });
  }
}
