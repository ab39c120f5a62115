import './env.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { handler } from '../../../functions/track-application/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { apiEvent, bodyOf, lambdaContext } from '../../fixtures/api-event.ts';
import { applicationItem, callItem, tokenFor } from './items.ts';
import { sampleApplication, sampleCall } from './samples.ts';

const ddb = mockClient(DynamoDBDocumentClient);

const app = sampleApplication({
  id: 'app-track-1',
  status: 'APPROVED',
  project: { ...sampleApplication().project, title: 'Eau <script>alert("x")</script> & co' },
  decision: { outcome: 'APPROVED', grantedAmount: 45_000, at: '2027-05-02T10:00:00.000Z' },
  reviewer: { name: 'Instructeur', email: 'instructeur@example.fr' },
});
const history = [
  { at: '2027-01-10T09:00:00.000Z', status: 'SUBMITTED', actor: 'applicant' },
  { at: '2027-01-10T09:01:00.000Z', status: 'IN_REVIEW', actor: 'workflow' },
  { at: '2027-04-02T09:00:00.000Z', status: 'IN_COMMITTEE', actor: 'reviewer', reason: 'Avis favorable' },
  { at: '2027-05-02T10:00:00.000Z', status: 'APPROVED', actor: 'committee' },
];

const track = (id: string, token: string | undefined, accept?: string) =>
  handler(
    apiEvent({
      method: 'GET',
      resource: '/applications/{id}',
      pathParameters: { id },
      ...(token !== undefined ? { query: { token } } : {}),
      headers: accept ? { Accept: accept } : {},
    }),
    lambdaContext,
  );

beforeEach(() => {
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });
  ddb.on(QueryCommand).resolves({
    Items: history.map((e, i) => ({ pk: `APP#${app.id}`, sk: `EVENT#${e.at}#00${i + 1}`, ...e })),
  });
});
afterEach(() => {
  ddb.reset();
});

describe('GET /applications/{id}?token=', () => {
  it('with Accept: application/json, the applicants’ view and nothing more', async () => {
    const res = await track(app.id, await tokenFor(app.id), 'application/json');
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({
      id: app.id,
      callId: app.callId,
      status: 'APPROVED',
      project: app.project,
      budget: app.budget,
      history,
      decision: app.decision,
      // Filed without a draft: no document (their names and statuses otherwise, never a key nor a link).
      documents: [],
    });
    // No contact, no reviewer: whoever holds the URL sees no one's personal data.
    expect(res.body).not.toContain('@');
    expect(res.headers?.['Cache-Control']).toBe('no-store');
    expect(res.headers?.['Referrer-Policy']).toBe('no-referrer');
  });

  it('otherwise a French page with the status, the decision and the history, escaped', async () => {
    const res = await track(app.id, await tokenFor(app.id), 'text/html,application/xhtml+xml');
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(res.body).toMatch(/^<!doctype html>\n<html lang="fr" dir="ltr">/);
    expect(res.body).toContain('<span class="status status-APPROVED">Subvention accordée</span>');
    expect(res.body).toMatch(/Le comité mixte a accordé une subvention de <strong>45\s000\s€<\/strong>/);
    expect(res.body).toMatch(/45\s000\s€/);
    expect(res.body).toContain('Avis favorable');
    expect(res.body).toContain('Eau &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(res.body).not.toContain('<script');
  });

  it('names the call and the theme in the page’s language (?lang=), else French (a usual theme: the fund’s own name)', async () => {
    const call = sampleCall({
      id: app.callId,
      title: { fr: 'Appel à projets 2027 — tranche 1', ar: 'طلب مشاريع 2027 — الشطر الأول' },
      themes: [{ code: app.project.theme, label: { fr: 'Eau et assainissement', ar: 'الماء والتطهير' } }],
    });
    ddb.on(GetCommand, { Key: keys.call(app.callId) }).resolves({ Item: callItem(call) });
    const page = async (lang: string) =>
      (
        await handler(
          apiEvent({ method: 'GET', resource: '/applications/{id}', pathParameters: { id: app.id }, query: { token: await tokenFor(app.id), lang } }),
          lambdaContext,
        )
      ).body;
    const arabic = await page('ar');
    expect(arabic).toContain('<bdi>طلب مشاريع 2027 — الشطر الأول</bdi>');
    expect(arabic).toContain('<dd>الماء والتطهير</dd>');
    const english = await page('en');
    expect(english).toContain('<bdi>Appel à projets 2027 — tranche 1</bdi>');
    // No English label in the call: the fund's own English name of this usual theme.
    expect(english).toContain('<dd>Water and water stress</dd>');
  });

  it('a wrong, missing or foreign token and an unknown id all get the same 404', async () => {
    const wrong = await track(app.id, 'A'.repeat(32), 'application/json');
    const missing = await track(app.id, undefined, 'application/json');
    const foreign = await track(app.id, await tokenFor('another-app'), 'application/json');
    const unknown = await track('unknown-app', await tokenFor('unknown-app'), 'application/json');
    for (const res of [wrong, missing, foreign, unknown]) {
      expect(res.statusCode).toBe(404);
      expect(res.body).toBe(unknown.body);
    }
    expect(bodyOf(unknown)).toMatchObject({ error: 'NOT_FOUND' });
  });

  it('a wrong token reads nothing from the table; a browser gets the 404 as a page', async () => {
    const res = await track(app.id, 'nope');
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(ddb.calls()).toHaveLength(0);
  });
});
