import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ExecutionAlreadyExists, InvalidOutput, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { executionName, sfnWorkflow } from '../../../shared/adapters/sfn-workflow.ts';
import { TaskGoneError, TransientError } from '../../../shared/domain/errors.ts';

const sfn = mockClient(SFNClient);
afterEach(() => {
  sfn.reset();
});

const ARN = 'arn:aws:states:eu-west-3:123456789012:stateMachine:coopfund-workflow';
const workflow = () => sfnWorkflow(new SFNClient({}), ARN);
const sdkError = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, $metadata: {}, ...extra });

describe('sfnWorkflow.start', () => {
  it('starts one execution named after the application, with its id as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
    await workflow().start('Q2xhaXJlLU1hcnRpbi0x');
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: ARN,
      name: 'Q2xhaXJlLU1hcnRpbi0x',
      input: JSON.stringify({ applicationId: 'Q2xhaXJlLU1hcnRpbi0x' }),
    });
  });

  it('an execution already under that name means already started', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(workflow().start('app-1')).resolves.toBeUndefined();
  });

  it('throttling and unavailability are transient', async () => {
    for (const name of ['ThrottlingException', 'ServiceUnavailable']) {
      sfn.reset();
      sfn.on(StartExecutionCommand).rejects(sdkError(name));
      await expect(workflow().start('app-1')).rejects.toBeInstanceOf(TransientError);
    }
    sfn.reset();
    sfn.on(StartExecutionCommand).rejects(sdkError('InternalError', { $metadata: { httpStatusCode: 500 } }));
    await expect(workflow().start('app-1')).rejects.toBeInstanceOf(TransientError);
  });

  it('names stay within the rules whatever the id', () => {
    expect(executionName('a/b c#d')).toBe('a-b-c-d');
    expect(executionName('x'.repeat(100))).toHaveLength(80);
  });
});

describe('sfnWorkflow.succeedTask', () => {
  it('sends the output as JSON with the token', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    await workflow().succeedTask('token-1', { decision: 'favorable' });
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, { taskToken: 'token-1', output: '{"decision":"favorable"}' });
  });

  it('a token that is no use any more is TaskGone', async () => {
    for (const error of [new TaskTimedOut({ message: 't', $metadata: {} }), sdkError('TaskDoesNotExist'), sdkError('InvalidToken')]) {
      sfn.reset();
      sfn.on(SendTaskSuccessCommand).rejects(error);
      await expect(workflow().succeedTask('token-1', {})).rejects.toBeInstanceOf(TaskGoneError);
    }
  });

  it('throttling is transient; a bad output is neither', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(sdkError('ThrottlingException'));
    await expect(workflow().succeedTask('token-1', {})).rejects.toBeInstanceOf(TransientError);
    sfn.reset();
    sfn.on(SendTaskSuccessCommand).rejects(new InvalidOutput({ message: 'bad', $metadata: {} }));
    const error = await workflow()
      .succeedTask('token-1', {})
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(TaskGoneError);
  });
});
