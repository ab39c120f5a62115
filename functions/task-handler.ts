import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { emfMetrics } from '../shared/adapters/emf-metrics.ts';
import { type AdaptersOf, type Ports, wirePorts } from '../shared/adapters/wiring.ts';
import type { FUNCTIONS, ScheduledFunctionName, TaskFunctionName } from '../shared/catalogue/functions.ts';
import { TASK_DIMENSION, TASK_FAILED, TASK_SUCCEEDED } from '../shared/config/metrics.ts';
import type { Metrics } from '../shared/ports/index.ts';
import { parseOrThrow } from '../shared/use-cases/validate.ts';
import { scrubTaskError } from '../shared/workflow/task-error.ts';

/** Every task's event names its application. */
export const applicationId = z.string().min(1);
export const applicationRef = z.object({ applicationId });
/** The token of a waiting task (`$$.Task.Token`): stored, never logged nor emailed. */
export const taskToken = z.string().min(1);
/** What a Catch put under `$.error`: whatever it holds, a failure must stay recordable. */
export const taskError = z.object({ Error: z.string().optional(), Cause: z.string().optional() }).catch({});

/** Every task declares the metrics port (its outcome is counted): one that does not, does not compile here. */
type CountedTaskName = {
  [N in TaskFunctionName]: 'metrics' extends (typeof FUNCTIONS)[N]['ports'][number] ? N : never;
}[TaskFunctionName];

export interface TaskHandlerOptions<N extends CountedTaskName, S extends z.ZodType<{ applicationId: string }>, T> {
  /** Its declaration in shared/catalogue/functions.ts. */
  readonly name: N;
  /** Exactly the adapters the declaration names, but metrics: every task writes EMF lines. */
  readonly adapters: Omit<AdaptersOf<N>, 'metrics'>;
  /** The event the state machine sends (the payload of its state in infra/constructs/workflow.ts). */
  readonly input: S;
  /** The one use case. */
  readonly run: (ports: Ports, input: z.output<S>) => Promise<T>;
  /** What the `task done` log line says besides the application id: codes and counts, never personal data. */
  readonly summary?: (output: T, input: z.output<S>) => Record<string, unknown>;
}

/**
 * A workflow task's handler: wires its ports at module scope (a missing variable fails the cold
 * start), parses the event with its schema, runs the use case, logs the outcome with the
 * application id, counts it (and the statuses it wrote), and returns the use case's result to
 * the state machine.
 */
export function taskHandler<N extends CountedTaskName, S extends z.ZodType<{ applicationId: string }>, T>(
  options: TaskHandlerOptions<N, S, T>,
): (event: unknown) => Promise<T> {
  const ports = wirePorts(options.name, { ...options.adapters, metrics: emfMetrics } as unknown as AdaptersOf<N>);
  const logger = new Logger({ persistentKeys: { task: options.name } });
  return (event) =>
    countTask(ports.metrics, options.name, () => {
      const input = parseTaskEvent(options.input, event);
      return runTask(
        logger,
        input.applicationId,
        () => options.run(ports, input),
        (output) => options.summary?.(output, input) ?? {},
      );
    });
}

/** Parses a task's event at the edge; a malformed event is a wiring bug, never retried. */
export function parseTaskEvent<S extends z.ZodType>(schema: S, event: unknown): z.output<S> {
  return parseOrThrow(schema, event, 'malformed task event');
}

/** The part of Powertools' Logger a task handler uses. */
export interface TaskLog {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/**
 * Runs one task invocation and logs its outcome with the application id. Never the event (it may
 * hold a task token) nor an error's message (an SES rejection names addresses): the error's name
 * is what the state machine matches, and is enough to find the line.
 */
export async function runTask<T>(
  log: TaskLog,
  applicationId: string,
  run: () => Promise<T>,
  summary: (output: T) => Record<string, unknown> = () => ({}),
): Promise<T> {
  try {
    const output = await run();
    log.info('task done', { applicationId, ...summary(output) });
    return output;
  } catch (error) {
    log.error('task failed', { applicationId, errorName: error instanceof Error ? error.name : typeof error });
    throw scrubTaskError(error);
  }
}

/**
 * Counts one task invocation by its outcome (`TaskSucceeded` or `TaskFailed`, dimension `task`),
 * a malformed event included, then publishes everything the invocation counted, whatever happened.
 */
export async function countTask<T>(metrics: Metrics, task: TaskFunctionName | ScheduledFunctionName, run: () => Promise<T>): Promise<T> {
  try {
    const output = await run();
    metrics.count(TASK_SUCCEEDED, { [TASK_DIMENSION]: task });
    return output;
  } catch (error) {
    metrics.count(TASK_FAILED, { [TASK_DIMENSION]: task });
    throw error;
  } finally {
    await metrics.publish();
  }
}
