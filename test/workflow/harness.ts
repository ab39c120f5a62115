import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalTemplate } from '../../local/template.ts';
import { createEngine } from '../../local/stepfunctions/engine.ts';
import type { Engine, EngineOptions } from '../../local/stepfunctions/engine.ts';

/**
 * Runs the synthesized state machine with scripted fakes in place of the Lambda functions: they
 * record every call and answer what the test scripts, so a test drives one path of the routing
 * (the real handlers run in the end-to-end tests). Functions are named by their folder
 * (`functions/<name>/handler.ts`), found through each function's `coopfund:entry`.
 */

export type FunctionName =
  | 'check-eligibility'
  | 'assign-reviewer'
  | 'request-review'
  | 'record-review'
  | 'request-changes'
  | 'request-committee-decision'
  | 'award-grant'
  | 'record-outcome'
  | 'notify-applicants'
  | 'notify-admins';

/** Any recorded payload: the fields of the workflow contract, loosely typed for assertions. */
/** The main states of an application approved on its first review, from the receipt to the end. */
export const APPROVED_PATH = [
  'SendReceipt',
  'CheckEligibility',
  'IsEligible',
  'AssignReviewer',
  'RequestReview',
  'RecordReview',
  'ReviewOutcome',
  'Committee',
  'RequestFrenchCoChairDecision',
  'RequestMoroccanCoChairDecision',
  'CommitteeOutcome',
  'AwardGrant',
  'NotifyDecision',
  'Done',
] as const;

export type Payload = Record<string, unknown> & { applicationId?: string; taskToken?: string };
export interface Call {
  fn: FunctionName;
  payload: Payload;
}

/** A fake: returns the function's result or throws (`name` = the Lambda errorType). */
export type Fake = (payload: Payload, nth: number) => unknown;

/** A Lambda error as the local runtime surfaces it: `name` is the errorType. */
export function lambdaError(name: string, message = `${name} (scripted)`): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** Happy-path answers; a test overrides the functions its path needs. */
export const defaultFakes: Record<FunctionName, Fake> = {
  'check-eligibility': () => ({ eligible: true, failedRules: [] }),
  'assign-reviewer': () => ({ status: 'IN_REVIEW' }),
  'request-review': () => null,
  'record-review': (p) => ({ next: (p.review as { decision?: string }).decision === 'changes' ? 'changes' : 'committee' }),
  'request-changes': () => null,
  'request-committee-decision': () => null,
  'award-grant': (p) => {
    const decisions = p.decisions as Array<{ grantedFR?: number; grantedMA?: number }>;
    return { status: 'APPROVED', grantedFR: decisions.find((d) => d.grantedFR)?.grantedFR ?? 0, grantedMA: decisions.find((d) => d.grantedMA)?.grantedMA ?? 0 };
  },
  'record-outcome': () => null,
  'notify-applicants': () => null,
  'notify-admins': () => null,
};

export interface Harness {
  engine: Engine;
  calls: Call[];
  /** Replaces fakes (for this harness, from now on). */
  script(fakes: Partial<Record<FunctionName, Fake>>): void;
  /** Starts an execution for `applicationId` (also its name). */
  start(applicationId: string): Promise<string>;
  /** Resolves with the n-th call (1-based) of `fn` for that application, once it has happened. */
  call(applicationId: string, fn: FunctionName, nth?: number): Promise<Payload>;
  callsOf(applicationId: string, fn?: FunctionName): Payload[];
  /**
   * Resolves once `count` waiting tasks of the execution have been submitted (their function
   * returned: the link is out), as a person would see it before acting.
   */
  submitted(executionArn: string, count?: number): Promise<void>;
  /** Names of the states entered, in order. */
  statesEntered(executionArn: string): Promise<string[]>;
  finish(executionArn: string): ReturnType<Engine['describeExecution']>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  journalDir?: string;
  fakes?: Partial<Record<FunctionName, Fake>>;
  engine?: Partial<Pick<EngineOptions, 'timeoutScale' | 'retryIntervalOverrides'>>;
}

export function createHarness(template: LocalTemplate, options: HarnessOptions = {}): Harness {
  const fakes: Record<FunctionName, Fake> = { ...defaultFakes, ...options.fakes };
  const calls: Call[] = [];
  const waiters: Array<() => void> = [];
  const nameOf = (logicalId: string): FunctionName => {
    const entry = template.functions.get(logicalId)?.entry ?? '';
    const m = /^functions\/([^/]+)\/handler\.ts$/.exec(entry);
    if (!m) throw new Error(`no function folder for ${logicalId} (entry ${entry})`);
    return m[1] as FunctionName;
  };
  const sm = template.stateMachine;
  const engine = createEngine({
    definition: sm.definition,
    stateMachineArn: sm.arn,
    functionByResource: sm.functionByResource,
    ...(options.journalDir ? { journalDir: options.journalDir } : {}),
    // Retry pauses are not what these tests check: keep them short.
    retryIntervalOverrides: { '*': 5 },
    ...options.engine,
    invoke: async (logicalId, payload) => {
      const fn = nameOf(logicalId);
      // The payload crosses a JSON boundary in Lambda too: record a copy, never a live reference.
      const copy = structuredClone(payload) as Payload;
      calls.push({ fn, payload: copy });
      const nth = calls.filter((c) => c.fn === fn && c.payload.applicationId === copy.applicationId).length;
      for (const wake of waiters.splice(0)) wake();
      const fake = fakes[fn];
      return fake(copy, nth);
    },
  });
  const callsOf = (applicationId: string, fn?: FunctionName) =>
    calls.filter((c) => c.payload.applicationId === applicationId && (!fn || c.fn === fn)).map((c) => c.payload);

  return {
    engine,
    calls,
    script(more) {
      Object.assign(fakes, more);
    },
    async start(applicationId) {
      const { executionArn } = await engine.startExecution({ name: applicationId, input: { applicationId } });
      return executionArn;
    },
    async call(applicationId, fn, nth = 1) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = callsOf(applicationId, fn)[nth - 1];
        if (found) return found;
        if (Date.now() > deadline) {
          const seen = callsOf(applicationId).map((c) => calls.find((x) => x.payload === c)?.fn);
          throw new Error(`no call #${nth} of ${fn} for ${applicationId}; calls so far: ${seen.join(', ')}`);
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 100);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
    callsOf,
    async submitted(executionArn, count = 1) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { events } = await engine.getExecutionHistory(executionArn, { maxResults: 1000 });
        if (events.filter((e) => e.type === 'TaskSubmitted').length >= count) return;
        if (Date.now() > deadline) throw new Error(`fewer than ${count} submitted tasks in ${executionArn}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async statesEntered(executionArn) {
      const { events } = await engine.getExecutionHistory(executionArn, { maxResults: 1000 });
      return events.filter((e) => e.type.endsWith('StateEntered')).map((e) => (e.stateEnteredEventDetails as { name: string }).name);
    },
    finish: (executionArn) => engine.waitForExecution(executionArn, 20_000),
    close: () => engine.close(),
  };
}

/** A fresh journal directory, removed by the returned cleanup. */
export function tempJournal(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'coopfund-sfn-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
