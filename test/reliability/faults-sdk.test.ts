import '../unit/api/env.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ReplicatedWriteConflictException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import {
  AccountSendingPausedException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SendEmailCommand,
  SESClient,
  SESServiceException,
} from '@aws-sdk/client-ses';
import {
  ExecutionAlreadyExists,
  ExecutionLimitExceeded,
  InvalidArn,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { isTransient } from '../../shared/adapters/aws-errors.ts';
import { dynamoRepository } from '../../shared/adapters/dynamodb-repository.ts';
import { sesMailer } from '../../shared/adapters/ses-mailer.ts';
import { sfnWorkflow } from '../../shared/adapters/sfn-workflow.ts';
import { gsi, keys } from '../../shared/adapters/table-keys.ts';
import { TaskGoneError, TransientError } from '../../shared/domain/errors.ts';
import { apiEvent, bodyOf, lambdaContext } from '../fixtures/api-event.ts';
import { applicationItem } from '../unit/api/items.ts';
import { plan, record } from './support/figures.ts';
import { applicationRecord, openCall, OPEN_CALL, validInput } from './support/world.ts';

/**
 * Point 5 of SECURITY.md, at the SDK: aws-sdk-client-mock makes DynamoDB, SES and Step Functions
 * fail as they do (their own exception classes), and the tests assert what our code makes of it:
 * the classification, the adapters' errors (what the state machine's Retry matches), and the API's
 * 503 with Retry-After with nothing left half-done.
 */
plan(['faults', 'API, SDK mocks'], ['faults', 'tasks, SDK mocks']);

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const ses = mockClient(SESClient);
afterEach(() => {
  ddb.reset();
  sfn.reset();
  ses.reset();
});

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const dynamo = {
  provisioned: () =>
    new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded', ...meta(400) }),
  throttling: () => new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput', ...meta(400) }),
  requestLimit: () => new RequestLimitExceeded({ message: 'Throughput exceeds the current throughput limit for your account', ...meta(400) }),
  internal: () => new InternalServerError({ message: 'Internal server error', ...meta(500) }),
  replicated: () => new ReplicatedWriteConflictException({ message: 'Replicated write conflict', ...meta(400) }),
  condition: () => new ConditionalCheckFailedException({ message: 'The conditional request failed', ...meta(400) }),
  notFound: () => new ResourceNotFoundException({ message: 'Requested resource not found', ...meta(400) }),
  validation: () =>
    new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', message: 'One or more parameter values were invalid', ...meta(400) }),
};
const email = {
  throttling: () => new SESServiceException({ name: 'Throttling', $fault: 'client', message: 'Maximum sending rate exceeded.', ...meta(400) }),
  unavailable: () => new SESServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'Service Unavailable', ...meta(503) }),
  rejected: () => new MessageRejected({ message: 'Email address is not verified.', ...meta(400) }),
  mailFrom: () => new MailFromDomainNotVerifiedException({ message: 'MAIL FROM domain not verified', ...meta(400) }),
  paused: () => new AccountSendingPausedException({ message: 'Sending paused for this account', ...meta(400) }),
};
const workflow = {
  unavailable: () => new SFNServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'Service Unavailable', ...meta(503) }),
  throttling: () => new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', ...meta(400) }),
  limit: () => new ExecutionLimitExceeded({ message: 'Execution limit exceeded', ...meta(400) }),
  timedOut: () => new TaskTimedOut({ message: 'Task Timed Out', ...meta(400) }),
  exists: () => new ExecutionAlreadyExists({ message: 'Execution already exists', ...meta(400) }),
  invalidArn: () => new InvalidArn({ message: 'Invalid Arn', ...meta(400) }),
  denied: () => new SFNServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'not authorized', ...meta(400) }),
};
const network = {
  timeout: () => Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }),
  reset: () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
};

describe('the classification of AWS errors (shared/adapters/aws-errors.ts)', () => {
  it.each([
    ['DynamoDB ProvisionedThroughputExceededException', true, dynamo.provisioned],
    ['DynamoDB ThrottlingException', true, dynamo.throttling],
    ['DynamoDB RequestLimitExceeded', true, dynamo.requestLimit],
    ['DynamoDB InternalServerError', true, dynamo.internal],
    ['DynamoDB ReplicatedWriteConflictException (retryable)', true, dynamo.replicated],
    ['DynamoDB ConditionalCheckFailedException', false, dynamo.condition],
    ['DynamoDB ResourceNotFoundException', false, dynamo.notFound],
    ['DynamoDB ValidationException', false, dynamo.validation],
    ['SES Throttling (sending rate)', true, email.throttling],
    ['SES ServiceUnavailable', true, email.unavailable],
    ['SES MessageRejected', false, email.rejected],
    ['SES MailFromDomainNotVerifiedException', false, email.mailFrom],
    ['SES AccountSendingPausedException', false, email.paused],
    ['Step Functions ServiceUnavailable', true, workflow.unavailable],
    ['Step Functions ThrottlingException', true, workflow.throttling],
    ['Step Functions TaskTimedOut', false, workflow.timedOut],
    ['Step Functions InvalidArn', false, workflow.invalidArn],
    ['Step Functions AccessDeniedException', false, workflow.denied],
    ['a request timeout', true, network.timeout],
    ['a reset connection', true, network.reset],
  ])('%s → transient: %s', (_name, transient, make) => {
    expect(isTransient(make())).toBe(transient);
  });
});

describe('the adapters turn transient failures into TransientError, which the state machine retries', () => {
  it('DynamoDB: throttling and 5xx → TransientError; a failed condition is no failure', async () => {
    const repository = dynamoRepository(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'coopfund-test');
    for (const make of [dynamo.provisioned, dynamo.throttling, dynamo.requestLimit, dynamo.internal]) {
      ddb.reset();
      ddb.on(GetCommand).rejects(make());
      const error = await repository.getApplication('x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).name).toBe('TransientError');
    }
    ddb.reset();
    ddb.on(PutCommand).rejects(dynamo.condition());
    expect(await repository.markEmailSent('k')).toBe(false);
  });

  it('SES: throttling → TransientError; a rejection keeps its own name (not retried)', async () => {
    const mailer = sesMailer(new SESClient({}), 'no-reply@coopfund.example.org');
    const message = { to: ['a@example.org'], subject: 's', html: '<p>h</p>', text: 't' };
    ses.on(SendEmailCommand).rejects(email.throttling());
    await expect(mailer.send(message)).rejects.toMatchObject({ name: 'TransientError' });
    ses.reset();
    ses.on(SendEmailCommand).rejects(email.rejected());
    await expect(mailer.send(message)).rejects.toMatchObject({ name: 'MessageRejected' });
  });

  it('Step Functions: unavailable, throttled or at its execution limit → TransientError; a stale token → TaskGoneError', async () => {
    const wf = sfnWorkflow(new SFNClient({}), 'arn:aws:states:eu-west-3:123456789012:stateMachine:w');
    for (const make of [workflow.unavailable, workflow.throttling, workflow.limit]) {
      sfn.reset();
      sfn.on(StartExecutionCommand).rejects(make());
      await expect(wf.start('app-1')).rejects.toBeInstanceOf(TransientError);
    }
    sfn.reset();
    sfn.on(StartExecutionCommand).rejects(workflow.exists());
    await expect(wf.start('app-1')).resolves.toBeUndefined();
    sfn.reset();
    const { SendTaskSuccessCommand } = await import('@aws-sdk/client-sfn');
    sfn.on(SendTaskSuccessCommand).rejects(workflow.timedOut());
    await expect(wf.succeedTask('token', {})).rejects.toBeInstanceOf(TaskGoneError);
  });
});

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

describe('POST /applications when a dependency fails: 503 with Retry-After, nothing half-done', () => {
  let submit: Handler;
  const input = validInput();
  const call = { ...openCall(), ...keys.call(OPEN_CALL), gsi1pk: gsi.calls(), gsi1sk: gsi.callSort(openCall().opensAt, OPEN_CALL), committed: 0 };
  /** The items an application leaves: what the undo must delete. */
  const stored = new Map<string, Array<{ pk: string; sk: string }>>();
  let failStoring: (() => Error) | undefined;

  beforeEach(async () => {
    submit ??= (await import('../../functions/submit-application/handler.ts')).handler as Handler;
    stored.clear();
    failStoring = undefined;
    ddb.on(GetCommand).resolves({});
    ddb.on(GetCommand, { Key: keys.call(OPEN_CALL) }).resolves({ Item: call });
    ddb.on(PutCommand).callsFake(({ Item }: { Item: { pk: string; sk: string } }) => {
      if (Item.sk === 'APP' && failStoring) throw failStoring();
      if (Item.pk.startsWith('APP#')) stored.set(Item.pk, [...(stored.get(Item.pk) ?? []), { pk: Item.pk, sk: Item.sk }]);
      return {};
    });
    ddb.on(QueryCommand).callsFake(({ ExpressionAttributeValues }: { ExpressionAttributeValues: Record<string, string> }) => ({
      Items: stored.get(ExpressionAttributeValues[':pk'] ?? '') ?? [],
    }));
    ddb.on(DeleteCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
  });

  const post = (key?: string) =>
    submit(
      apiEvent({
        method: 'POST',
        resource: '/applications',
        headers: { 'Content-Type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) },
        body: JSON.stringify(input),
      }),
      lambdaContext,
    );

  const deleted = () => ddb.commandCalls(DeleteCommand).map((c) => (c.args[0].input.Key as { pk: string }).pk);
  const expect503 = (answer: APIGatewayProxyResult) => {
    expect(answer.statusCode).toBe(503);
    expect(answer.headers?.['Retry-After']).toMatch(/^\d+$/);
    expect(bodyOf(answer)).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
  };
  let cases = 0;

  it.each([
    ['ProvisionedThroughputExceededException', dynamo.provisioned],
    ['ThrottlingException', dynamo.throttling],
    ['RequestLimitExceeded', dynamo.requestLimit],
    ['InternalServerError', dynamo.internal],
  ])('DynamoDB %s reading the call: nothing written, no workflow', async (_name, make) => {
    ddb.on(GetCommand, { Key: keys.call(OPEN_CALL) }).rejects(make());
    expect503(await post('key-read'));
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    cases += 1;
  });

  it('DynamoDB throttled storing the application: no workflow started, the key freed', async () => {
    failStoring = dynamo.provisioned;
    expect503(await post('key-store'));
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(deleted()).toContain(keys.idempotency('key-store').pk);
    cases += 1;
  });

  it.each([
    ['ServiceUnavailable', workflow.unavailable],
    ['ThrottlingException', workflow.throttling],
    ['ExecutionLimitExceeded', workflow.limit],
  ])('Step Functions %s: the application (its first event on it) deleted, the key freed', async (_name, make) => {
    sfn.on(StartExecutionCommand).rejects(make());
    expect503(await post('key-start'));
    const [pk] = [...stored.keys()];
    expect(pk).toMatch(/^APP#/);
    expect(new Set(deleted())).toEqual(new Set([pk, keys.idempotency('key-start').pk]));
    expect(deleted().filter((d) => d === pk)).toHaveLength(stored.get(pk ?? '')?.length ?? 0);
    cases += 1;
  });

  it('Step Functions refusing for good (access denied): a 500, and still nothing half-done', async () => {
    sfn.on(StartExecutionCommand).rejects(workflow.denied());
    const answer = await post();
    expect(answer.statusCode).toBe(500);
    expect(bodyOf(answer)).toEqual({ error: 'INTERNAL_ERROR', message: expect.any(String) });
    // The application's one item (its first event rides on it) is deleted.
    expect(deleted().filter((d) => d.startsWith('APP#'))).toHaveLength(1);
    cases += 1;
  });

  it('two faults at once (Step Functions down, the undo throttled twice): the undo is retried until it holds', async () => {
    sfn.on(StartExecutionCommand).rejects(workflow.unavailable());
    ddb.on(DeleteCommand).rejectsOnce(dynamo.throttling()).rejectsOnce(dynamo.provisioned()).resolves({});
    expect503(await post('key-double'));
    const [pk = ''] = [...stored.keys()];
    // Two attempts failed on their delete; the third deleted the application, then the key.
    expect(deleted().filter((d) => d === pk).length).toBeGreaterThanOrEqual(2);
    expect(deleted().at(-1)).toBe(keys.idempotency('key-double').pk);
    cases += 1;
    record({
      point: 'faults',
      label: 'API, SDK mocks',
      counts: { 'faults injected': cases },
      text: `${cases} injected (DynamoDB ProvisionedThroughputExceeded/Throttling/RequestLimitExceeded/InternalServerError, SFN ServiceUnavailable/Throttling/ExecutionLimitExceeded, double fault) → 503 + Retry-After, 0 half-done`,
    });
  });
});

describe('workflow tasks when a dependency fails: an error the state machine retries, or a failure it records', () => {
  const app = applicationRecord({ status: 'SUBMITTED' });
  let notify: (event: unknown) => Promise<unknown>;
  let check: (event: unknown) => Promise<unknown>;

  beforeEach(async () => {
    notify ??= (await import('../../functions/notify-applicants/handler.ts')).handler as typeof notify;
    check ??= (await import('../../functions/check-eligibility/handler.ts')).handler as typeof check;
    ddb.onAnyCommand().resolves({});
    ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });
    ddb.on(QueryCommand).resolves({ Items: [] });
  });

  it('SES throttling: TransientError (retried), and the sent-marker taken back so the retry sends', async () => {
    ses.on(SendEmailCommand).rejects(email.throttling());
    await expect(notify({ applicationId: app.id, template: 'received' })).rejects.toMatchObject({ name: 'TransientError' });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: keys.email(`${app.id}#received`) });
  });

  it('SES rejecting the message: its own error (not retried: the workflow records ERROR and alerts the admins)', async () => {
    ses.on(SendEmailCommand).rejects(email.rejected());
    await expect(notify({ applicationId: app.id, template: 'received' })).rejects.toMatchObject({ name: 'MessageRejected' });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: keys.email(`${app.id}#received`) });
  });

  it('DynamoDB throttled: TransientError', async () => {
    ddb.on(GetCommand, { Key: keys.application(app.id) }).rejects(dynamo.throttling());
    await expect(check({ applicationId: app.id })).rejects.toMatchObject({ name: 'TransientError' });
    record({
      point: 'faults',
      label: 'tasks, SDK mocks',
      counts: { 'faults injected': 3 },
      text: 'SES Throttling and DynamoDB throttling → TransientError (retried); MessageRejected → recorded ERROR; sent-markers taken back',
    });
  });
});
