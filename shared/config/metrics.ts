import type { Status } from '../domain/status.ts';

/**
 * The CloudWatch metrics the functions write (as EMF lines in their logs, shared/adapters/emf-metrics.ts)
 * and the alarms and dashboard read (infra/constructs/observability.ts). Declared once here, so that
 * both sides name the same namespace, metrics and dimensions.
 */

/** The `service` dimension of every metric (Powertools' default dimension), and of every log line. */
export const SERVICE_NAME = 'coopfund';
/** Powertools' name for that dimension. */
export const SERVICE_DIMENSION = 'service';

/** One namespace per stage (`coopfund/prod`); a function gets it in `ENV.metricsNamespace`. */
export const metricsNamespace = (stage: string): string => `${SERVICE_NAME}/${stage}`;

/** `IN_COMMITTEE` → `ApplicationsInCommittee`: one count each time an application enters that status. */
export const statusMetric = (status: Status): `Applications${string}` =>
  `Applications${status
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')}`;

/** A workflow task's invocation ended, by its outcome; counted with the `task` dimension. */
export const TASK_SUCCEEDED = 'TaskSucceeded';
export const TASK_FAILED = 'TaskFailed';
/** The dimension naming the task: its function's name in shared/catalogue/functions.ts. */
export const TASK_DIMENSION = 'task';

export type MetricName = ReturnType<typeof statusMetric> | typeof TASK_SUCCEEDED | typeof TASK_FAILED;
