import './env.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { handler } from '../../../functions/submit-application/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { apiEvent, bodyOf, lambdaContext } from '../../fixtures/api-event.ts';
import { TEST_ENV } from './env.ts';
import { callItem, tokenFor } from './items.ts';
import { NOW, sampleCall, sampleInput } from './samples.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

const submit = (body: unknown, headers: Record<string, string> = {}, query?: Record<string, string>) =>
  handler(
    apiEvent({
      method: 'POST',
      resource: '/applications',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...(query ? { query } : {}),
    }),
    lambdaContext,
  );

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const expectNoWrite = () => {
  expect(ddb).not.toHaveReceivedCommand(PutCommand);
  expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: keys.call('2027-T1') }).resolves({ Item: callItem(sampleCall()) });
  ddb.on(PutCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: NOW });
});
afterEach(() => {
  ddb.reset();
  sfn.reset();
  vi.useRealTimers();
});

describe('POST /applications', () => {
  it('stores the application, starts its workflow named after its id, answers 201 with a tracking URL', async () => {
    const res = await submit(sampleInput());
    expect(res.statusCode).toBe(201);
    const body = bodyOf(res) as { id: string; status: string; trackingUrl: string };
    expect(body.status).toBe('SUBMITTED');
    expect(body.trackingUrl).toBe(`${TEST_ENV.BASE_URL}/applications/${body.id}?token=${await tokenFor(body.id)}`);

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        ...keys.application(body.id),
        id: body.id,
        status: 'SUBMITTED',
        language: 'fr',
        createdAt: NOW.toISOString(),
        gsi1pk: 'CALL#2027-T1#STATUS#SUBMITTED',
        budget: { totalCost: 120_000, requestedAmount: 50_000 },
      }),
    });
    // The first history event, by the applicant, rides on the item: the filing is one write.
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ lastEvent: { status: 'SUBMITTED', actor: 'applicant', at: NOW.toISOString() } }),
    });
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: TEST_ENV.STATE_MACHINE_ARN,
      name: body.id,
      input: JSON.stringify({ applicationId: body.id }),
    });
    expect(res.headers?.['X-Content-Type-Options']).toBe('nosniff');
  });

  it('records the applicants’ language from ?lang= or Accept-Language', async () => {
    await submit(sampleInput(), { 'Accept-Language': 'ar-MA,ar;q=0.9,fr;q=0.8' });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ status: 'SUBMITTED', language: 'ar', sk: 'APP' }) });
    ddb.resetHistory();
    await submit(sampleInput(), { 'Accept-Language': 'ar' }, { lang: 'en' });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ language: 'en', sk: 'APP' }) });
  });

  it('refuses an unknown field such as status with 400 naming it, and writes nothing', async () => {
    const res = await submit({ ...sampleInput(), status: 'APPROVED' });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res)).toMatchObject({ error: 'VALIDATION_FAILED', issues: [{ path: 'status', message: 'champ inconnu' }] });
    expectNoWrite();
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });

  it('lists every invalid field with its dotted path', async () => {
    const input = sampleInput();
    const res = await submit({
      ...input,
      leadAuthority: { ...input.leadAuthority, contact: { ...input.leadAuthority.contact, email: 'pas-une-adresse' } },
      budget: { totalCost: 10_000, requestedAmount: 50_000 },
    });
    expect(res.statusCode).toBe(400);
    const paths = (bodyOf(res) as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['leadAuthority.contact.email', 'budget.requestedAmount']));
    expectNoWrite();
  });

  it('an unknown call is 404, a closed one 409, and nothing is stored', async () => {
    const unknown = await submit({ ...sampleInput(), callId: '2031-T9' });
    expect(unknown.statusCode).toBe(404);
    expect(bodyOf(unknown)).toMatchObject({ error: 'CALL_NOT_FOUND' });
    vi.setSystemTime(new Date('2027-04-01T00:00:00Z'));
    const closed = await submit(sampleInput());
    expect(closed.statusCode).toBe(409);
    expect(bodyOf(closed)).toMatchObject({ error: 'CALL_CLOSED' });
    expectNoWrite();
  });

  it('413 over 64 KiB, 415 when not JSON, 400 on malformed JSON: nothing read or written', async () => {
    const big = await submit({ ...sampleInput(), padding: 'x'.repeat(70_000) });
    expect(big.statusCode).toBe(413);
    const text = await submit(JSON.stringify(sampleInput()), { 'Content-Type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    const broken = await submit('{"callId": "2027-T1",');
    expect(broken.statusCode).toBe(400);
    expect(bodyOf(broken)).toMatchObject({ error: 'MALFORMED_BODY' });
    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('a malformed Idempotency-Key is a 400', async () => {
    const res = await submit(sampleInput(), { 'Idempotency-Key': 'spaces are not allowed' });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res)).toMatchObject({ issues: [{ path: 'Idempotency-Key' }] });
    expectNoWrite();
  });

  it('the same Idempotency-Key with another body is a 422, and nothing is created', async () => {
    ddb.on(PutCommand).callsFake((input: { Item: { pk: string } }) => {
      if (input.Item.pk === keys.idempotency('key-1').pk) throw conditionFailed();
      return {};
    });
    ddb.on(GetCommand, { Key: keys.idempotency('key-1') }).resolves({ Item: { bodyHash: 'f'.repeat(64), applicationId: 'first-app' } });
    const res = await submit(sampleInput(), { 'idempotency-key': 'key-1' });
    expect(res.statusCode).toBe(422);
    expect(bodyOf(res)).toMatchObject({ error: 'IDEMPOTENCY_KEY_REUSED' });
    expect(ddb).not.toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ sk: 'APP' }) });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('when the workflow cannot start: the application is deleted, the key freed, 503 with Retry-After', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => {
      const pk = input.ExpressionAttributeValues[':pk'] ?? '';
      return {
        Items: [
          { pk, sk: 'APP' },
          { pk, sk: `EVENT#${NOW.toISOString()}#001` },
        ],
      };
    });
    ddb.on(DeleteCommand).resolves({});
    const res = await submit(sampleInput(), { 'Idempotency-Key': 'key-2' });
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBeDefined();
    const created = ddb.commandCalls(PutCommand).find((c) => c.args[0].input.Item?.sk === 'APP');
    const id = created?.args[0].input.Item?.id as string;
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: keys.application(id) });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: `APP#${id}`, sk: `EVENT#${NOW.toISOString()}#001` } });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: keys.idempotency('key-2') });
  });

  it('DynamoDB throttling is a 503, never a 500', async () => {
    ddb
      .on(GetCommand, { Key: keys.call('2027-T1') })
      .rejects(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException', $metadata: {} }));
    const res = await submit(sampleInput());
    expect(res.statusCode).toBe(503);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

describe('POST /applications from the form (urlencoded, no JavaScript)', () => {
  /** The form's fields, named as the page names them. */
  const formFields = (overrides: Record<string, string> = {}): Record<string, string> => {
    const input = sampleInput();
    return {
      idempotencyKey: 'form-abcdefghijklmnop',
      callId: input.callId,
      'project.title': input.project.title,
      'project.summary': input.project.summary,
      'project.theme': input.project.theme,
      'project.startDate': input.project.startDate,
      'project.durationMonths': '24',
      'leadAuthority.country': 'FR',
      'leadAuthority.name': input.leadAuthority.name,
      'leadAuthority.kind': 'commune',
      'leadAuthority.contact.name': input.leadAuthority.contact.name,
      'leadAuthority.contact.email': input.leadAuthority.contact.email,
      'leadAuthority.contact.phone': '',
      'partnerAuthority.country': 'MA',
      'partnerAuthority.name': input.partnerAuthority.name,
      'partnerAuthority.kind': 'commune',
      'partnerAuthority.contact.name': input.partnerAuthority.contact.name,
      'partnerAuthority.contact.email': input.partnerAuthority.contact.email,
      'partnerAuthority.contact.phone': '',
      'budget.totalCost': '120 000',
      'budget.requestedAmount': '50000',
      ...overrides,
    };
  };
  const post = (fields: Record<string, string>, query?: Record<string, string>, headers: Record<string, string> = {}) =>
    submit(new URLSearchParams(fields).toString(), { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', ...headers }, query);

  beforeEach(() => {
    ddb.on(QueryCommand).resolves({ Items: [callItem(sampleCall())] });
  });

  it('files the same application as JSON would, then sends the browser to its tracking page (303)', async () => {
    const res = await post(formFields(), { lang: 'ar' });
    expect(res.statusCode).toBe(303);
    const created = ddb.commandCalls(PutCommand).find((c) => c.args[0].input.Item?.sk === 'APP')?.args[0].input.Item;
    expect(created).toMatchObject({
      ...sampleInput(),
      leadAuthority: { ...sampleInput().leadAuthority, contact: { name: 'Claire Martin', email: 'claire.martin@example.fr' } },
      language: 'ar',
    });
    const id = created?.id as string;
    expect(res.headers?.Location).toBe(`${TEST_ENV.BASE_URL}/applications/${id}?token=${await tokenFor(id)}&lang=ar&submitted=1`);
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, { name: id });
  });

  it('the form’s own key is its Idempotency-Key: a double click files one application', async () => {
    await post(formFields());
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ pk: keys.idempotency('form-abcdefghijklmnop').pk }) });
  });

  it('refused: the form again (400), what was typed kept, each error beside its field, nothing stored', async () => {
    const res = await post(formFields({ 'project.title': '', 'leadAuthority.contact.email': 'pas-une-adresse', 'budget.requestedAmount': '200000' }));
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    const page = res.body;
    expect(page).toMatch(/<title>Erreur : Déposer une candidature/);
    expect(page).toContain('<div class="error-summary" id="error-summary" role="alert" tabindex="-1"');
    expect(page).toContain('<span class="field-error" id="project.title-error">Ce champ est obligatoire.</span>');
    expect(page).toMatch(/<input type="text" id="project.title" name="project.title" value=""[^>]*aria-describedby="project.title-error" aria-invalid="true">/);
    expect(page).toContain('id="leadAuthority.contact.email-error">Saisissez une adresse électronique valide');
    expect(page).toContain('name="leadAuthority.contact.email" value="pas-une-adresse"');
    expect(page).toContain('id="budget.requestedAmount-error">La subvention demandée ne peut pas dépasser le coût total.');
    expect(page).toContain('name="leadAuthority.name" value="Ville de Lyon"');
    // The same key again: correcting and sending still files one application.
    expect(page).toContain('<input type="hidden" name="idempotencyKey" value="form-abcdefghijklmnop">');
    expectNoWrite();
  });

  it('refused in the language of the page it came from', async () => {
    const res = await post(formFields({ 'project.durationMonths': 'deux ans' }), { lang: 'en' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/^<!doctype html>\n<html lang="en" dir="ltr">/);
    expect(res.body).toContain('<a href="#project.durationMonths">Duration in months: Enter a number.</a>');
    expect(res.body).toContain(`action="${TEST_ENV.BASE_URL}/applications?lang=en"`);
  });

  it('a closed call: the form again with the reason, nothing stored', async () => {
    vi.setSystemTime(new Date('2027-04-01T00:00:00Z'));
    const res = await post(formFields());
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Cet appel à projets n’accepte plus de candidatures.');
    expectNoWrite();
  });

  it('JSON clients still get the contract’s JSON, whatever they accept', async () => {
    const res = await submit({ ...sampleInput(), status: 'APPROVED' }, { Accept: 'text/html' });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res)).toMatchObject({ error: 'VALIDATION_FAILED', issues: [{ path: 'status', message: 'champ inconnu' }] });
  });
});
