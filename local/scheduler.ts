import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION, type CfnResource } from './template.ts';
import { writeAtomically } from './services.ts';

/**
 * EventBridge's scheduled rules, run locally: each `AWS::Events::Rule` of the template with a
 * `ScheduleExpression` invokes its Lambda targets with the event EventBridge sends. Durable across a
 * restart: the time of each rule's last run is kept in a file, and a rule whose period has passed
 * while the stack was down runs as soon as it is back (EventBridge would have run it meanwhile;
 * the functions are sweeps that catch up from the data, so one run is enough).
 */

export interface LocalSchedule {
  /** The rule's logical id. */
  logicalId: string;
  expression: string;
  /** The period `rate(…)` gives, in milliseconds. */
  periodMs: number;
  /** The logical ids of the Lambda functions it invokes. */
  targets: string[];
}

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * `rate(1 hour)`, `rate(15 minutes)`… in milliseconds. EventBridge's grammar: a positive whole
 * value, the singular for 1 and the plural otherwise. `cron(…)` is refused: the app declares rates.
 */
export function parseRate(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match) throw new Error(`local scheduler: "${expression}" is not a rate(…) expression (cron is not run locally)`);
  const value = Number(match[1]);
  const unit = match[2] ?? '';
  const singular = unit.replace(/s$/, '');
  if (value < 1 || (value === 1) !== (unit === singular))
    throw new Error(`local scheduler: "${expression}" is not a valid rate (EventBridge wants "1 ${singular}", "2 ${singular}s")`);
  return value * (UNITS[singular] ?? 0);
}

/** The scheduled rules of a template (disabled ones are left out), with the functions they invoke. */
export function schedulesOf(resources: Record<string, CfnResource>): LocalSchedule[] {
  const schedules: LocalSchedule[] = [];
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Events::Rule') continue;
    const p = r.Properties ?? {};
    if (typeof p.ScheduleExpression !== 'string' || (p.State !== undefined && p.State !== 'ENABLED')) continue;
    const targets = ((p.Targets as Array<{ Arn?: unknown }> | undefined) ?? []).map((t) => {
      const arn = t.Arn as { 'Fn::GetAtt'?: [string, string] } | undefined;
      const target = arn?.['Fn::GetAtt']?.[0];
      const targetType = target ? resources[target]?.Type : undefined;
      if (!target || targetType !== 'AWS::Lambda::Function')
        throw new Error(`local scheduler: rule ${logicalId} targets something else than a function of the template`);
      return target;
    });
    schedules.push({ logicalId, expression: p.ScheduleExpression, periodMs: parseRate(p.ScheduleExpression), targets });
  }
  return schedules;
}

/** The event EventBridge sends a target of a scheduled rule. */
export function scheduledEvent(ruleLogicalId: string, at: Date) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: `${at.toISOString().slice(0, 19)}Z`,
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${ruleLogicalId}`],
    detail: {},
  };
}

export interface SchedulerOptions {
  schedules: LocalSchedule[];
  invoke: (functionLogicalId: string, event: unknown) => Promise<unknown>;
  /** Where the last run of each rule is kept (JSON). */
  stateFile: string;
  /** Every rule's period, when shorter than its own (demos and tests: `LOCAL_SCHEDULE_SECONDS`). */
  periodMs?: number;
  log?: (line: string) => void;
  now?: () => Date;
}

export interface LocalScheduler {
  /** Runs a rule now (as its period would), resolving once its targets answered. */
  run(logicalId: string): Promise<void>;
  /** When each rule last ran (ISO), as kept in the state file. */
  lastRuns(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startScheduler(options: SchedulerOptions): Promise<LocalScheduler> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const lastRuns = await readState(options.stateFile);
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  let saving = Promise.resolve();

  const periodOf = (s: LocalSchedule) => Math.min(s.periodMs, options.periodMs ?? s.periodMs);
  const byId = new Map(options.schedules.map((s) => [s.logicalId, s]));

  async function fire(schedule: LocalSchedule): Promise<void> {
    const at = now();
    lastRuns[schedule.logicalId] = at.toISOString();
    // Kept before the run: a run cut short by a stop is not repeated at once (the sweep is idempotent anyway).
    saving = saving.then(() => writeAtomically(options.stateFile, `${JSON.stringify(lastRuns, null, 2)}\n`)).catch(() => undefined);
    await saving;
    for (const target of schedule.targets) {
      try {
        await options.invoke(target, scheduledEvent(schedule.logicalId, at));
      } catch (error) {
        // EventBridge retries an asynchronous invocation and then drops it; the next period runs anyway.
        log(`scheduled rule ${schedule.logicalId}: ${target} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  function arm(schedule: LocalSchedule, delayMs: number): void {
    if (stopped) return;
    clearTimeout(timers.get(schedule.logicalId));
    const timer = setTimeout(
      () => {
        const run = fire(schedule).finally(() => {
          running.delete(run);
          arm(schedule, periodOf(schedule));
        });
        running.add(run);
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    timers.set(schedule.logicalId, timer);
  }

  for (const schedule of options.schedules) {
    const last = Date.parse(lastRuns[schedule.logicalId] ?? '');
    // Never run: a period from now (as a new rule). Overdue after a restart: at once.
    const due = Number.isNaN(last) ? now().getTime() + periodOf(schedule) : last + periodOf(schedule);
    arm(schedule, due - now().getTime());
    log(`scheduled rule ${schedule.logicalId}: ${schedule.expression} → ${schedule.targets.join(', ')}`);
  }

  return {
    async run(logicalId) {
      const schedule = byId.get(logicalId);
      if (!schedule) throw new Error(`local scheduler: no scheduled rule ${logicalId}`);
      clearTimeout(timers.get(logicalId));
      const run = fire(schedule);
      running.add(run);
      try {
        await run;
      } finally {
        running.delete(run);
        arm(schedule, periodOf(schedule));
      }
    },
    lastRuns: () => ({ ...lastRuns }),
    async stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      await Promise.allSettled([...running]);
      await saving;
    },
  };
}

async function readState(file: string): Promise<Record<string, string>> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (parsed === null || typeof parsed !== 'object') return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}
