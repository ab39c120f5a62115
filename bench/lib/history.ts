/**
 * What an execution's history (GetExecutionHistory) says it used: its state transitions (each
 * state entered is one, as Step Functions Standard bills them) and its Lambda invocations with
 * their durations.
 *
 * A task's invocation runs from its Scheduled event to: its Succeeded / Failed / TimedOut event
 * for a plain invoke; its Submitted event (the function returned) for `.waitForTaskToken`, whose
 * later Succeeded only marks the end of the human wait. Invocations of the two branches of a
 * Parallel interleave, and the events carry no state name: starts and ends are paired in order
 * within each kind, which keeps the sum of durations exact whatever the pairing.
 */

export interface HistoryLike {
  type: string;
  timestamp: Date | string | number;
  [details: string]: unknown;
}

export interface HistoryUsage {
  transitions: number;
  /** The states entered, in order (for the report). */
  states: string[];
  invocations: number;
  durationsMs: number[];
}

type Kind = 'invoke' | 'wait';

function resourceOf(event: HistoryLike): string | undefined {
  for (const value of Object.values(event)) {
    if (value && typeof value === 'object' && 'resource' in value) return String((value as { resource: unknown }).resource);
  }
  return undefined;
}

const at = (event: HistoryLike) => new Date(event.timestamp).getTime();

export function historyUsage(events: readonly HistoryLike[]): HistoryUsage {
  const states: string[] = [];
  const starts: Record<Kind, number[]> = { invoke: [], wait: [] };
  const ends: Record<Kind, number[]> = { invoke: [], wait: [] };
  // A wait whose function failed before submitting ends at TaskFailed; after submitting, a
  // failure is the human side (SendTaskFailure) and no longer the invocation.
  let openWaits = 0;
  for (const event of events) {
    const { type } = event;
    if (type.endsWith('StateEntered')) {
      const details = event.stateEnteredEventDetails as { name?: string } | undefined;
      states.push(details?.name ?? type);
      continue;
    }
    if (type === 'LambdaFunctionScheduled') starts.invoke.push(at(event));
    else if (type === 'LambdaFunctionSucceeded' || type === 'LambdaFunctionFailed' || type === 'LambdaFunctionTimedOut') ends.invoke.push(at(event));
    else if (type === 'TaskScheduled') {
      const kind: Kind = resourceOf(event)?.endsWith('waitForTaskToken') ? 'wait' : 'invoke';
      starts[kind].push(at(event));
      if (kind === 'wait') openWaits += 1;
    } else if (type === 'TaskSubmitted') {
      ends.wait.push(at(event));
      openWaits -= 1;
    } else if (type === 'TaskSucceeded' || type === 'TaskFailed' || type === 'TaskTimedOut') {
      const kind: Kind = resourceOf(event)?.endsWith('waitForTaskToken') ? 'wait' : 'invoke';
      if (kind === 'invoke') ends.invoke.push(at(event));
      else if (type === 'TaskFailed' && openWaits > 0 && ends.wait.length < starts.wait.length) {
        ends.wait.push(at(event));
        openWaits -= 1;
      }
    }
  }
  const durationsMs: number[] = [];
  for (const kind of ['invoke', 'wait'] as const) {
    const n = Math.min(starts[kind].length, ends[kind].length);
    for (let i = 0; i < n; i++) durationsMs.push(Math.max(0, (ends[kind][i] as number) - (starts[kind][i] as number)));
  }
  return { transitions: states.length, states, invocations: starts.invoke.length + starts.wait.length, durationsMs };
}

/** A line of the local API Gateway's log: `POST /applications → 201 in 12 ms`. */
export interface GatewayLine {
  method: string;
  path: string;
  status: number;
  ms: number;
}

const GATEWAY_LINE = /^\s*([A-Z]+) (\S+)(?: {2}\(([^)]*)\))? → (\d{3}) in (\d+) ms$/;

export function parseGatewayLine(line: string): GatewayLine | undefined {
  const m = GATEWAY_LINE.exec(line);
  if (!m) return undefined;
  return { method: m[1] as string, path: m[3] ?? (m[2] as string), status: Number(m[4]), ms: Number(m[5]) };
}
