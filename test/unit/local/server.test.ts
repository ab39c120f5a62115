import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  ListStateMachinesCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../local/stepfunctions/engine.ts';
import type { Engine } from '../../../local/stepfunctions/engine.ts';
import { startSfnServer } from '../../../local/stepfunctions/server.ts';
import type { SfnServer } from '../../../local/stepfunctions/server.ts';

const SM = 'arn:aws:states:eu-west-3:000000000000:stateMachine:Machine';
const definition = {
  StartAt: 'Ask',
  States: {
    Ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'arn:aws:lambda:eu-west-3:000000000000:function:Ask', Payload: { 'id.$': '$.id', 'taskToken.$': '$$.Task.Token' } },
      ResultPath: '$.answer',
      Catch: [{ ErrorEquals: ['Declined'], Next: 'Declined', ResultPath: '$.why' }],
      End: true,
    },
    Declined: { Type: 'Pass', End: true },
  },
};

let engine: Engine;
let server: SfnServer;
let sfn: SFNClient;
const tokens = new Map<string, string>();

beforeAll(async () => {
  engine = createEngine({
    definition,
    stateMachineArn: SM,
    invoke: async (_fn, payload) => {
      const p = payload as { id: string; taskToken: string };
      tokens.set(p.id, p.taskToken);
      return null;
    },
  });
  server = await startSfnServer(engine, { port: 0, host: '127.0.0.1' });
  sfn = new SFNClient({ endpoint: server.url, region: 'eu-west-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  sfn?.destroy();
  await server?.close();
  await engine?.close();
});

const tokenOf = async (id: string) => {
  for (let i = 0; i < 200 && !tokens.has(id); i++) await new Promise((r) => setTimeout(r, 5));
  return tokens.get(id) as string;
};
const start = (id: string) => sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: id, input: JSON.stringify({ id }) }));

describe('the Step Functions endpoint, through @aws-sdk/client-sfn', () => {
  it('starts, describes and completes an execution with SendTaskSuccess', async () => {
    const started = await start('ok-1');
    expect(started.executionArn).toBe('arn:aws:states:eu-west-3:000000000000:execution:Machine:ok-1');
    expect(started.startDate).toBeInstanceOf(Date);
    // Idempotent while it runs, as in the service.
    expect((await start('ok-1')).executionArn).toBe(started.executionArn);

    const running = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(running).toMatchObject({ status: 'RUNNING', name: 'ok-1', input: '{"id":"ok-1"}', stateMachineArn: SM });

    const token = await tokenOf('ok-1');
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"decision":"yes"}' }));
    await engine.waitForExecution(started.executionArn as string);

    const done = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"id":"ok-1","answer":{"decision":"yes"}}' });
    expect(done.stopDate).toBeInstanceOf(Date);

    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));
    expect(history.events?.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(history.events?.[1]).toMatchObject({ id: 2, previousEventId: 1, stateEnteredEventDetails: { name: 'Ask' } });
    expect(history.events?.[0]?.timestamp).toBeInstanceOf(Date);
  });

  it('routes SendTaskFailure to the Catch of its error', async () => {
    const { executionArn } = await start('fail-1');
    await sfn.send(new SendTaskFailureCommand({ taskToken: await tokenOf('fail-1'), error: 'Declined', cause: 'no' }));
    await engine.waitForExecution(executionArn as string);

    const done = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(JSON.parse(done.output as string)).toEqual({ id: 'fail-1', why: { Error: 'Declined', Cause: 'no' } });
  });

  it('stops and lists executions', async () => {
    const { executionArn } = await start('stop-1');
    const stopped = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Admin', cause: 'test' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);

    const aborted = await sfn.send(new ListExecutionsCommand({ stateMachineArn: SM, statusFilter: 'ABORTED' }));
    expect(aborted.executions?.map((e) => e.name)).toEqual(['stop-1']);
    expect(aborted.executions?.[0]?.startDate).toBeInstanceOf(Date);
  });

  it('surfaces the service error names', async () => {
    const { executionArn } = await start('errors-1');
    const token = await tokenOf('errors-1');
    const nameOf = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: Error) => e.name,
      );

    expect(await nameOf(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })))).toBe('InvalidOutput');
    expect(await nameOf(sfn.send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })))).toBe('InvalidToken');
    expect(
      await nameOf(start('errors-1').then(() => sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'errors-1', input: '{"id":"other"}' })))),
    ).toBe('ExecutionAlreadyExists');
    expect(await nameOf(sfn.send(new DescribeExecutionCommand({ executionArn: `${executionArn}-nope` })))).toBe('ExecutionDoesNotExist');
    expect(await nameOf(sfn.send(new StartExecutionCommand({ stateMachineArn: `${SM}x`, input: '{}' })))).toBe('StateMachineDoesNotExist');

    await sfn.send(new StopExecutionCommand({ executionArn }));
    expect(await nameOf(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBe('TaskDoesNotExist');
  });

  it('answers TaskTimedOut for a token whose wait is over while the execution still runs', async () => {
    const { End: _end, ...ask } = definition.States.Ask;
    const loop = createEngine({
      definition: {
        StartAt: 'Ask',
        States: {
          // Times out and asks again, forever: the first token expires while the execution runs.
          Ask: { ...ask, TimeoutSeconds: 1, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Again', ResultPath: '$.timedOut' }], Next: 'Done' },
          Again: { Type: 'Pass', Next: 'Ask' },
          Done: { Type: 'Succeed' },
        },
      },
      stateMachineArn: SM,
      timeoutScale: 0.05,
      invoke: async (_fn, payload) => {
        tokens.set(`loop-${tokens.size}`, (payload as { taskToken: string }).taskToken);
        return null;
      },
    });
    const loopServer = await startSfnServer(loop);
    const client = new SFNClient({ endpoint: loopServer.url, region: 'eu-west-3', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    try {
      const before = tokens.size;
      await client.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'loop', input: '{"id":"x"}' }));
      for (let i = 0; i < 200 && tokens.size < before + 2; i++) await new Promise((r) => setTimeout(r, 5));
      const expired = tokens.get(`loop-${before}`) as string;

      await expect(client.send(new SendTaskSuccessCommand({ taskToken: expired, output: '{}' }))).rejects.toMatchObject({
        name: 'TaskTimedOut',
      });
    } finally {
      client.destroy();
      await loopServer.close();
      await loop.close();
    }
  });

  it('describes and lists the state machine with its definition, as the service does', async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: SM }));
    expect(described).toMatchObject({
      stateMachineArn: SM,
      name: 'Machine',
      status: 'ACTIVE',
      type: 'STANDARD',
      roleArn: 'arn:aws:iam::000000000000:role/MachineRole',
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    });
    expect(JSON.parse(described.definition as string)).toEqual(definition);
    expect(described.creationDate).toBeInstanceOf(Date);

    const listed = await sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines).toEqual([{ stateMachineArn: SM, name: 'Machine', type: 'STANDARD', creationDate: described.creationDate }]);
    expect(listed.nextToken).toBeUndefined();

    const { executionArn } = await start('machine-1');
    const forExecution = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    expect(forExecution).toMatchObject({ stateMachineArn: SM, name: 'Machine', roleArn: described.roleArn, updateDate: described.creationDate });
    expect(JSON.parse(forExecution.definition as string)).toEqual(definition);
    await sfn.send(new StopExecutionCommand({ executionArn }));
  });

  it('answers an unknown state machine or execution with the service errors', async () => {
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode }),
      );

    expect(await failure(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${SM}x` })))).toEqual({
      name: 'StateMachineDoesNotExist',
      message: `State Machine Does Not Exist: '${SM}x'`,
      status: 400,
    });
    expect(await failure(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'Machine' })))).toMatchObject({ name: 'InvalidArn', status: 400 });
    const unknown = `${SM.replace(':stateMachine:', ':execution:')}:never-started`;
    expect(await failure(sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: unknown })))).toEqual({
      name: 'ExecutionDoesNotExist',
      message: `Execution Does Not Exist: '${unknown}'`,
      status: 400,
    });
  });

  it('tells the role, logging and tracing it was started with', async () => {
    const other = await startSfnServer(engine, {
      port: 0,
      stateMachine: {
        roleArn: 'arn:aws:iam::000000000000:role/WorkflowRole',
        loggingConfiguration: {
          level: 'ALL',
          includeExecutionData: false,
          destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:eu-west-3:000000000000:log-group:wf:*' } }],
        },
        tracingConfiguration: { enabled: true },
      },
    });
    const client = new SFNClient({ endpoint: other.url, region: 'eu-west-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      expect(await client.send(new DescribeStateMachineCommand({ stateMachineArn: SM }))).toMatchObject({
        roleArn: 'arn:aws:iam::000000000000:role/WorkflowRole',
        loggingConfiguration: {
          level: 'ALL',
          destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:eu-west-3:000000000000:log-group:wf:*' } }],
        },
        tracingConfiguration: { enabled: true },
      });
    } finally {
      client.destroy();
      await other.close();
    }
  });

  it('answers an unknown operation with an error, not a hang', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'X-Amz-Target': 'AWSStepFunctions.CreateStateMachine', 'Content-Type': 'application/x-amz-json-1.0' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: expect.stringMatching(/#UnknownOperationException$/) });
  });
});
