import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { functionNameFromReference } from '../template.ts';
import { SfnServiceError } from './errors.ts';
import { openJournal, readJournals } from './journal.ts';
import type { Journal, JournalRecord } from './journal.ts';

/**
 * A local Step Functions service for one state machine, over aws-local-stepfunctions.
 *
 * Every Task runs through `taskResourceLocalHandlers`, which receive the state's effective input
 * (InputPath and Parameters applied): a plain Lambda task (Resource = function ARN) gets it as its
 * payload; `lambda:invoke` and `lambda:invoke.waitForTaskToken` get `Parameters.Payload`, the
 * function named by `Parameters.FunctionName`. `invoke(functionLogicalId, payload)` runs it. A
 * waiting task then parks on its token until SendTaskSuccess / SendTaskFailure / its timeout.
 *
 * Durable: with `journalDir`, each execution is journaled (see journal.ts) and `resume()` replays
 * the unfinished ones after a restart, feeding back the journaled task results instead of invoking
 * the Lambdas again, then carries on live. Task tokens are derived from (execution, state,
 * occurrence of that state, a journaled salt), so a replay recreates the very token a Lambda
 * stored and mailed; occurrences, not a global counter, because the two branches of a Parallel
 * may interleave differently on replay.
 *
 * Worked around in aws-local-stepfunctions 3.0.0:
 * - `$$.Task.Token` is read from the `context` run option: it holds a placeholder, which each task
 *   handler replaces in its own payload with its own token (the handler knows its state).
 * - Task TimeoutSeconds: the library's timer overflows past 2,147,483 s, defaults to 60 s, cannot
 *   resume with the remaining time, and its StatesTimeoutError class (which States.TaskFailed must
 *   not match) is not exported. Ours runs the timeouts, borrowing that class; the library's timer
 *   is set to its largest safe value. HeartbeatSeconds (ignored by the library) and the
 *   execution's TimeoutSeconds (not resumable there) are ours too.
 * - `ResultPath: "$"` stores the result under a key "$": dropped from the copy the library runs.
 * - A failing Parallel branch aborts the others but leaves their tasks pending: their waits are
 *   closed here when the Parallel state fails.
 * - Events come through an async generator that lags behind the task handlers: our task events
 *   are held until their state's StateEntered/StateRetried is in the history, so the history
 *   reads in the service's order.
 * - JSONata, Assign and variables are refused at creation (the library runs them wrong).
 * Not worked around: `$$.Execution.StartTime` is the start of the current run (a replay's is the
 * restart time); `$$.Execution.Input` inside a Parallel branch is the branch's input; `$$.State`
 * is absent; TimeoutSecondsPath is left to the library (no resume, no clamp); a Map iterating the
 * same Task concurrently numbers its invocations in an order timing decides, so its replay may mismatch.
 */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One history event, as GetExecutionHistory returns it (details under `<type>EventDetails`). */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  /** JSON text, as the service returns it. */
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

export type ExecutionListItem = Pick<ExecutionDescription, 'executionArn' | 'stateMachineArn' | 'name' | 'status' | 'startDate' | 'stopDate'>;

export interface PendingTask {
  executionArn: string;
  stateName: string;
  /** The task token (local only: never log it). */
  token: string;
  startedAt: Date;
  /** When it times out (States.Timeout), if it has a TimeoutSeconds. */
  deadline?: Date;
}

export interface EngineOptions {
  /** Plain ASL (LocalTemplate.stateMachine.definition). Validated at creation. */
  definition: object;
  stateMachineArn: string;
  /** Runs a function; rejects with an Error whose `name` is the Lambda's errorType. */
  invoke: (functionLogicalId: string, payload: unknown) => Promise<unknown>;
  /**
   * Lambda ARN / function name → logical id (LocalTemplate.stateMachine.functionByResource).
   * Default: the function name in the ARN is taken as the logical id.
   */
  functionByResource?: ReadonlyMap<string, string> | Record<string, string>;
  /** Where executions are journaled (created if missing). Without it, nothing survives close(). */
  journalDir?: string;
  /** Multiplies every TimeoutSeconds / HeartbeatSeconds (task and execution), e.g. 0.01 for demos. */
  timeoutScale?: number;
  /** Retry pauses in ms, per state as in aws-local-stepfunctions; key `*` applies to every state. */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /** Wait state durations in ms, per state; key `*` applies to every Wait state. */
  waitTimeOverrides?: Record<string, number>;
  /** Diagnostics (resume, replay warnings). Never given tokens or payloads. */
  log?: (line: string) => void;
  /** Called for every new history event (not for those reloaded from the journal). */
  onEvent?: (event: HistoryEvent, execution: { executionArn: string; name: string }) => void;
}

export interface Engine {
  readonly stateMachineArn: string;
  /** The definition as given (before the engine's own adjustments), as DescribeStateMachine returns it. */
  readonly definition: object;
  /**
   * StartExecution. `input` is JSON text (as the API takes it) or a value to serialize; default `{}`.
   * Same name and input as a RUNNING execution → that execution (idempotent, as the service);
   * otherwise an existing name → ExecutionAlreadyExists.
   */
  startExecution(req: { name?: string; input?: unknown }): Promise<{ executionArn: string; startDate: Date }>;
  describeExecution(executionArn: string): Promise<ExecutionDescription>;
  getExecutionHistory(
    executionArn: string,
    opts?: { maxResults?: number; nextToken?: string; reverseOrder?: boolean; includeExecutionData?: boolean },
  ): Promise<{ events: HistoryEvent[]; nextToken?: string }>;
  listExecutions(opts?: {
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ executions: ExecutionListItem[]; nextToken?: string }>;
  /** `output` is JSON text (InvalidOutput if not JSON) or a value to serialize. */
  sendTaskSuccess(taskToken: string, output: unknown): Promise<void>;
  sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void>;
  sendTaskHeartbeat(taskToken: string): Promise<void>;
  stopExecution(executionArn: string, opts?: { error?: string; cause?: string }): Promise<{ stopDate: Date }>;
  /**
   * Loads the journal: finished executions become describable again, unfinished ones are replayed
   * and continue live. Resolves once every replay has caught up (its waiting tasks accept their
   * tokens again). Call once, after createEngine and before serving.
   */
  resume(): Promise<{ resumed: string[]; finished: number }>;
  /** Resolves when the execution is no longer RUNNING (rejects after `timeoutMs`, default 30 s). */
  waitForExecution(executionArn: string, timeoutMs?: number): Promise<ExecutionDescription>;
  /** The waiting tasks now open (for the local stack's diagnostics and tests). */
  pendingTasks(executionArn?: string): PendingTask[];
  /** Stops every run without closing them in the journal (they resume next time); frees timers. */
  close(): Promise<void>;
}

/** Node's timers hold at most 2^31-1 ms; longer delays are chained. */
const MAX_TIMER_MS = 2_147_483_647;
/** The library's own task timer is set to its largest safe value: ours decides. */
const LIBRARY_TASK_TIMEOUT_SECONDS = 2_147_483;
const REGION_OF_ARN = /^arn:[^:]+:states:([^:]+):([^:]+):stateMachine:(.+)$/;
/** What `$$.Task.Token` resolves to in the library; each task swaps in its own token. */
const TOKEN_PLACEHOLDER = '__local-sfn-task-token__';

type TaskKind = 'lambda' | 'invoke' | 'wait' | 'unsupported';
interface TaskSpec {
  name: string;
  resource: string;
  kind: TaskKind;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** Parallel states this task sits in (innermost last). */
  parallels: string[];
}

interface Pending {
  token?: string;
  state: string;
  n: number;
  startedAt: number;
  parkedAt: number;
  deadline: number | null;
  heartbeatMs: number | null;
  settle: (outcome: { ok: true; output: unknown } | { ok: false; error: Error }) => void;
  timers: Array<() => void>;
  /** Restarts the heartbeat countdown (HeartbeatSeconds). */
  beat?: () => void;
}

interface Execution {
  name: string;
  arn: string;
  input: string;
  startDate: Date;
  salt: string;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  historyKeys: Set<string>;
  journal?: Journal;
  // Replay: what the journal says happened, by `${state}#${n}`.
  results: Map<string, Extract<JournalRecord, { t: 'result' }>>;
  waits: Map<string, Extract<JournalRecord, { t: 'wait' }>>;
  submitted: Set<string>;
  heartbeats: Map<string, number>;
  cancelled: Set<string>;
  unconsumed: Set<string>;
  caughtUp?: () => void;
  // Live.
  occurrences: Map<string, number>;
  seq: number;
  eventCounts: Map<string, number>;
  /** Per state: StateEntered/StateRetried events the history has seen, and task events held back. */
  triggers: Map<string, number>;
  held: Map<string, Array<{ n: number; draft: HistoryDraft }>>;
  pending: Map<string, Pending>;
  /** Plain task invocations under way, each with its abandon function. */
  inflight: Set<() => void>;
  stopping?: 'stop' | 'timeout' | 'close';
  abort?: () => void;
  timers: Array<() => void>;
  done: Promise<void>;
  markDone: () => void;
}

interface HistoryDraft {
  key: string;
  type: string;
  at: number;
  details?: Record<string, unknown>;
}

interface TimeoutErrorClass {
  new (): Error;
}

export function createEngine(options: EngineOptions): Engine {
  const log = options.log ?? (() => undefined);
  const scale = options.timeoutScale ?? 1;
  if (!(scale > 0)) throw new Error('timeoutScale must be > 0');
  const smArn = options.stateMachineArn;
  const arnParts = REGION_OF_ARN.exec(smArn);
  if (!arnParts) throw new Error(`not a state machine ARN: ${smArn}`);
  const [, region, account, smName] = arnParts as unknown as [string, string, string, string];

  const definition = structuredClone(options.definition) as StateMachineDefinition & { TimeoutSeconds?: number };
  const definitionHash = createHash('sha256').update(JSON.stringify(definition)).digest('hex');
  if ((definition as { QueryLanguage?: string }).QueryLanguage === 'JSONata') {
    throw new Error('JSONata state machines are not supported locally (aws-local-stepfunctions runs them wrong); use JSONPath');
  }
  const executionTimeoutSeconds = definition.TimeoutSeconds;
  const tasks = collectTasks(definition.States as unknown as Record<string, Record<string, unknown>>, []);
  // Validates the definition as written; runs a copy whose timeouts are ours (see prepare()).
  new StateMachine(definition);
  const machine = new StateMachine(prepare(definition), { validationOptions: { noValidate: true } });

  const functionMap = new Map<string, string>(
    options.functionByResource instanceof Map ? options.functionByResource : Object.entries((options.functionByResource ?? {}) as Record<string, string>),
  );
  const functionOf = (ref: string): string => functionMap.get(ref) ?? functionMap.get(functionNameFromReference(ref)) ?? functionNameFromReference(ref);

  const executions = new Map<string, Execution>();
  const byName = new Map<string, Execution>();
  const tokens = new Map<string, { exec: Execution; key: string }>();
  let closed = false;
  let timeoutErrorClass: TimeoutErrorClass | undefined;
  const ready = captureTimeoutErrorClass().then((c) => {
    timeoutErrorClass = c;
  });

  const executionArnOf = (name: string) => `arn:aws:states:${region}:${account}:execution:${smName}:${name}`;

  // ---------- history ----------

  const appendHistory = (exec: Execution, draft: HistoryDraft, live = true) => {
    if (exec.historyKeys.has(draft.key)) return;
    exec.historyKeys.add(draft.key);
    const id = exec.history.length + 1;
    const event: HistoryEvent = {
      id,
      previousEventId: id - 1,
      timestamp: new Date(draft.at),
      type: draft.type,
      ...(draft.details ?? {}),
    };
    exec.history.push(event);
    if (!live) return;
    exec.journal?.append({ t: 'event', key: draft.key, type: draft.type, at: draft.at, ...(draft.details ? { details: draft.details } : {}) });
    try {
      options.onEvent?.(event, { executionArn: exec.arn, name: exec.name });
    } catch (e) {
      log(`onEvent hook failed: ${(e as Error).message}`);
    }
  };

  /**
   * The library reports StateEntered/StateRetried through an async generator, so it lags behind
   * our task handler, which runs right after each of them. A task event of occurrence n of a
   * state waits until the history has seen that state's n-th StateEntered/StateRetried.
   */
  const emitTaskEvent = (exec: Execution, state: string, n: number, draft: HistoryDraft) => {
    if (exec.status !== 'RUNNING') return;
    if ((exec.triggers.get(state) ?? 0) >= n) appendHistory(exec, draft);
    else exec.held.set(state, [...(exec.held.get(state) ?? []), { n, draft }]);
  };
  const triggered = (exec: Execution, state: string) => {
    const seen = (exec.triggers.get(state) ?? 0) + 1;
    exec.triggers.set(state, seen);
    const held = exec.held.get(state) ?? [];
    for (const h of held) if (h.n <= seen) appendHistory(exec, h.draft);
    exec.held.set(
      state,
      held.filter((h) => h.n > seen),
    );
  };

  const onLibraryEvent = (exec: Execution, ev: LibraryEvent) => {
    // Events the library still had queued when we stopped the run come after its end: drop them.
    if (exec.status !== 'RUNNING' || exec.stopping) return;
    if (ev.type === 'StateEntered' || ev.type === 'StateExited') {
      const name = ev.state.name;
      const countKey = `${ev.type}:${name}`;
      const k = (exec.eventCounts.get(countKey) ?? 0) + 1;
      exec.eventCounts.set(countKey, k);
      if (ev.type === 'StateEntered') {
        appendHistory(exec, {
          key: `${countKey}:${k}`,
          type: `${ev.state.type}StateEntered`,
          at: ev.timestamp,
          details: { stateEnteredEventDetails: { name, input: json(ev.state.input), inputDetails: { truncated: false } } },
        });
        triggered(exec, name);
      } else {
        appendHistory(exec, {
          key: `${countKey}:${k}`,
          type: `${ev.state.type}StateExited`,
          at: ev.timestamp,
          details: { stateExitedEventDetails: { name, output: json(ev.state.output), outputDetails: { truncated: false } } },
        });
      }
    } else if (ev.type === 'StateRetried') {
      triggered(exec, ev.state.name);
    } else if (ev.type === 'StateFailed') {
      // The library aborts the other branches but leaves their tasks running: close them here.
      if (ev.state.type === 'Parallel') cancelTasksIn(exec, ev.state.name, ev.timestamp);
    }
  };

  // ---------- tasks ----------

  const timeoutError = () => {
    if (!timeoutErrorClass) throw new Error('engine not ready');
    return new timeoutErrorClass();
  };

  const failureFrom = (rec: { error?: string; cause?: string; timeout?: boolean }): Error => {
    if (rec.timeout) {
      const e = timeoutError();
      if (rec.error && rec.error !== e.name) e.name = rec.error; // States.HeartbeatTimeout
      return e;
    }
    return taskError(rec.error ?? '', rec.cause ?? '');
  };

  const makeToken = (exec: Execution, state: string, n: number) =>
    Buffer.from(JSON.stringify({ x: exec.name, s: state, n, k: exec.salt })).toString('base64url');

  const recordResult = (exec: Execution, state: string, n: number, seq: number, outcome: ResultOutcome) => {
    exec.journal?.append({ t: 'result', at: Date.now(), state, n, seq, ...outcome });
  };

  const consume = (exec: Execution, key: string) => {
    exec.unconsumed.delete(key);
    if (exec.unconsumed.size === 0) exec.caughtUp?.();
  };

  const handlerFor =
    (exec: Execution, spec: TaskSpec) =>
    async (input: unknown): Promise<unknown> => {
      const state = spec.name;
      const n = (exec.occurrences.get(state) ?? 0) + 1;
      exec.occurrences.set(state, n);
      const key = `${state}#${n}`;
      if (exec.stopping) throw inertError('execution stopped');

      const replayed = exec.results.get(key);
      if (replayed) {
        consume(exec, key);
        if (replayed.ok) return replayed.output;
        throw failureFrom(replayed);
      }
      if (exec.cancelled.has(key)) {
        // It was abandoned by its failing Parallel state, which the replay is about to fail again.
        consume(exec, key);
        return park(exec, state, n, undefined, null, null, Date.now());
      }
      if (spec.kind === 'unsupported') {
        throw inertError(`Task resource ${spec.resource} is not supported by the local engine (Lambda tasks only)`);
      }

      const seq = ++exec.seq;
      const token = makeToken(exec, state, n);
      const params = replaceToken(input, token);
      const functionRef = spec.kind === 'lambda' ? spec.resource : String((params as Record<string, unknown> | null)?.FunctionName ?? '');
      const fn = functionOf(functionRef);
      const payload = spec.kind === 'lambda' ? params : ((params as Record<string, unknown> | null)?.Payload ?? {});
      const now = Date.now();

      if (spec.kind === 'wait') return waitForToken(exec, spec, n, seq, token, fn, payload, params);

      const isLambda = spec.kind === 'lambda';
      const resourceDetails = { resourceType: 'lambda', resource: 'invoke' };
      emitTaskEvent(exec, state, n, {
        key: `Scheduled:${key}`,
        type: isLambda ? 'LambdaFunctionScheduled' : 'TaskScheduled',
        at: now,
        details: isLambda
          ? { lambdaFunctionScheduledEventDetails: { resource: spec.resource, input: json(payload), ...timeoutDetail(spec) } }
          : { taskScheduledEventDetails: { ...resourceDetails, region, parameters: json(params), ...timeoutDetail(spec) } },
      });
      emitTaskEvent(exec, state, n, {
        key: `Started:${key}`,
        type: isLambda ? 'LambdaFunctionStarted' : 'TaskStarted',
        at: now,
        ...(isLambda ? {} : { details: { taskStartedEventDetails: resourceDetails } }),
      });

      const deadline = spec.timeoutSeconds ? now + spec.timeoutSeconds * 1000 * scale : null;
      let outcome: ResultOutcome;
      try {
        const result = await runInvocation(exec, fn, payload, deadline);
        const output = isLambda ? (result ?? null) : invokeResponse(result);
        outcome = { ok: true, output };
      } catch (e) {
        if (exec.stopping) throw inertError('execution stopped');
        outcome = e === TIMED_OUT ? { ok: false, error: 'States.Timeout', cause: '', timeout: true } : lambdaFailure(e);
      }
      if (exec.stopping) throw inertError('execution stopped');
      recordResult(exec, state, n, seq, outcome);
      const at = Date.now();
      if (outcome.ok) {
        emitTaskEvent(exec, state, n, {
          key: `Succeeded:${key}`,
          type: isLambda ? 'LambdaFunctionSucceeded' : 'TaskSucceeded',
          at,
          details: isLambda
            ? { lambdaFunctionSucceededEventDetails: { output: json(outcome.output) } }
            : { taskSucceededEventDetails: { ...resourceDetails, output: json(outcome.output) } },
        });
        return outcome.output;
      }
      const kind = outcome.timeout ? 'TimedOut' : 'Failed';
      const detailKey = isLambda ? `lambdaFunction${kind}EventDetails` : `task${kind}EventDetails`;
      emitTaskEvent(exec, state, n, {
        key: `${kind}:${key}`,
        type: isLambda ? `LambdaFunction${kind}` : `Task${kind}`,
        at,
        details: { [detailKey]: { ...(isLambda ? {} : resourceDetails), error: outcome.error, cause: outcome.cause } },
      });
      throw failureFrom(outcome);
    };

  /** A `.waitForTaskToken` task: invoke the Lambda, then park until the token is used or expires. */
  const waitForToken = (
    exec: Execution,
    spec: TaskSpec,
    n: number,
    seq: number,
    token: string,
    fn: string,
    payload: unknown,
    params: unknown,
  ): Promise<unknown> => {
    const state = spec.name;
    const key = `${state}#${n}`;
    const journaled = exec.waits.get(key);
    const resourceDetails = { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' };
    let startedAt: number;
    let deadline: number | null;
    let heartbeatMs: number | null;
    if (journaled) {
      consume(exec, key);
      ({ at: startedAt, deadline, heartbeatMs } = journaled);
    } else {
      startedAt = Date.now();
      deadline = spec.timeoutSeconds ? startedAt + spec.timeoutSeconds * 1000 * scale : null;
      heartbeatMs = spec.heartbeatSeconds ? spec.heartbeatSeconds * 1000 * scale : null;
      exec.journal?.append({ t: 'wait', at: startedAt, state, n, seq, token, deadline, heartbeatMs });
      emitTaskEvent(exec, state, n, {
        key: `Scheduled:${key}`,
        type: 'TaskScheduled',
        at: startedAt,
        details: { taskScheduledEventDetails: { ...resourceDetails, region, parameters: json(params), ...timeoutDetail(spec) } },
      });
      emitTaskEvent(exec, state, n, {
        key: `Started:${key}`,
        type: 'TaskStarted',
        at: startedAt,
        details: { taskStartedEventDetails: resourceDetails },
      });
    }
    const lastBeat = exec.heartbeats.get(key) ?? startedAt;
    // The token is live from now on, even before the Lambda returns (as in the service).
    const parked = park(exec, state, n, token, deadline, heartbeatMs, lastBeat, startedAt);
    if (!exec.submitted.has(key)) {
      invokeSafely(fn, payload).then(
        () => {
          // Journaled even while the engine closes: a resumed wait must not invoke it again.
          if (exec.stopping === 'stop' || exec.stopping === 'timeout') return;
          exec.submitted.add(key);
          exec.journal?.append({ t: 'submitted', at: Date.now(), state, n });
          if (exec.stopping) return;
          emitTaskEvent(exec, state, n, {
            key: `Submitted:${key}`,
            type: 'TaskSubmitted',
            at: Date.now(),
            details: { taskSubmittedEventDetails: { ...resourceDetails, output: json(invokeResponse(null)) } },
          });
        },
        (e: unknown) => {
          const p = exec.pending.get(key);
          if (exec.stopping || !p) return;
          const failure = lambdaFailure(e);
          recordResult(exec, state, n, seq, failure);
          emitTaskEvent(exec, state, n, {
            key: `Failed:${key}`,
            type: 'TaskFailed',
            at: Date.now(),
            details: { taskFailedEventDetails: { ...resourceDetails, error: failure.error, cause: failure.cause } },
          });
          p.settle({ ok: false, error: failureFrom(failure) });
        },
      );
    }
    return parked;
  };

  /** Parks a waiting task: a promise settled by a token call, its timeout, or cancellation. */
  const park = (
    exec: Execution,
    state: string,
    n: number,
    token: string | undefined,
    deadline: number | null,
    heartbeatMs: number | null,
    lastBeat: number,
    startedAt = lastBeat,
  ): Promise<unknown> => {
    const key = `${state}#${n}`;
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    const p: Pending = {
      ...(token ? { token } : {}),
      state,
      n,
      startedAt,
      parkedAt: Date.now(),
      deadline,
      heartbeatMs,
      timers: [],
      settle: (outcome) => {
        for (const clear of p.timers) clear();
        exec.pending.delete(key);
        if (token) tokens.delete(token);
        if (outcome.ok) resolve(outcome.output);
        else reject(outcome.error);
      },
    };
    exec.pending.set(key, p);
    if (token) tokens.set(token, { exec, key });
    const expire = (error: string) => () => {
      if (!exec.pending.has(key) || exec.stopping) return;
      const outcome = { ok: false as const, error, cause: '', timeout: true };
      recordResult(exec, state, n, exec.seq, outcome);
      emitTaskEvent(exec, state, n, {
        key: `TimedOut:${key}`,
        type: 'TaskTimedOut',
        at: Date.now(),
        details: {
          taskTimedOutEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error, cause: '' },
        },
      });
      p.settle({ ok: false, error: failureFrom(outcome) });
    };
    if (deadline !== null) p.timers.push(longTimeout(expire('States.Timeout'), deadline - Date.now()));
    if (heartbeatMs !== null) {
      const beat = expire('States.HeartbeatTimeout');
      let clearBeat = longTimeout(beat, lastBeat + heartbeatMs - Date.now());
      p.timers.push(() => clearBeat());
      p.beat = () => {
        clearBeat();
        clearBeat = longTimeout(beat, heartbeatMs);
      };
    }
    return promise;
  };

  /**
   * Runs a plain task's invocation: rejects with TIMED_OUT at its deadline, and with an inert
   * error when the execution is stopped or the engine closed (a hung function must not hold the
   * library's own 24-day task timer, nor the process, open).
   */
  const runInvocation = (exec: Execution, fn: string, payload: unknown, deadline: number | null): Promise<unknown> =>
    new Promise<unknown>((resolve, reject) => {
      const clearDeadline = deadline === null ? () => undefined : longTimeout(() => reject(TIMED_OUT), deadline - Date.now());
      const abandon = () => {
        clearDeadline();
        reject(inertError('execution stopped'));
      };
      exec.inflight.add(abandon);
      const settle = () => {
        clearDeadline();
        exec.inflight.delete(abandon);
      };
      invokeSafely(fn, payload).then(
        (v) => {
          settle();
          resolve(v);
        },
        (e: unknown) => {
          settle();
          reject(e);
        },
      );
    });

  /** `invoke` may throw synchronously: always a promise. */
  const invokeSafely = (fn: string, payload: unknown): Promise<unknown> => new Promise<unknown>((resolve) => resolve(options.invoke(fn, payload)));

  const cancelTasksIn = (exec: Execution, parallel: string, failedAt: number) => {
    for (const [key, p] of [...exec.pending]) {
      // Not the tasks of a new attempt, if the Parallel state is retried.
      if (!tasks.get(p.state)?.parallels.includes(parallel) || p.parkedAt > failedAt) continue;
      if (!exec.stopping && !exec.cancelled.has(key)) {
        exec.cancelled.add(key);
        exec.journal?.append({ t: 'cancelled', at: Date.now(), state: p.state, n: p.n });
        appendHistory(exec, { key: `Aborted:${key}`, type: 'TaskStateAborted', at: Date.now() });
      }
      p.settle({ ok: false, error: inertError('branch aborted') });
    }
  };

  const abandonTasks = (exec: Execution) => {
    for (const p of [...exec.pending.values()]) p.settle({ ok: false, error: inertError('execution stopped') });
    for (const abandon of [...exec.inflight]) abandon();
    exec.inflight.clear();
    for (const clear of exec.timers) clear();
    exec.timers = [];
  };

  // ---------- executions ----------

  const newExecution = (name: string, input: string, startDate: Date, salt: string): Execution => {
    const { promise: done, resolve: markDone } = Promise.withResolvers<void>();
    const exec: Execution = {
      name,
      arn: executionArnOf(name),
      input,
      startDate,
      salt,
      status: 'RUNNING',
      history: [],
      historyKeys: new Set(),
      results: new Map(),
      waits: new Map(),
      submitted: new Set(),
      heartbeats: new Map(),
      cancelled: new Set(),
      unconsumed: new Set(),
      occurrences: new Map(),
      seq: 0,
      eventCounts: new Map(),
      triggers: new Map(),
      held: new Map(),
      pending: new Map(),
      inflight: new Set(),
      timers: [],
      done,
      markDone,
    };
    executions.set(exec.arn, exec);
    byName.set(name, exec);
    return exec;
  };

  const launch = (exec: Execution) => {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const spec of tasks.values()) handlers[spec.name] = handlerFor(exec, spec);
    const replaying = (state: string) => {
      const next = `${state}#${(exec.occurrences.get(state) ?? 0) + 1}`;
      return exec.results.has(next) || exec.cancelled.has(next) || exec.waits.has(next);
    };
    const retryIntervalOverrides = new Proxy({} as Record<string, number | number[]>, {
      get: (_t, state) => {
        if (typeof state !== 'string') return undefined;
        if (replaying(state)) return 0; // the pause already happened before the restart
        return options.retryIntervalOverrides?.[state] ?? options.retryIntervalOverrides?.['*'];
      },
    });
    const waitTimeOverrides = new Proxy({} as Record<string, number>, {
      get: (_t, state) => {
        if (typeof state !== 'string') return undefined;
        if (exec.unconsumed.size > 0) return 0;
        return options.waitTimeOverrides?.[state] ?? options.waitTimeOverrides?.['*'];
      },
    });
    const run = machine.run(JSON.parse(exec.input) as never, {
      noThrowOnAbort: true,
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        retryIntervalOverrides,
        waitTimeOverrides,
      },
      context: {
        Execution: {
          Id: exec.arn,
          Name: exec.name,
          RoleArn: `arn:aws:iam::${account}:role/local-stepfunctions`,
          RedriveCount: 0,
        },
        StateMachine: { Id: smArn, Name: smName },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    exec.abort = run.abort;
    const events = (async () => {
      for await (const ev of run.eventLogs) onLibraryEvent(exec, ev as unknown as LibraryEvent);
    })();
    if (executionTimeoutSeconds !== undefined) {
      const deadline = exec.startDate.getTime() + executionTimeoutSeconds * 1000 * scale;
      exec.timers.push(
        longTimeout(() => {
          if (exec.status !== 'RUNNING' || exec.stopping) return;
          terminate(exec, 'timeout', { status: 'TIMED_OUT', error: 'States.Timeout', cause: '' });
        }, deadline - Date.now()),
      );
    }
    void Promise.allSettled([run.result, events]).then(([result]) => finish(exec, result));
  };

  /** Ends an execution from outside the run (stop, timeout): status now, run torn down. */
  const terminate = (exec: Execution, why: 'stop' | 'timeout', end: { status: ExecutionStatus; error?: string; cause?: string }) => {
    exec.stopping = why;
    conclude(exec, end);
    exec.abort?.();
    abandonTasks(exec);
  };

  const conclude = (exec: Execution, end: { status: ExecutionStatus; output?: string; error?: string; cause?: string }) => {
    const at = Date.now();
    exec.status = end.status;
    exec.stopDate = new Date(at);
    if (end.output !== undefined) exec.output = end.output;
    if (end.error !== undefined) exec.error = end.error;
    if (end.cause !== undefined) exec.cause = end.cause;
    const errorDetails = { ...(end.error !== undefined ? { error: end.error } : {}), ...(end.cause !== undefined ? { cause: end.cause } : {}) };
    const [type, details] =
      end.status === 'SUCCEEDED'
        ? ['ExecutionSucceeded', { executionSucceededEventDetails: { output: end.output, outputDetails: { truncated: false } } }]
        : end.status === 'FAILED'
          ? ['ExecutionFailed', { executionFailedEventDetails: errorDetails }]
          : end.status === 'TIMED_OUT'
            ? ['ExecutionTimedOut', { executionTimedOutEventDetails: errorDetails }]
            : ['ExecutionAborted', { executionAbortedEventDetails: errorDetails }];
    appendHistory(exec, { key: 'end', type, at, details });
    exec.journal?.append({ t: 'end', at, ...end });
  };

  const finish = (exec: Execution, result: PromiseSettledResult<unknown>) => {
    for (const clear of exec.timers) clear();
    exec.timers = [];
    exec.caughtUp?.();
    if (!exec.stopping) {
      if (result.status === 'fulfilled') {
        conclude(exec, { status: 'SUCCEEDED', output: json(result.value ?? null) });
      } else {
        const cause = result.reason instanceof ExecutionError ? (result.reason.cause as Error) : (result.reason as Error);
        conclude(exec, { status: 'FAILED', error: cause?.name ?? 'States.Runtime', cause: cause?.message ?? String(cause) });
      }
    }
    abandonTasks(exec);
    exec.journal?.close();
    exec.markDone();
  };

  // ---------- token calls ----------

  const pendingFor = (taskToken: string): { exec: Execution; key: string; p: Pending } => {
    if (typeof taskToken !== 'string' || taskToken.length < 1 || taskToken.length > 2048) {
      throw new SfnServiceError('InvalidToken', "Invalid Token: 'Invalid token'");
    }
    const live = tokens.get(taskToken);
    const p = live?.exec.pending.get(live.key);
    if (live && p) return { ...live, p };
    let decoded: { x?: unknown; k?: unknown } | undefined;
    try {
      decoded = JSON.parse(Buffer.from(taskToken, 'base64url').toString('utf8')) as typeof decoded;
    } catch {
      decoded = undefined;
    }
    if (!decoded || typeof decoded.x !== 'string' || typeof decoded.k !== 'string') {
      throw new SfnServiceError('InvalidToken', "Invalid Token: 'Invalid token'");
    }
    const exec = byName.get(decoded.x);
    if (exec && exec.salt !== decoded.k) throw new SfnServiceError('InvalidToken', "Invalid Token: 'Invalid token'");
    if (exec?.status !== 'RUNNING') {
      throw new SfnServiceError('TaskDoesNotExist', 'Task does not exist anymore');
    }
    throw new SfnServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
  };

  const settleByToken = (taskToken: string, outcome: ResultOutcome) => {
    const { exec, key, p } = pendingFor(taskToken);
    recordResult(exec, p.state, p.n, exec.seq, outcome);
    const resourceDetails = { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' };
    emitTaskEvent(exec, p.state, p.n, {
      key: `${outcome.ok ? 'Succeeded' : 'Failed'}:${key}`,
      type: outcome.ok ? 'TaskSucceeded' : 'TaskFailed',
      at: Date.now(),
      details: outcome.ok
        ? { taskSucceededEventDetails: { ...resourceDetails, output: json(outcome.output) } }
        : { taskFailedEventDetails: { ...resourceDetails, error: outcome.error, cause: outcome.cause } },
    });
    p.settle(outcome.ok ? { ok: true, output: outcome.output } : { ok: false, error: failureFrom(outcome) });
  };

  // ---------- API ----------

  const get = (executionArn: string): Execution => {
    if (typeof executionArn !== 'string' || !executionArn.startsWith('arn:')) {
      throw new SfnServiceError('InvalidArn', `Invalid Arn: '${String(executionArn)}'`);
    }
    const exec = executions.get(executionArn);
    if (!exec) throw new SfnServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return exec;
  };

  const describe = (exec: Execution): ExecutionDescription => ({
    executionArn: exec.arn,
    stateMachineArn: smArn,
    name: exec.name,
    status: exec.status,
    startDate: exec.startDate,
    ...(exec.stopDate ? { stopDate: exec.stopDate } : {}),
    input: exec.input,
    ...(exec.output !== undefined ? { output: exec.output } : {}),
    ...(exec.error !== undefined ? { error: exec.error } : {}),
    ...(exec.cause !== undefined ? { cause: exec.cause } : {}),
  });

  const assertOpen = () => {
    if (closed) throw new Error('engine closed');
  };

  const engine: Engine = {
    stateMachineArn: smArn,
    definition: structuredClone(options.definition),

    async startExecution({ name = randomUUID(), input }) {
      assertOpen();
      await ready;
      if (typeof name !== 'string' || !VALID_NAME.test(name)) {
        throw new SfnServiceError('InvalidName', `Invalid Name: '${String(name)}'`);
      }
      const text = normalizeJson(input ?? {}, 'InvalidExecutionInput', 'Invalid State Machine Execution Input');
      const existing = byName.get(name);
      if (existing) {
        if (existing.status === 'RUNNING' && normalizeJson(existing.input) === text) {
          return { executionArn: existing.arn, startDate: existing.startDate };
        }
        throw new SfnServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.arn}'`);
      }
      const exec = newExecution(name, text, new Date(), randomBytes(16).toString('base64url'));
      if (options.journalDir) {
        exec.journal = openJournal(options.journalDir, name);
        exec.journal.append({
          t: 'start',
          at: exec.startDate.getTime(),
          name,
          executionArn: exec.arn,
          stateMachineArn: smArn,
          input: text,
          salt: exec.salt,
          definitionHash,
        });
      }
      appendHistory(exec, {
        key: 'start',
        type: 'ExecutionStarted',
        at: exec.startDate.getTime(),
        details: {
          executionStartedEventDetails: {
            input: text,
            inputDetails: { truncated: false },
            roleArn: `arn:aws:iam::${account}:role/local-stepfunctions`,
          },
        },
      });
      launch(exec);
      return { executionArn: exec.arn, startDate: exec.startDate };
    },

    async describeExecution(executionArn) {
      return describe(get(executionArn));
    },

    async getExecutionHistory(executionArn, opts = {}) {
      const exec = get(executionArn);
      const all = opts.reverseOrder ? [...exec.history].reverse() : exec.history;
      const { page, nextToken } = paginate(all, opts.maxResults, opts.nextToken);
      const events = opts.includeExecutionData === false ? page.map(withoutData) : page.map((e) => structuredClone(e));
      return { events, ...(nextToken ? { nextToken } : {}) };
    },

    async listExecutions(opts = {}) {
      const all = [...executions.values()]
        .filter((e) => !opts.statusFilter || e.status === opts.statusFilter)
        .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
        .map((e) => {
          const { executionArn, stateMachineArn, name, status, startDate, stopDate } = describe(e);
          return { executionArn, stateMachineArn, name, status, startDate, ...(stopDate ? { stopDate } : {}) };
        });
      const { page, nextToken } = paginate(all, opts.maxResults, opts.nextToken);
      return { executions: page, ...(nextToken ? { nextToken } : {}) };
    },

    async sendTaskSuccess(taskToken, output) {
      assertOpen();
      pendingFor(taskToken);
      const text = normalizeJson(output, 'InvalidOutput', 'Invalid Output');
      settleByToken(taskToken, { ok: true, output: JSON.parse(text) });
    },

    async sendTaskFailure(taskToken, error, cause) {
      assertOpen();
      settleByToken(taskToken, { ok: false, error: error ?? '', cause: cause ?? '' });
    },

    async sendTaskHeartbeat(taskToken) {
      assertOpen();
      const { exec, p } = pendingFor(taskToken);
      exec.journal?.append({ t: 'heartbeat', at: Date.now(), state: p.state, n: p.n });
      p.beat?.();
    },

    async stopExecution(executionArn, opts = {}) {
      const exec = get(executionArn);
      if (exec.status === 'RUNNING') {
        terminate(exec, 'stop', {
          status: 'ABORTED',
          ...(opts.error !== undefined ? { error: opts.error } : {}),
          ...(opts.cause !== undefined ? { cause: opts.cause } : {}),
        });
      }
      return { stopDate: exec.stopDate ?? new Date() };
    },

    async resume() {
      assertOpen();
      await ready;
      if (!options.journalDir) return { resumed: [], finished: 0 };
      const resumed: Execution[] = [];
      let finished = 0;
      for (const { file, records } of readJournals(options.journalDir)) {
        const start = records[0];
        if (start?.t !== 'start') {
          log(`journal ${file}: no start record, skipped`);
          continue;
        }
        if (start.stateMachineArn !== smArn || byName.has(start.name)) continue;
        const exec = newExecution(start.name, start.input, new Date(start.at), start.salt);
        let end: Extract<JournalRecord, { t: 'end' }> | undefined;
        for (const r of records) {
          const key = 'state' in r ? `${r.state}#${r.n}` : '';
          if (r.t === 'event') appendHistory(exec, { key: r.key, type: r.type, at: r.at, ...(r.details ? { details: r.details } : {}) }, false);
          else if (r.t === 'result') exec.results.set(key, r);
          else if (r.t === 'wait') exec.waits.set(key, r);
          else if (r.t === 'submitted') exec.submitted.add(key);
          else if (r.t === 'heartbeat') exec.heartbeats.set(key, r.at);
          else if (r.t === 'cancelled') exec.cancelled.add(key);
          else if (r.t === 'end') end = r;
        }
        if (end) {
          exec.status = end.status as ExecutionStatus;
          exec.stopDate = new Date(end.at);
          if (end.output !== undefined) exec.output = end.output;
          if (end.error !== undefined) exec.error = end.error;
          if (end.cause !== undefined) exec.cause = end.cause;
          exec.markDone();
          finished++;
          continue;
        }
        if (start.definitionHash !== definitionHash) {
          log(`execution ${start.name}: the definition changed since it started; replaying it best-effort`);
        }
        for (const key of [...exec.results.keys(), ...exec.waits.keys(), ...exec.cancelled]) exec.unconsumed.add(key);
        exec.journal = openJournal(options.journalDir, exec.name);
        resumed.push(exec);
      }
      const caughtUp = resumed.map((exec) => {
        const { promise, resolve } = Promise.withResolvers<void>();
        exec.caughtUp = resolve;
        if (exec.unconsumed.size === 0) resolve();
        launch(exec);
        // A replay that diverges (definition edited) may never consume every record: do not hang.
        const stuck = setTimeout(() => {
          log(`execution ${exec.name}: replay did not use ${exec.unconsumed.size} journaled task(s)`);
          resolve();
        }, 5000);
        return promise.finally(() => clearTimeout(stuck));
      });
      await Promise.all(caughtUp);
      if (resumed.length) log(`resumed ${resumed.length} execution(s): ${resumed.map((e) => e.name).join(', ')}`);
      return { resumed: resumed.map((e) => e.arn), finished };
    },

    async waitForExecution(executionArn, timeoutMs = 30_000) {
      const exec = get(executionArn);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`execution ${exec.name} still ${exec.status} after ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([exec.done, timeout]);
      } finally {
        clearTimeout(timer);
      }
      return describe(exec);
    },

    pendingTasks(executionArn) {
      const list: PendingTask[] = [];
      for (const exec of executionArn ? [get(executionArn)] : executions.values()) {
        for (const p of exec.pending.values()) {
          if (!p.token) continue;
          list.push({
            executionArn: exec.arn,
            stateName: p.state,
            token: p.token,
            startedAt: new Date(p.startedAt),
            ...(p.deadline !== null ? { deadline: new Date(p.deadline) } : {}),
          });
        }
      }
      return list;
    },

    async close() {
      if (closed) return;
      closed = true;
      const running = [...executions.values()].filter((e) => e.status === 'RUNNING');
      for (const exec of running) {
        exec.stopping = 'close';
        exec.abort?.();
        abandonTasks(exec);
      }
      await Promise.all(running.map((e) => e.done));
      for (const exec of executions.values()) exec.journal?.close();
    },
  };
  return engine;
}

// ---------- helpers ----------

type ResultOutcome = { ok: true; output: unknown } | { ok: false; error: string; cause: string; timeout?: boolean };

type LibraryEvent = {
  type: string;
  timestamp: number;
  state: { name: string; type: string; input: unknown; output?: unknown };
};

/** aws-local-stepfunctions names executions and arbitrary characters alike; the service does not. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the service refuses in a name.
const VALID_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

const TIMED_OUT = Symbol('timed out');

const json = (v: unknown) => JSON.stringify(v ?? null);

function normalizeJson(value: unknown, errorName?: 'InvalidOutput' | 'InvalidExecutionInput', message = ''): string {
  if (typeof value !== 'string') return JSON.stringify(value ?? null);
  try {
    return JSON.stringify(JSON.parse(value));
  } catch {
    if (!errorName) return value;
    throw new SfnServiceError(errorName, `${message}: not valid JSON`);
  }
}

/** The error a task fails with: the library matches Retry/Catch on `name`, reports `message` as Cause. */
function taskError(name: string, cause: string): Error {
  const e = new Error(cause);
  e.name = name;
  return e;
}

/** An error neither retried nor caught: unwinds a run we are tearing down, without side effects. */
function inertError(message: string): Error {
  const e = taskError('States.Runtime', message);
  Object.defineProperties(e, { isRetryable: { value: false }, isCatchable: { value: false } });
  return e;
}

/** A failed invocation as the service reports it: Error = errorType, Cause = the Lambda's error JSON. */
function lambdaFailure(e: unknown): { ok: false; error: string; cause: string } {
  const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
  const errorType = String(o.errorType ?? o.name ?? 'Error');
  const errorMessage = String(o.errorMessage ?? o.message ?? String(e));
  const trace = Array.isArray(o.trace) ? o.trace : typeof o.stack === 'string' ? o.stack.split('\n') : [];
  return { ok: false, error: errorType, cause: JSON.stringify({ errorType, errorMessage, trace }) };
}

/** What `arn:aws:states:::lambda:invoke` returns around the function's result. */
function invokeResponse(payload: unknown) {
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload ?? null,
    SdkHttpMetadata: { HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: randomUUID() },
    StatusCode: 200,
  };
}

const timeoutDetail = (spec: TaskSpec) => ({
  ...(spec.timeoutSeconds ? { timeoutInSeconds: spec.timeoutSeconds } : {}),
  ...(spec.heartbeatSeconds ? { heartbeatInSeconds: spec.heartbeatSeconds } : {}),
});

function replaceToken(value: unknown, token: string): unknown {
  if (typeof value === 'string') return value.includes(TOKEN_PLACEHOLDER) ? value.split(TOKEN_PLACEHOLDER).join(token) : value;
  if (Array.isArray(value)) return value.map((v) => replaceToken(v, token));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceToken(v, token)]));
  }
  return value;
}

function withoutData(e: HistoryEvent): HistoryEvent {
  const copy = structuredClone(e);
  for (const [k, v] of Object.entries(copy)) {
    if (k.endsWith('EventDetails') && typeof v === 'object' && v !== null) {
      const d = v as Record<string, unknown>;
      delete d.input;
      delete d.output;
      delete d.parameters;
    }
  }
  return copy;
}

function paginate<T>(all: T[], maxResults = 100, nextToken?: string): { page: T[]; nextToken?: string } {
  const size = Math.min(Math.max(maxResults || 100, 1), 1000);
  const from = nextToken ? Number(Buffer.from(nextToken, 'base64url').toString()) : 0;
  if (!Number.isInteger(from) || from < 0) throw new SfnServiceError('ValidationException', 'Invalid nextToken');
  const page = all.slice(from, from + size);
  const next = from + size < all.length ? Buffer.from(String(from + size)).toString('base64url') : undefined;
  return { page, ...(next ? { nextToken: next } : {}) };
}

/** setTimeout for any delay (chained past Node's 2^31-1 ms); returns its canceller. */
function longTimeout(fn: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout;
  const arm = (left: number) => {
    timer = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : fn()), Math.min(Math.max(left, 0), MAX_TIMER_MS));
  };
  arm(ms);
  return () => clearTimeout(timer);
}

function collectTasks(states: Record<string, Record<string, unknown>>, parallels: string[], out = new Map<string, TaskSpec>()) {
  for (const [name, s] of Object.entries(states)) {
    // The library accepts these and then runs them wrong: refuse them up front.
    if (s.QueryLanguage === 'JSONata' || 'Assign' in s || 'Arguments' in s || 'Output' in s) {
      throw new Error(`state ${name}: JSONata and variables (QueryLanguage, Assign, Arguments, Output) are not supported locally; use JSONPath`);
    }
    if (s.Type === 'Task') {
      const resource = String(s.Resource);
      const kind: TaskKind = /^arn:[^:]+:states:::lambda:invoke\.waitForTaskToken$/.test(resource)
        ? 'wait'
        : /^arn:[^:]+:states:::lambda:invoke$/.test(resource)
          ? 'invoke'
          : /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(resource)
            ? 'lambda'
            : 'unsupported';
      out.set(name, {
        name,
        resource,
        kind,
        ...(typeof s.TimeoutSeconds === 'number' ? { timeoutSeconds: s.TimeoutSeconds } : {}),
        ...(typeof s.HeartbeatSeconds === 'number' ? { heartbeatSeconds: s.HeartbeatSeconds } : {}),
        parallels,
      });
    }
    if (s.Type === 'Parallel') {
      for (const b of s.Branches as Array<{ States: Record<string, Record<string, unknown>> }>) {
        collectTasks(b.States, [...parallels, name], out);
      }
    }
    const inner = (s.ItemProcessor ?? s.Iterator) as { States: Record<string, Record<string, unknown>> } | undefined;
    if (inner) collectTasks(inner.States, parallels, out);
  }
  return out;
}

/**
 * The copy the library runs: task timeouts are ours (its timer gets the largest safe value), the
 * execution timeout is ours, `States.Timeout` in Retry/Catch also matches our
 * `States.HeartbeatTimeout` (as in the service), and `ResultPath: "$"` is dropped: the library
 * stores the result under a key named "$" instead of replacing the input, while an absent
 * ResultPath means the same thing ("$") and works.
 */
function prepare(definition: StateMachineDefinition & { TimeoutSeconds?: number }): StateMachineDefinition {
  const copy = structuredClone(definition) as StateMachineDefinition & { TimeoutSeconds?: number };
  delete copy.TimeoutSeconds;
  const walk = (states: Record<string, Record<string, unknown>>) => {
    for (const s of Object.values(states)) {
      if (s.Type === 'Task' && s.TimeoutSecondsPath === undefined) s.TimeoutSeconds = LIBRARY_TASK_TIMEOUT_SECONDS;
      if (s.ResultPath === '$') delete s.ResultPath;
      for (const field of ['Retry', 'Catch'] as const) {
        for (const r of (s[field] as Array<{ ErrorEquals: string[]; ResultPath?: unknown }> | undefined) ?? []) {
          if (r.ErrorEquals.includes('States.Timeout') && !r.ErrorEquals.includes('States.HeartbeatTimeout')) {
            r.ErrorEquals = [...r.ErrorEquals, 'States.HeartbeatTimeout'];
          }
          if (r.ResultPath === '$') delete r.ResultPath;
        }
      }
      for (const b of (s.Branches as Array<{ States: Record<string, Record<string, unknown>> }> | undefined) ?? []) walk(b.States);
      const inner = (s.ItemProcessor ?? s.Iterator) as { States: Record<string, Record<string, unknown>> } | undefined;
      if (inner) walk(inner.States);
    }
  };
  walk(copy.States as unknown as Record<string, Record<string, unknown>>);
  return copy;
}

let timeoutErrorClassPromise: Promise<TimeoutErrorClass> | undefined;
/**
 * The library's StatesTimeoutError is not exported, yet `States.TaskFailed` must not match a
 * timeout (it checks `instanceof`): borrow the class from a 1 ms timeout.
 */
function captureTimeoutErrorClass(): Promise<TimeoutErrorClass> {
  timeoutErrorClassPromise ??= (async () => {
    const probe = new StateMachine(
      {
        StartAt: 'Probe',
        States: {
          Probe: { Type: 'Task', Resource: 'arn:aws:lambda:eu-west-3:000000000000:function:probe', TimeoutSeconds: 0.001, End: true },
        },
      } as never,
      { validationOptions: { noValidate: true } },
    );
    const never = new Promise<never>(() => undefined);
    const { result } = probe.run({}, { overrides: { taskResourceLocalHandlers: { Probe: () => never } } });
    try {
      await result;
    } catch (e) {
      const cause = (e as Error).cause;
      if (cause instanceof Error && cause.name === 'States.Timeout') return cause.constructor as TimeoutErrorClass;
    }
    throw new Error('aws-local-stepfunctions: could not obtain its States.Timeout error class');
  })();
  return timeoutErrorClassPromise;
}
