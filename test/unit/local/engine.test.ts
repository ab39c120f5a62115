import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../../local/stepfunctions/engine.ts';
import type { Engine, EngineOptions } from '../../../local/stepfunctions/engine.ts';

const SM = 'arn:aws:states:eu-west-3:000000000000:stateMachine:Machine';
const fnArn = (name: string) => `arn:aws:lambda:eu-west-3:000000000000:function:${name}`;
const WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

type Calls = Array<{ fn: string; payload: Record<string, unknown> }>;
const engines: Engine[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function engineFor(definition: object, answers: Record<string, (payload: Record<string, unknown>) => unknown> = {}, options: Partial<EngineOptions> = {}) {
  const calls: Calls = [];
  const engine = createEngine({
    definition,
    stateMachineArn: SM,
    invoke: async (fn, payload) => {
      calls.push({ fn, payload: payload as Record<string, unknown> });
      return (answers[fn] ?? (() => ({ ok: true })))(payload as Record<string, unknown>);
    },
    ...options,
  });
  engines.push(engine);
  return { engine, calls };
}
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'engine-test-'));
  dirs.push(d);
  return d;
};
const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};
const failing =
  (name: string, message = 'boom') =>
  () =>
    Promise.reject(Object.assign(new Error(message), { name }));

/** A waiting task calling function `Ask` with `{ id, taskToken }`; `End: true` unless `extra` says `Next`. */
const askState = (extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: WAIT,
  Parameters: { FunctionName: fnArn('Ask'), Payload: { 'id.$': '$.id', 'taskToken.$': '$$.Task.Token' } },
  ResultPath: '$.answer',
  ...('Next' in extra ? {} : { End: true }),
  ...extra,
});
const waitingMachine = (extra: Record<string, unknown> = {}) => ({ StartAt: 'Ask', States: { Ask: askState(extra) } });

describe('tasks', () => {
  it('invokes a plain Lambda task with its effective input and records it in the history', async () => {
    const { engine, calls } = engineFor(
      {
        StartAt: 'Check',
        States: {
          Check: {
            Type: 'Task',
            Resource: fnArn('Check'),
            Parameters: { 'applicationId.$': '$.id', fixed: 1, 'exec.$': '$$.Execution.Name' },
            ResultSelector: { 'eligible.$': '$.eligible' },
            ResultPath: '$.check',
            End: true,
          },
        },
      },
      { Check: () => ({ eligible: true, reasons: ['x'] }) },
    );
    const { executionArn } = await engine.startExecution({ name: 'plain', input: '{"id":"a1"}' });
    const done = await engine.waitForExecution(executionArn);

    expect(calls).toEqual([{ fn: 'Check', payload: { applicationId: 'a1', fixed: 1, exec: 'plain' } }]);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"id":"a1","check":{"eligible":true}}' });
    expect(executionArn).toBe('arn:aws:states:eu-west-3:000000000000:execution:Machine:plain');
    const { events } = await engine.getExecutionHistory(executionArn);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events[1]).toMatchObject({ stateEnteredEventDetails: { name: 'Check', input: '{"id":"a1"}' } });
    expect(events[2]).toMatchObject({ lambdaFunctionScheduledEventDetails: { resource: fnArn('Check') } });
  });

  it('wraps a lambda:invoke result as the service does and reaches the function by name', async () => {
    const { engine, calls } = engineFor(
      {
        StartAt: 'Log',
        States: {
          Log: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'coopfund-log', 'Payload.$': '$' },
            ResultSelector: { 'status.$': '$.StatusCode', 'body.$': '$.Payload' },
            End: true,
          },
        },
      },
      { LogFn: () => 'logged' },
      { functionByResource: new Map([['coopfund-log', 'LogFn']]) },
    );
    const { executionArn } = await engine.startExecution({ input: { a: 1 } });
    const done = await engine.waitForExecution(executionArn);

    expect(calls).toEqual([{ fn: 'LogFn', payload: { a: 1 } }]);
    expect(JSON.parse(done.output as string)).toEqual({ status: 200, body: 'logged' });
  });

  it('fails the task with the Lambda errorType as Error and its error JSON as Cause', async () => {
    const { engine } = engineFor(
      {
        StartAt: 'Check',
        States: {
          Check: { Type: 'Task', Resource: fnArn('Check'), Catch: [{ ErrorEquals: ['Boom'], Next: 'Caught' }], End: true },
          Caught: { Type: 'Pass', End: true },
        },
      },
      { Check: () => Promise.reject({ errorType: 'Boom', errorMessage: 'it broke', trace: ['at x'] }) },
    );
    const { executionArn } = await engine.startExecution({ input: {} });
    const done = await engine.waitForExecution(executionArn);

    expect(JSON.parse(done.output as string)).toEqual({
      Error: 'Boom',
      Cause: JSON.stringify({ errorType: 'Boom', errorMessage: 'it broke', trace: ['at x'] }),
    });
  });

  it('passes a waiting task its own token, deterministic and usable once', async () => {
    const { engine, calls } = engineFor(waitingMachine());
    const { executionArn } = await engine.startExecution({ name: 'waiting', input: { id: 'a1' } });
    await until(() => calls.length === 1);
    const token = calls[0]?.payload.taskToken as string;

    expect(calls[0]).toEqual({ fn: 'Ask', payload: { id: 'a1', taskToken: token } });
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toMatchObject({ x: 'waiting', s: 'Ask', n: 1 });
    expect(engine.pendingTasks()).toEqual([expect.objectContaining({ executionArn, stateName: 'Ask', token })]);
    await expect(engine.sendTaskSuccess(token, 'not json')).rejects.toMatchObject({ name: 'InvalidOutput' });
    await expect(engine.sendTaskSuccess('garbage', '{}')).rejects.toMatchObject({ name: 'InvalidToken' });
    await engine.sendTaskSuccess(token, '{"decision":"yes"}');
    const done = await engine.waitForExecution(executionArn);

    expect(JSON.parse(done.output as string)).toEqual({ id: 'a1', answer: { decision: 'yes' } });
    await expect(engine.sendTaskSuccess(token, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
  });

  it('lets SendTaskFailure fail the task with the given error, matched by Catch', async () => {
    const { engine, calls } = engineFor({
      StartAt: 'Ask',
      States: {
        Ask: askState({ Catch: [{ ErrorEquals: ['Declined'], Next: 'Declined', ResultPath: '$.why' }] }),
        Declined: { Type: 'Pass', End: true },
      },
    });
    const { executionArn } = await engine.startExecution({ input: { id: 'a1' } });
    await until(() => calls.length === 1);
    await engine.sendTaskFailure(calls[0]?.payload.taskToken as string, 'Declined', 'not mine');
    const done = await engine.waitForExecution(executionArn);

    expect(JSON.parse(done.output as string)).toEqual({ id: 'a1', why: { Error: 'Declined', Cause: 'not mine' } });
  });

  it('times a waiting task out with States.Timeout, which States.TaskFailed does not catch', async () => {
    const catchers = {
      Catch: [
        { ErrorEquals: ['States.TaskFailed'], Next: 'Failed' },
        { ErrorEquals: ['States.Timeout'], Next: 'TimedOut' },
      ],
    };
    const { engine, calls } = engineFor(
      {
        StartAt: 'Ask',
        States: {
          Ask: askState({ TimeoutSeconds: 1, ...catchers }),
          Failed: { Type: 'Pass', Result: 'failed', End: true },
          TimedOut: { Type: 'Pass', Result: 'timed out', End: true },
        },
      },
      {},
      { timeoutScale: 0.1 },
    );
    const started = Date.now();
    const { executionArn } = await engine.startExecution({ input: { id: 'a1' } });
    const done = await engine.waitForExecution(executionArn);

    expect(done.output).toBe('"timed out"');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await expect(engine.sendTaskSuccess(calls[0]?.payload.taskToken as string, '{}')).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
    const { events } = await engine.getExecutionHistory(executionArn);
    expect(events.find((e) => e.type === 'TaskTimedOut')).toMatchObject({
      taskTimedOutEventDetails: { error: 'States.Timeout' },
    });
  });

  it('does not fire a TimeoutSeconds beyond what a Node timer holds', async () => {
    const { engine, calls } = engineFor(waitingMachine({ TimeoutSeconds: 99_999_999 }));
    const { executionArn } = await engine.startExecution({ input: { id: 'a1' } });
    await until(() => calls.length === 1);
    await new Promise((r) => setTimeout(r, 50));

    expect((await engine.describeExecution(executionArn)).status).toBe('RUNNING');
    expect(engine.pendingTasks()[0]?.deadline?.getTime()).toBeGreaterThan(Date.now() + 99_000_000_000);
  });

  it('keeps a task alive while heartbeats come, and times it out when they stop', async () => {
    const { engine, calls } = engineFor(
      {
        StartAt: 'Ask',
        States: {
          Ask: askState({ HeartbeatSeconds: 1, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Late' }] }),
          Late: { Type: 'Pass', Result: 'late', End: true },
        },
      },
      {},
      { timeoutScale: 0.15 },
    );
    const { executionArn } = await engine.startExecution({ input: { id: 'a1' } });
    await until(() => calls.length === 1);
    const token = calls[0]?.payload.taskToken as string;
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 80));
      await engine.sendTaskHeartbeat(token);
    }
    expect((await engine.describeExecution(executionArn)).status).toBe('RUNNING');
    const done = await engine.waitForExecution(executionArn);

    expect(done.output).toBe('"late"');
    const { events } = await engine.getExecutionHistory(executionArn);
    expect(events.find((e) => e.type === 'TaskTimedOut')).toMatchObject({
      taskTimedOutEventDetails: { error: 'States.HeartbeatTimeout' },
    });
  });

  it('retries as the Retry field says, with the pauses overridden', async () => {
    let attempts = 0;
    const { engine } = engineFor(
      {
        StartAt: 'Flaky',
        States: {
          Flaky: {
            Type: 'Task',
            Resource: fnArn('Flaky'),
            Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 30, MaxAttempts: 2 }],
            End: true,
          },
        },
      },
      { Flaky: () => (++attempts < 3 ? Promise.reject(Object.assign(new Error('x'), { name: 'TransientError' })) : 'ok') },
      { retryIntervalOverrides: { '*': 1 } },
    );
    const { executionArn } = await engine.startExecution({ input: {} });
    const done = await engine.waitForExecution(executionArn, 2000);

    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '"ok"' });
    expect(attempts).toBe(3);
  });

  it('closes the waiting tasks of the other branches when a Parallel branch fails', async () => {
    const { engine, calls } = engineFor(
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Left', States: { Left: askState() } },
              { StartAt: 'Right', States: { Right: { Type: 'Task', Resource: fnArn('Right'), End: true } } },
            ],
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      },
      {
        Right: async () => {
          await until(() => calls.length >= 2);
          throw Object.assign(new Error('no'), { name: 'Broken' });
        },
      },
    );
    const { executionArn } = await engine.startExecution({ input: { id: 'p' } });
    const done = await engine.waitForExecution(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(engine.pendingTasks()).toEqual([]);
    const left = calls.find((c) => c.fn === 'Ask');
    await expect(engine.sendTaskSuccess(left?.payload.taskToken as string, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    const { events } = await engine.getExecutionHistory(executionArn);
    expect(events.map((e) => e.type)).toContain('TaskStateAborted');
  });
});

describe('executions', () => {
  const passMachine = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

  it('treats StartExecution as idempotent for the same name and input while it runs', async () => {
    const { engine } = engineFor(waitingMachine());
    const first = await engine.startExecution({ name: 'same', input: '{"id": "a1"}' });

    expect(await engine.startExecution({ name: 'same', input: { id: 'a1' } })).toEqual(first);
    await expect(engine.startExecution({ name: 'same', input: { id: 'other' } })).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
    await expect(engine.startExecution({ name: 'bad name', input: {} })).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(engine.startExecution({ name: 'x', input: '{not json' })).rejects.toMatchObject({
      name: 'InvalidExecutionInput',
    });
    await expect(engine.describeExecution(`${SM.replace('stateMachine', 'execution')}:nope`)).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
    });
  });

  it('stops an execution: ABORTED, its waiting task closed, nothing more invoked', async () => {
    const { engine, calls } = engineFor({
      StartAt: 'Ask',
      States: { Ask: askState({ Next: 'After' }), After: { Type: 'Task', Resource: fnArn('After'), End: true } },
    });
    const { executionArn } = await engine.startExecution({ input: { id: 'a1' } });
    await until(() => calls.length === 1);
    const { stopDate } = await engine.stopExecution(executionArn, { error: 'Admin', cause: 'duplicate' });
    const token = calls[0]?.payload.taskToken as string;

    expect(await engine.describeExecution(executionArn)).toMatchObject({ status: 'ABORTED', error: 'Admin', cause: 'duplicate', stopDate });
    await expect(engine.sendTaskSuccess(token, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.map((c) => c.fn)).toEqual(['Ask']);
    const { events } = await engine.getExecutionHistory(executionArn);
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Admin' } });
  });

  it('stops an execution whose function hangs, and closes without waiting for it', async () => {
    const { engine, calls } = engineFor(
      { StartAt: 'Hang', States: { Hang: { Type: 'Task', Resource: fnArn('Hang'), End: true } } },
      { Hang: () => new Promise(() => undefined) },
    );
    const { executionArn } = await engine.startExecution({ input: {} });
    await until(() => calls.length === 1);
    await engine.stopExecution(executionArn);

    expect(await engine.waitForExecution(executionArn, 500)).toMatchObject({ status: 'ABORTED' });
  });

  it('fails a waiting task whose function throws before returning a promise', async () => {
    const engine = createEngine({
      definition: {
        StartAt: 'Ask',
        States: { Ask: askState({ Catch: [{ ErrorEquals: ['NotStarted'], Next: 'Caught' }] }), Caught: { Type: 'Pass', End: true } },
      },
      stateMachineArn: SM,
      invoke: () => {
        throw Object.assign(new Error('runtime not started'), { name: 'NotStarted' });
      },
    });
    engines.push(engine);
    const { executionArn } = await engine.startExecution({ input: { id: 'x' } });
    const done = await engine.waitForExecution(executionArn);

    expect(JSON.parse(done.output as string)).toMatchObject({ Error: 'NotStarted' });
    expect(engine.pendingTasks()).toEqual([]);
  });

  it('refuses JSONata and variables, which the library would run wrong', () => {
    const jsonata = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    const assign = { StartAt: 'P', States: { P: { Type: 'Pass', Assign: { x: 1 }, End: true } } };

    expect(() => createEngine({ definition: jsonata, stateMachineArn: SM, invoke: async () => null })).toThrow(/JSONata/);
    expect(() => createEngine({ definition: assign, stateMachineArn: SM, invoke: async () => null })).toThrow(/state P: .*Assign/);
  });

  it('times the whole execution out after its own TimeoutSeconds', async () => {
    const { engine } = engineFor({ ...waitingMachine(), TimeoutSeconds: 1 }, {}, { timeoutScale: 0.05 });
    const { executionArn } = await engine.startExecution({ input: { id: 'a1' } });
    const done = await engine.waitForExecution(executionArn);

    expect(done).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(engine.pendingTasks()).toEqual([]);
  });

  it('lists executions, newest first, by status and in pages', async () => {
    const { engine } = engineFor(passMachine);
    for (const name of ['one', 'two', 'three']) {
      await engine.waitForExecution((await engine.startExecution({ name, input: {} })).executionArn);
      await new Promise((r) => setTimeout(r, 2));
    }
    const page1 = await engine.listExecutions({ maxResults: 2, statusFilter: 'SUCCEEDED' });
    const page2 = await engine.listExecutions({ maxResults: 2, nextToken: page1.nextToken as string });

    expect(page1.executions.map((e) => e.name)).toEqual(['three', 'two']);
    expect(page2).toEqual({ executions: [expect.objectContaining({ name: 'one', status: 'SUCCEEDED' })] });
    expect((await engine.listExecutions({ statusFilter: 'RUNNING' })).executions).toEqual([]);
  });

  it('reports each new history event to onEvent, once', async () => {
    const seen: string[] = [];
    const { engine } = engineFor(passMachine, {}, { onEvent: (e, x) => seen.push(`${x.name}:${e.type}`) });
    const { executionArn } = await engine.startExecution({ name: 'hooked', input: {} });
    await engine.waitForExecution(executionArn);

    expect(seen).toEqual(['hooked:ExecutionStarted', 'hooked:PassStateEntered', 'hooked:PassStateExited', 'hooked:ExecutionSucceeded']);
  });
});

describe('the journal', () => {
  const twoSteps = (waitTimeout?: number) => ({
    StartAt: 'First',
    States: {
      First: { Type: 'Task', Resource: fnArn('First'), ResultPath: '$.first', Next: 'Ask' },
      Ask: askState(waitTimeout ? { TimeoutSeconds: waitTimeout } : {}),
    },
  });

  it('writes one JSON Lines file per execution, in the documented records', async () => {
    const dir = tempDir();
    const { engine, calls } = engineFor(twoSteps(), { First: () => 1 }, { journalDir: dir });
    const { executionArn } = await engine.startExecution({ name: 'journaled', input: { id: 'j' } });
    await until(() => calls.length === 2);
    await engine.sendTaskSuccess(calls[1]?.payload.taskToken as string, '"yes"');
    await engine.waitForExecution(executionArn);

    expect(readdirSync(dir)).toEqual(['journaled.jsonl']);
    const records = readFileSync(join(dir, 'journaled.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: string });
    expect(records.filter((r) => r.t !== 'event')).toEqual([
      expect.objectContaining({ t: 'start', name: 'journaled', executionArn, input: '{"id":"j"}', salt: expect.any(String) }),
      expect.objectContaining({ t: 'result', state: 'First', n: 1, ok: true, output: 1 }),
      expect.objectContaining({ t: 'wait', state: 'Ask', n: 1, token: calls[1]?.payload.taskToken, deadline: null }),
      expect.objectContaining({ t: 'submitted', state: 'Ask', n: 1 }),
      expect.objectContaining({ t: 'result', state: 'Ask', n: 1, ok: true, output: 'yes' }),
      expect.objectContaining({ t: 'end', status: 'SUCCEEDED', output: '{"id":"j","first":1,"answer":"yes"}' }),
    ]);
  });

  it('resumes an unfinished execution without invoking again what already ran', async () => {
    const dir = tempDir();
    const first = engineFor(twoSteps(), { First: () => 'from first run' }, { journalDir: dir });
    const { executionArn } = await first.engine.startExecution({ name: 'resumable', input: { id: 'r' } });
    await until(() => first.calls.length === 2);
    const token = first.calls[1]?.payload.taskToken as string;
    await first.engine.close();

    const second = engineFor(twoSteps(), { First: () => 'from second run' }, { journalDir: dir });
    expect(await second.engine.resume()).toEqual({ resumed: [executionArn], finished: 0 });
    expect(second.engine.pendingTasks()).toEqual([expect.objectContaining({ token, stateName: 'Ask' })]);
    await second.engine.sendTaskSuccess(token, '"answered"');
    const done = await second.engine.waitForExecution(executionArn);

    expect(second.calls).toEqual([]);
    expect(JSON.parse(done.output as string)).toEqual({ id: 'r', first: 'from first run', answer: 'answered' });
    const types = (await second.engine.getExecutionHistory(executionArn)).events.map((e) => e.type);
    expect(types.filter((t) => t === 'TaskStateEntered')).toHaveLength(2);
    expect(types.filter((t) => t === 'ExecutionStarted')).toHaveLength(1);
  });

  it('replays a journaled failure as a failure, so the same Catch is taken', async () => {
    const dir = tempDir();
    const machine = {
      StartAt: 'First',
      States: {
        First: { Type: 'Task', Resource: fnArn('First'), Catch: [{ ErrorEquals: ['Nope'], Next: 'Ask', ResultPath: '$.err' }], End: true },
        Ask: askState(),
      },
    };
    const first = engineFor(machine, { First: failing('Nope') }, { journalDir: dir });
    const { executionArn } = await first.engine.startExecution({ name: 'failed-once', input: { id: 'f' } });
    await until(() => first.calls.length === 2);
    await first.engine.close();

    const second = engineFor(machine, { First: () => 'would succeed now' }, { journalDir: dir });
    await second.engine.resume();
    await second.engine.sendTaskSuccess(first.calls[1]?.payload.taskToken as string, '1');
    const done = await second.engine.waitForExecution(executionArn);

    expect(second.calls).toEqual([]);
    expect(JSON.parse(done.output as string)).toMatchObject({ err: { Error: 'Nope' }, answer: 1 });
  });

  it('keeps the tokens of another journal invalid', async () => {
    const { engine, calls } = engineFor(waitingMachine());
    await engine.startExecution({ name: 'mine', input: { id: 'a' } });
    await until(() => calls.length === 1);
    const forged = Buffer.from(JSON.stringify({ x: 'mine', s: 'Ask', n: 1, k: 'another-salt' })).toString('base64url');

    await expect(engine.sendTaskSuccess(forged, '{}')).rejects.toMatchObject({ name: 'InvalidToken' });
  });
});
