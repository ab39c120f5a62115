import { Duration, Validations } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { statuses } from '../../shared/domain/status.ts';
import type { StageConfig } from '../config.ts';
import { type FunctionName, taskFunctionNames } from '../../shared/catalogue/functions.ts';
import { metricsNamespace, SERVICE_DIMENSION, SERVICE_NAME, statusMetric, TASK_DIMENSION, TASK_FAILED, TASK_SUCCEEDED } from '../../shared/config/metrics.ts';
import type { AppFunction } from './app-function.ts';

const FIVE_MINUTES = Duration.minutes(5);

/**
 * SES reputation thresholds (account-level rates, 0–1). AWS reviews an account from 5 % bounces
 * and 0.1 % complaints and may pause sending from 10 % / 0.5 %: we want to hear long before.
 */
export const SES_BOUNCE_RATE_THRESHOLD = 0.02;
export const SES_COMPLAINT_RATE_THRESHOLD = 0.0005;

/** A metric math alarm may use at most ten metrics: Lambda errors are summed in groups this size. */
const MAX_METRICS_PER_ALARM = 10;

export interface ObservabilityProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly stateMachine: IStateMachine;
  readonly apiStage: Stage;
  /** The REST API's functions and the workflow's, by name. */
  readonly apiFunctions: Readonly<Partial<Record<FunctionName, AppFunction>>>;
  readonly workflowFunctions: Readonly<Partial<Record<FunctionName, AppFunction>>>;
  /** The scheduled sweeps' functions, by name. */
  readonly scheduledFunctions: Readonly<Partial<Record<FunctionName, AppFunction>>>;
  /** The functions an AWS service's event invokes (GuardDuty's scan results), by name. */
  readonly eventFunctions: Readonly<Partial<Record<FunctionName, AppFunction>>>;
}

/**
 * Watching a stage: the alarm topic (email to the admins), the alarms and one dashboard. Counts of
 * applications by status and of task outcomes are the metrics the functions write themselves
 * (EMF, shared/config/metrics.ts), read here under the same namespace and dimensions; no count
 * depends on the wording of a log line. What each alarm means and what to do is in
 * docs/operations.md, under the alarm's id.
 */
export class Observability extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  /** By construct id (`ExecutionsFailed`, `Api5xx`…), the ids the runbook uses. */
  readonly alarms: Record<string, Alarm> = {};
  /** The namespace of the functions' own metrics: one per stage. */
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { config, stateMachine, apiStage, table } = props;
    this.namespace = metricsNamespace(config.stage);
    const allFunctions = { ...props.apiFunctions, ...props.workflowFunctions, ...props.scheduledFunctions, ...props.eventFunctions } as Partial<
      Record<FunctionName, AppFunction>
    >;

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `coopfund ${config.stage} alarms`,
      enforceSSL: true,
    });
    for (const email of config.adminEmails) this.alarmTopic.addSubscription(new EmailSubscription(email));
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values, no personal data; CloudWatch cannot publish to a topic encrypted with the AWS managed key, and a customer key would cost more than it protects.',
    });

    // --- The functions' own metrics (EMF) --------------------------------------------------------
    const own = (metricName: string, period: Duration, label?: string, dimensions: Record<string, string> = {}) =>
      new Metric({
        namespace: this.namespace,
        metricName,
        dimensionsMap: { [SERVICE_DIMENSION]: SERVICE_NAME, ...dimensions },
        statistic: 'Sum',
        period,
        ...(label ? { label } : {}),
      });
    const entered = statuses.map((status) => own(statusMetric(status), Duration.hours(1), status));
    const taskOutcomes = (metricName: string) => taskFunctionNames.map((task) => own(metricName, Duration.hours(1), task, { [TASK_DIMENSION]: task }));

    // --- Metrics ---------------------------------------------------------------------------------
    const sum = { statistic: 'Sum', period: FIVE_MINUTES };
    const executions = {
      started: stateMachine.metricStarted(sum),
      succeeded: stateMachine.metricSucceeded(sum),
      failed: stateMachine.metricFailed(sum),
      timedOut: stateMachine.metricTimedOut(sum),
      aborted: stateMachine.metricAborted(sum),
    };
    const api = {
      count: apiStage.metricCount(sum),
      clientErrors: apiStage.metricClientError(sum),
      serverErrors: apiStage.metricServerError(sum),
      latencyP50: apiStage.metricLatency({ statistic: 'p50', period: FIVE_MINUTES }),
      latencyP99: apiStage.metricLatency({ statistic: 'p99', period: FIVE_MINUTES }),
      integrationP99: apiStage.metricIntegrationLatency({ statistic: 'p99', period: FIVE_MINUTES }),
    };
    // SES publishes account-level metrics only: other senders of the account count too.
    const ses = (metricName: string, statistic = 'Sum', period = FIVE_MINUTES) => new Metric({ namespace: 'AWS/SES', metricName, statistic, period });
    const emails = {
      sent: ses('Send'),
      delivered: ses('Delivery'),
      bounced: ses('Bounce'),
      complaints: ses('Complaint'),
      rejected: ses('Reject'),
      bounceRate: ses('Reputation.BounceRate', 'Maximum', Duration.hours(1)),
      complaintRate: ses('Reputation.ComplaintRate', 'Maximum', Duration.hours(1)),
    };
    const throttles = table.metricThrottledRequestsForOperations({
      operations: [Operation.GET_ITEM, Operation.PUT_ITEM, Operation.UPDATE_ITEM, Operation.DELETE_ITEM, Operation.QUERY],
      period: FIVE_MINUTES,
    });
    const lambdaErrors = (fns: Partial<Record<FunctionName, AppFunction>>) =>
      Object.entries(fns).flatMap(([name, fn]) => (fn ? [fn.metricErrors({ ...sum, label: name })] : []));

    // --- Alarms ----------------------------------------------------------------------------------
    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string, evaluationPeriods = 1) => {
      const a = new Alarm(this, alarmId, {
        alarmName: `coopfund-${config.stage}-${alarmId}`,
        alarmDescription: `${description} See docs/operations.md, "${alarmId}".`,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No traffic is no problem: a quiet fund between calls must not alarm.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new SnsAction(this.alarmTopic));
      a.addOkAction(new SnsAction(this.alarmTopic));
      this.alarms[alarmId] = a;
      return a;
    };

    alarm('ExecutionsFailed', executions.failed, 1, 'A workflow execution failed: an application is in ERROR, or its error could not even be recorded.');
    alarm('ExecutionsTimedOut', executions.timedOut, 1, 'A workflow execution timed out.');
    alarm(
      'ApplicationsInError',
      own(statusMetric('ERROR'), FIVE_MINUTES),
      1,
      'An application entered ERROR: the workflow recorded a failure and emailed the admins its details.',
    );
    alarm('Api5xx', api.serverErrors, 1, 'The API answered 5xx (a bug, or a dependency unavailable).');
    const groups: Array<[string, Partial<Record<FunctionName, AppFunction>>, string]> = [
      ['Api', props.apiFunctions, 'An API function crashed or timed out.'],
      ['Workflow', props.workflowFunctions, 'A workflow function failed (retried when transient).'],
      ['Scheduled', props.scheduledFunctions, 'A scheduled sweep failed (EventBridge retries it; the next run catches up).'],
      ['Events', props.eventFunctions, 'A scan result could not be recorded (EventBridge retries it for a day): a document may stay "scan in progress".'],
    ];
    for (const [group, fns, description] of groups) {
      const metrics = lambdaErrors(fns);
      for (let start = 0; start < metrics.length; start += MAX_METRICS_PER_ALARM) {
        const chunk = metrics.slice(start, start + MAX_METRICS_PER_ALARM);
        const suffix = start === 0 ? '' : String(start / MAX_METRICS_PER_ALARM + 1);
        alarm(
          `LambdaErrors${group}${suffix}`,
          new MathExpression({
            expression: chunk.map((_, i) => `e${i}`).join(' + '),
            usingMetrics: Object.fromEntries(chunk.map((m, i) => [`e${i}`, m])),
            label: `${group} function errors`,
            period: FIVE_MINUTES,
          }),
          1,
          description,
        );
      }
    }
    alarm(
      'SesBounceRate',
      emails.bounceRate,
      SES_BOUNCE_RATE_THRESHOLD,
      `The account's SES bounce rate reached ${SES_BOUNCE_RATE_THRESHOLD * 100} %: AWS may pause sending from 10 %.`,
    );
    alarm(
      'SesComplaintRate',
      emails.complaintRate,
      SES_COMPLAINT_RATE_THRESHOLD,
      `The account's SES complaint rate reached ${SES_COMPLAINT_RATE_THRESHOLD * 100} %: AWS may pause sending from 0.5 %.`,
    );
    alarm('DynamoDbThrottles', throttles, 1, 'Requests to the table were throttled.');

    // --- Dashboard -------------------------------------------------------------------------------
    const fnMetrics = (metric: (fn: AppFunction) => IMetric) => Object.values(allFunctions).flatMap((fn) => (fn ? [metric(fn)] : []));
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `coopfund-${config.stage}`,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: [
          `# coopfund ${config.stage}`,
          "Applications entering each status and workflow tasks by outcome (the functions' own metrics), the workflow, the API, emails and the table.",
          'Current counts by status: `npm run admin -- applications list --call <id> --status <STATUS>`. Runbook: docs/operations.md.',
        ].join('\n\n'),
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Applications entering each status (per hour)', left: entered, stacked: false, width: 16, height: 6 }),
      new SingleValueWidget({ title: 'Over the period shown', metrics: entered, setPeriodToTimeRange: true, width: 8, height: 6 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Workflow tasks succeeded, by task (per hour)', left: taskOutcomes(TASK_SUCCEEDED), width: 12 }),
      new GraphWidget({ title: 'Workflow tasks failed, by task (per hour; retried when transient)', left: taskOutcomes(TASK_FAILED), width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Workflow executions',
        left: [executions.started, executions.succeeded, executions.failed, executions.timedOut, executions.aborted],
        width: 12,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms) as IAlarm[], width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'API requests and errors', left: [api.count], right: [api.clientErrors, api.serverErrors], width: 12 }),
      new GraphWidget({ title: 'API latency (ms)', left: [api.latencyP50, api.latencyP99, api.integrationP99], width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Lambda errors', left: fnMetrics((fn) => fn.metricErrors(sum)), width: 12 }),
      new GraphWidget({
        title: 'Lambda duration p99 (ms)',
        left: fnMetrics((fn) => fn.metricDuration({ statistic: 'p99', period: FIVE_MINUTES })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Emails (SES, whole account)',
        left: [emails.sent, emails.delivered, emails.bounced, emails.complaints, emails.rejected],
        width: 12,
      }),
      new GraphWidget({
        title: 'SES reputation (alarm thresholds)',
        left: [emails.bounceRate, emails.complaintRate],
        leftAnnotations: [
          { value: SES_BOUNCE_RATE_THRESHOLD, label: 'bounce alarm' },
          { value: SES_COMPLAINT_RATE_THRESHOLD, label: 'complaint alarm' },
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'DynamoDB throttled requests', left: [throttles], width: 12 }),
      new GraphWidget({
        title: 'DynamoDB consumed capacity',
        left: [table.metricConsumedReadCapacityUnits(sum), table.metricConsumedWriteCapacityUnits(sum)],
        width: 12,
      }),
    );
  }
}
