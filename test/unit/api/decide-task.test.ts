import './env.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { handler } from '../../../functions/decide-task/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import type { ApplicationRecord, TaskRecord } from '../../../shared/domain/application.ts';
import { apiEvent, lambdaContext } from '../../fixtures/api-event.ts';
import { applicationItem, callItem, sigFor, taskItem } from './items.ts';
import { NOW, sampleApplication, sampleCall, sampleTask } from './samples.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const post = (taskId: string, fields: Record<string, string>, headers: Record<string, string> = FORM) =>
  handler(
    apiEvent({ method: 'POST', resource: '/tasks/{taskId}', pathParameters: { taskId }, headers, body: new URLSearchParams(fields).toString() }),
    lambdaContext,
  );

function given(task: TaskRecord, app: ApplicationRecord) {
  ddb.on(GetCommand, { Key: keys.task(task.id) }).resolves({ Item: taskItem(task) });
  ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });
}

const claims = () => ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.ConditionExpression === '#status = :open');
const updatesOf = (expression: string) => ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.UpdateExpression?.includes(expression));

const review = sampleTask();
const inReview = sampleApplication({ status: 'IN_REVIEW' });
const favorable = { decision: 'favorable', relevance: '4', feasibility: '3', partnership: '5', impact: '4', comment: '' };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: keys.call(inReview.callId) }).resolves({ Item: callItem(sampleCall()) });
  ddb.on(UpdateCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  sfn.on(SendTaskSuccessCommand).resolves({});
});
afterEach(() => {
  ddb.reset();
  sfn.reset();
  vi.useRealTimers();
});

describe('POST /tasks/{taskId} — review', () => {
  it('claims the task once and resumes the workflow once with the typed review; 200 page says what is next', async () => {
    given(review, inReview);
    const res = await post(review.id, { sig: await sigFor(review), ...favorable });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('Décision enregistrée');
    expect(res.body).toContain('comité mixte');

    expect(claims()).toHaveLength(1);
    expect(claims()[0]?.args[0].input).toMatchObject({
      Key: keys.task(review.id),
      ExpressionAttributeValues: expect.objectContaining({ ':by': 'reviewer@example.fr', ':done': 'DONE' }),
    });
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    const sent = sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
    expect(sent?.taskToken).toBe(review.taskToken);
    // The workflow gets codes and scores; the comment stays on the task (execution history outlives the purge).
    expect(JSON.parse(sent?.output ?? '')).toEqual({ decision: 'favorable', relevance: 4, feasibility: 3, partnership: 5, impact: 4 });
  });

  it('keeps the reviewer’s comment on the claimed task, and out of what the workflow receives', async () => {
    given(review, inReview);
    const comment = 'Le budget de Mme Durand est à revoir.';
    const res = await post(review.id, { sig: await sigFor(review), ...favorable, decision: 'changes', comment });
    expect(res.statusCode).toBe(200);
    expect(claims()[0]?.args[0].input.ExpressionAttributeValues?.[':result']).toEqual({
      decision: 'changes',
      relevance: 4,
      feasibility: 3,
      partnership: 5,
      impact: 4,
      comment,
    });
    const output = sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '';
    expect(JSON.parse(output)).toEqual({ decision: 'changes', relevance: 4, feasibility: 3, partnership: 5, impact: 4 });
    expect(output).not.toContain('Durand');
  });

  it('a replay of a decided task is 409 and resumes nothing', async () => {
    given({ ...review, status: 'DONE' }, inReview);
    const res = await post(review.id, { sig: await sigFor(review), ...favorable });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Décision déjà enregistrée');
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('losing the race to a concurrent post is 409', async () => {
    ddb
      .on(GetCommand, { Key: keys.task(review.id) })
      .resolvesOnce({ Item: taskItem(review) })
      .resolves({ Item: taskItem({ ...review, status: 'DONE' }) });
    ddb.on(GetCommand, { Key: keys.application(inReview.id) }).resolves({ Item: applicationItem(inReview) });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    const res = await post(review.id, { sig: await sigFor(review), ...favorable });
    expect(res.statusCode).toBe(409);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('a tampered signature is 403; an unknown task 404; nothing written', async () => {
    given(review, inReview);
    const sig = await sigFor(review);
    const tampered = await post(review.id, { sig: sig.replace(/^\d+/, (exp) => String(Number(exp) + 3600)), ...favorable });
    expect(tampered.statusCode).toBe(403);
    expect((await post('unknown-task', { sig, ...favorable })).statusCode).toBe(404);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('an expired link or a closed task is 410', async () => {
    given({ ...review, status: 'CLOSED' }, inReview);
    const closed = await post(review.id, { sig: await sigFor(review), ...favorable });
    expect(closed.statusCode).toBe(410);
    expect(closed.body).toContain('n’attend plus de décision');
    given(review, inReview);
    vi.setSystemTime(new Date(Date.parse(review.expiresAt) + 1));
    const expired = await post(review.id, { sig: await sigFor(review), ...favorable });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('expiré');
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('invalid fields show the decision page again, values kept, each error beside its field; nothing is written', async () => {
    given(review, inReview);
    const sig = await sigFor(review);
    const res = await post(review.id, { sig, ...favorable, decision: 'unfavorable', relevance: '7', comment: '' });
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(res.body).toMatch(/<title>Erreur : /);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('<a href="#relevance">Pertinence : Donnez une note entière de 1 à 5.</a>');
    expect(res.body).toContain('<span class="field-error" id="comment-error">Un commentaire est obligatoire pour cette décision.</span>');
    expect(res.body).toMatch(
      /<input type="number" id="relevance" name="relevance" value="7"[^>]*aria-describedby="relevance-hint relevance-error" aria-invalid="true">/,
    );
    expect(res.body).toContain('id="decision-unfavorable" name="decision" value="unfavorable" checked');
    expect(res.body).toContain(`<input type="hidden" name="sig" value="${sig}">`);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('a JSON body is refused with 415', async () => {
    given(review, inReview);
    const res = await handler(
      apiEvent({
        method: 'POST',
        resource: '/tasks/{taskId}',
        pathParameters: { taskId: review.id },
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sig: await sigFor(review), ...favorable }),
      }),
      lambdaContext,
    );
    expect(res.statusCode).toBe(415);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('the workflow no longer waiting (TaskTimedOut) closes the task: 410, never a 5xx', async () => {
    given(review, inReview);
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    const res = await post(review.id, { sig: await sigFor(review), ...favorable });
    expect(res.statusCode).toBe(410);
    expect(updatesOf('SET #status = :closed')).toHaveLength(1);
  });

  it('Step Functions throttling releases the claim: 503 with Retry-After, the same link works again', async () => {
    given(review, inReview);
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
    const res = await post(review.id, { sig: await sigFor(review), ...favorable });
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBeDefined();
    expect(updatesOf('SET #status = :open')).toHaveLength(1);
  });
});

describe('POST /tasks/{taskId} — committee', () => {
  const fr = sampleTask({ id: 'task-fr', stage: 'committee-FR', recipients: ['cochair-fr@example.fr'] });
  const inCommittee = sampleApplication({ status: 'IN_COMMITTEE' });

  it('approve with an amount of the French side up to what was asked of it', async () => {
    given(fr, inCommittee);
    const res = await post(fr.id, { sig: await sigFor(fr), decision: 'approve', grantedFR: '45000', comment: '' });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '')).toEqual({
      decision: 'approve',
      grantedFR: 45_000,
    });
  });

  it('the Moroccan co-chair grants dirhams, at most what was asked of Morocco (nothing, for an application filed with its totals)', async () => {
    const ma = sampleTask({ id: 'task-ma', stage: 'committee-MA', recipients: ['cochair-ma@example.ma'] });
    given(ma, inCommittee);
    const refused = await post(ma.id, { sig: await sigFor(ma), decision: 'approve', grantedMA: '1' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/<span class="field-error" id="grantedMA-error">Saisissez un montant entier entre 0 et 0\sMAD\.<\/span>/);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    const res = await post(ma.id, { sig: await sigFor(ma), decision: 'approve', grantedMA: '0' });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '')).toEqual({ decision: 'approve', grantedMA: 0 });
  });

  it('a reject ignores the amount field the form also sends', async () => {
    given(fr, inCommittee);
    const res = await post(fr.id, { sig: await sigFor(fr), decision: 'reject', grantedFR: '50000', comment: 'Hors priorités' });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '')).toEqual({ decision: 'reject' });
    // The reason the applicants will read is kept on the task, where RecordRejection reads it.
    expect(claims()[0]?.args[0].input.ExpressionAttributeValues?.[':result']).toEqual({ decision: 'reject', comment: 'Hors priorités' });
  });

  it('a refusal without a comment is a 400 saying the comment is required', async () => {
    given(fr, inCommittee);
    const res = await post(fr.id, { sig: await sigFor(fr), decision: 'reject', grantedFR: '', comment: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<span class="field-error" id="comment-error">Un commentaire est obligatoire pour cette décision.</span>');
    expect(res.body).toContain('id="decision-reject" name="decision" value="reject" checked');
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('more than the requested amount is a 400, nothing written', async () => {
    given(fr, inCommittee);
    const res = await post(fr.id, { sig: await sigFor(fr), decision: 'approve', grantedFR: '50001' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<span class="field-error" id="grantedFR-error">Saisissez un montant entier entre 1 et 50\s000\s€\.<\/span>/);
    expect(res.body).toContain('name="grantedFR" value="50001"');
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });
});

describe('POST /tasks/{taskId} — resubmission', () => {
  const task = sampleTask({ id: 'task-resub', stage: 'resubmission', recipients: ['claire.martin@example.fr', 'y.alaoui@example.ma'] });
  const changes = sampleApplication({ status: 'CHANGES_REQUESTED' });
  const a = changes;
  const form = (sig: string): Record<string, string> => ({
    sig,
    'project.title': 'Gestion partagée de l’eau — v2',
    'project.summary': a.project.summary,
    'project.theme': 'eau',
    'project.startDate': '2027-10-01',
    'project.durationMonths': '24',
    'leadAuthority.name': a.leadAuthority.name,
    'leadAuthority.country': 'FR',
    'leadAuthority.kind': 'commune',
    'leadAuthority.contact.name': a.leadAuthority.contact.name,
    'leadAuthority.contact.email': a.leadAuthority.contact.email,
    'leadAuthority.contact.phone': '',
    'partnerAuthority.name': a.partnerAuthority.name,
    'partnerAuthority.country': 'MA',
    'partnerAuthority.kind': 'commune',
    'partnerAuthority.contact.name': a.partnerAuthority.contact.name,
    'partnerAuthority.contact.email': a.partnerAuthority.contact.email,
    'partnerAuthority.contact.phone': '',
    'budget.totalCost': '130 000',
    'budget.requestedAmount': '55000',
  });

  it('stores the new content and moves back to SUBMITTED (by the applicant) BEFORE resuming the workflow', async () => {
    given(task, changes);
    const order: string[] = [];
    ddb.on(UpdateCommand).callsFake((input: { Key: { pk: string }; ReturnValues?: string }) => {
      order.push(`update ${input.Key.pk}`);
      return input.Key.pk.startsWith('APP#')
        ? {
            Attributes: {
              ...applicationItem({ ...changes, status: 'SUBMITTED' }),
              seq: 2,
              lastEvent: { at: NOW.toISOString(), status: 'SUBMITTED', actor: 'applicant' },
            },
          }
        : {};
    });
    sfn.on(SendTaskSuccessCommand).callsFake(() => {
      order.push('resume');
      return {};
    });
    const res = await post(task.id, form(await sigFor(task, 'y.alaoui@example.ma')));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Dossier modifié transmis');
    expect(order).toEqual([`update TASK#${task.id}`, `update APP#${changes.id}`, 'resume']);

    const transition = ddb.commandCalls(UpdateCommand).find((c) => c.args[0].input.Key?.pk === `APP#${changes.id}`)?.args[0].input;
    expect(transition?.ConditionExpression).toMatch(/^#status IN \(/);
    expect(Object.values(transition?.ExpressionAttributeValues ?? {})).toEqual(
      expect.arrayContaining([
        'CHANGES_REQUESTED',
        'SUBMITTED',
        { ...a.project, title: 'Gestion partagée de l’eau — v2', startDate: '2027-10-01' },
        { totalCost: 130_000, requestedAmount: 55_000 },
        expect.objectContaining({ status: 'SUBMITTED', actor: 'applicant' }),
      ]),
    );
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ status: 'SUBMITTED', actor: 'applicant' }) });
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '')).toEqual({ resubmitted: true });
  });

  it('an invalid resubmission is the form again with its errors beside the dotted fields, nothing written', async () => {
    given(task, changes);
    const res = await post(task.id, { ...form(await sigFor(task)), 'budget.requestedAmount': '999999', 'project.durationMonths': 'deux ans' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<span class="field-error" id="budget.requestedAmount-error">La subvention demandée ne peut pas dépasser le coût total.</span>');
    expect(res.body).toContain('<span class="field-error" id="project.durationMonths-error">Saisissez un nombre.</span>');
    expect(res.body).toContain('name="project.durationMonths" value="deux ans"');
    expect(res.body).toContain('name="project.title" value="Gestion partagée de l’eau — v2"');
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('in the language of the page the form came from', async () => {
    given(task, changes);
    const event = apiEvent({
      method: 'POST',
      resource: '/tasks/{taskId}',
      pathParameters: { taskId: task.id },
      query: { lang: 'ar' },
      headers: FORM,
      body: new URLSearchParams({ ...form(await sigFor(task)), 'budget.totalCost': '' }).toString(),
    });
    const res = await handler(event, lambdaContext);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/^<!doctype html>\n<html lang="ar" dir="rtl">/);
    expect(res.body).toContain('<span class="field-error" id="budget.totalCost-error">هذه الخانة إلزامية.</span>');
    expect(res.body).toContain(`action="${task.id}?lang=ar"`);
  });

  it('field names that are not plain paths are refused', async () => {
    given(task, changes);
    const res = await post(task.id, { ...form(await sigFor(task)), '__proto__.polluted': 'yes' });
    expect(res.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });
});
