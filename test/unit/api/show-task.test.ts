import './env.ts';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { handler } from '../../../functions/show-task/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import type { TaskRecord } from '../../../shared/domain/application.ts';
import { apiEvent, lambdaContext } from '../../fixtures/api-event.ts';
import { applicationItem, callItem, sigFor, taskItem } from './items.ts';
import { NOW, sampleApplication, sampleCall, sampleTask } from './samples.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

const app = sampleApplication({ status: 'IN_REVIEW' });

function given(task: TaskRecord, application = app) {
  ddb.on(GetCommand, { Key: keys.task(task.id) }).resolves({ Item: taskItem(task) });
  ddb.on(GetCommand, { Key: keys.application(application.id) }).resolves({ Item: applicationItem(application) });
}

const open = (taskId: string, sig: string | undefined, method = 'GET') =>
  handler(apiEvent({ method, resource: '/tasks/{taskId}', pathParameters: { taskId }, ...(sig !== undefined ? { query: { sig } } : {}) }), lambdaContext);

const expectNothingWritten = () => {
  expect(ddb).not.toHaveReceivedCommand(PutCommand);
  expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: keys.call(app.callId) }).resolves({ Item: callItem(sampleCall()) });
});
afterEach(() => {
  ddb.reset();
  sfn.reset();
  vi.useRealTimers();
});

describe('GET /tasks/{taskId}?sig=', () => {
  it('shows the review page with the application summary and a form that POSTs back; writes nothing', async () => {
    const task = sampleTask();
    given(task);
    const sig = await sigFor(task);
    const res = await open(task.id, sig);
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(res.headers?.['Cache-Control']).toBe('no-store');
    const page = res.body;
    expect(page).toContain('Ville de Lyon');
    expect(page).toContain('Commune de Chefchaouen');
    expect(page).toContain('Eau et stress hydrique');
    expect(page).toMatch(/41,7\s%/); // 50 000 of 120 000
    // The answer comes back in the page's language.
    expect(page).toContain(`<form method="post" action="${task.id}?lang=fr"`);
    // The scoring grid: each criterion explained in one line, tied to its input.
    expect(page).toContain('<label for="relevance">Pertinence</label><span class="hint" id="relevance-hint">');
    expect(page).toContain(`<input type="hidden" name="sig" value="${sig}">`);
    for (const name of ['decision', 'relevance', 'feasibility', 'partnership', 'impact', 'comment']) {
      expect(page).toContain(`name="${name}"`);
    }
    expect(page).not.toContain('<script');
    expect(page).not.toContain(task.taskToken);
    expectNothingWritten();
  });

  it('its only inline style is allowed by hash in the Content-Security-Policy, no unsafe-inline', async () => {
    const task = sampleTask();
    given(task);
    const res = await open(task.id, await sigFor(task));
    const styles = [...res.body.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '');
    expect(styles).toHaveLength(1);
    const hash = createHash('sha256')
      .update(styles[0] ?? '')
      .digest('base64');
    const csp = String(res.headers?.['Content-Security-Policy']);
    expect(csp).toContain(`style-src 'self' 'sha256-${hash}'`);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.body).not.toMatch(/ style="/);
  });

  it('HEAD (a mail scanner) gets the same status, no body, and changes nothing', async () => {
    const task = sampleTask();
    given(task);
    const res = await open(task.id, await sigFor(task), 'HEAD');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expectNothingWritten();
  });

  it('a co-chair’s page asks approve with an amount up to the requested one, or reject', async () => {
    const task = sampleTask({ id: 'task-fr', stage: 'committee-FR', recipients: ['cochair-fr@example.fr'] });
    given(task, { ...app, status: 'IN_COMMITTEE' });
    ddb.on(QueryCommand).resolves({ Items: [] });
    const res = await open(task.id, await sigFor(task));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="approve"');
    expect(res.body).toContain('value="reject"');
    expect(res.body).toContain('name="grantedFR" value="50000" min="1" max="50000"');
  });

  it('shows a co-chair the review, whether the other co-chair decided (not how), and the envelope left', async () => {
    const task = sampleTask({ id: 'task-fr', stage: 'committee-FR', recipients: ['cochair-fr@example.fr'] });
    const other = sampleTask({
      id: 'task-ma',
      stage: 'committee-MA',
      recipients: ['cochair-ma@example.ma'],
      status: 'DONE',
      decidedAt: '2027-01-14T09:30:00.000Z',
      result: { decision: 'reject', comment: 'Secret du vote' },
    });
    given(task, {
      ...app,
      status: 'IN_COMMITTEE',
      review: { decision: 'favorable', relevance: 5, feasibility: 4, partnership: 3, impact: 4, comment: 'Projet solide <b>', at: NOW.toISOString() },
    });
    ddb.on(GetCommand, { Key: keys.call(app.callId) }).resolves({ Item: callItem(sampleCall(), 730_000) });
    ddb.on(GetCommand, { Key: keys.task(other.id) }).resolves({ Item: taskItem(other) });
    ddb.on(QueryCommand).resolves({ Items: [taskItem(task), taskItem(other)] });
    const res = await open(task.id, await sigFor(task));
    expect(res.statusCode).toBe(200);
    const page = res.body;
    expect(page).toContain('Recommandation : <strong>Favorable</strong>');
    expect(page).toContain('<tr><th scope="row">Faisabilité</th><td>4 / 5</td></tr>');
    expect(page).toContain('Projet solide &lt;b&gt;');
    expect(page).toContain('<strong>Coprésidence marocaine</strong> a enregistré sa décision le 14 janvier 2027');
    expect(page).not.toContain('Secret du vote');
    expect(page).toMatch(/Encore disponible<\/dt><dd><strong>20\s000\s€<\/strong>/);
    // 50 000 asked, 20 000 left: the co-chair is told before deciding.
    expect(page).toContain('dépasse ce qui reste de l’enveloppe');
    expectNothingWritten();
  });

  it('speaks the visitor’s language: ?lang= first, then Accept-Language; Arabic right to left', async () => {
    const task = sampleTask();
    given(task);
    const sig = await sigFor(task);
    const arabic = await handler(
      apiEvent({
        method: 'GET',
        resource: '/tasks/{taskId}',
        pathParameters: { taskId: task.id },
        query: { sig },
        headers: { 'Accept-Language': 'ar-MA,ar;q=0.9' },
      }),
      lambdaContext,
    );
    expect(arabic.body).toMatch(/^<!doctype html>\n<html lang="ar" dir="rtl">/);
    expect(arabic.body).toContain('<label for="relevance">الملاءمة</label>');
    const english = await handler(
      apiEvent({
        method: 'GET',
        resource: '/tasks/{taskId}',
        pathParameters: { taskId: task.id },
        query: { sig, lang: 'en' },
        headers: { 'Accept-Language': 'ar' },
      }),
      lambdaContext,
    );
    expect(english.body).toMatch(/<html lang="en" dir="ltr">/);
    expect(english.body).toContain('Record my decision');
    // The language switcher keeps the signature: same page, other language.
    expect(english.body).toContain(`<a href="?sig=${encodeURIComponent(sig)}&amp;lang=ar" lang="ar" hreflang="ar">العربية</a>`);
    expect(english.headers?.['Referrer-Policy']).toBe('no-referrer');
  });

  it('the resubmission page pre-fills the application under dotted names', async () => {
    const task = sampleTask({ id: 'task-resub', stage: 'resubmission', recipients: ['claire.martin@example.fr', 'y.alaoui@example.ma'] });
    given(task, {
      ...app,
      status: 'CHANGES_REQUESTED',
      review: { decision: 'changes', relevance: 4, feasibility: 2, partnership: 4, impact: 3, comment: 'Préciser le budget <b>', at: NOW.toISOString() },
    });
    const res = await open(task.id, await sigFor(task, 'y.alaoui@example.ma'));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('name="project.title" value="Gestion partagée de l’eau"');
    expect(res.body).toContain('name="budget.totalCost" value="120000"');
    expect(res.body).toContain('name="leadAuthority.contact.email" value="claire.martin@example.fr"');
    expect(res.body).toContain('Préciser le budget &lt;b&gt;');
    expectNothingWritten();
  });

  it('unknown task → 404; tampered or missing signature → 403; all pages, nothing written', async () => {
    const task = sampleTask();
    given(task);
    const sig = await sigFor(task);
    expect((await open('no-such-task', sig)).statusCode).toBe(404);
    const tampered = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    const forbidden = await open(task.id, tampered);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(forbidden.body).toContain('Lien non valide');
    expect((await open(task.id, undefined)).statusCode).toBe(403);
    // Another task's signature does not open this one.
    expect((await open(task.id, await sigFor({ ...task, id: 'task-other' }))).statusCode).toBe(403);
    expectNothingWritten();
  });

  it('expired, decided or closed → 410 saying what happened and whom to write to', async () => {
    const task = sampleTask();
    given(task);
    const sig = await sigFor(task);
    vi.setSystemTime(new Date(Date.parse(task.expiresAt) + 1000));
    const expired = await open(task.id, sig);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('expiré');
    expect(expired.body).toContain('mailto:secretariat@coopfund.example.org');
    expect(expired.body).toContain('le secrétariat peut vous envoyer un nouveau lien');
    vi.setSystemTime(NOW);

    ddb.reset();
    ddb.on(GetCommand).resolves({});
    given({ ...task, status: 'DONE' });
    const decided = await open(task.id, sig);
    expect(decided.statusCode).toBe(410);
    expect(decided.body).toContain('déjà été enregistrée');

    given({ ...task, status: 'CLOSED' });
    const closed = await open(task.id, sig);
    expect(closed.statusCode).toBe(410);
    expect(closed.body).toContain('n’attend plus de décision');
    expectNothingWritten();
  });
});
