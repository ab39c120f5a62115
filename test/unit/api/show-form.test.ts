import './env.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { handler } from '../../../functions/show-form/handler.ts';
import { FORM_SCRIPT, FORM_SCRIPT_VERSION } from '../../../shared/pages/client/form.bundle.ts';
import { DRAFT_SCRIPT, DRAFT_SCRIPT_VERSION } from '../../../shared/pages/client/draft.bundle.ts';
import { apiEvent, lambdaContext } from '../../fixtures/api-event.ts';
import { TEST_ENV } from './env.ts';
import { callItem } from './items.ts';
import { NOW, sampleCall } from './samples.ts';

const ddb = mockClient(DynamoDBDocumentClient);

const get = (headers: Record<string, string> = {}, query?: Record<string, string>) =>
  handler(apiEvent({ method: 'GET', resource: '/', path: '/', headers, ...(query ? { query } : {}) }), lambdaContext);
const asset = (name: string, query?: Record<string, string>) =>
  handler(apiEvent({ method: 'GET', resource: '/assets/{asset}', pathParameters: { asset: name }, ...(query ? { query } : {}) }), lambdaContext);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  ddb.on(QueryCommand).resolves({ Items: [callItem(sampleCall())] });
});
afterEach(() => {
  ddb.reset();
  vi.useRealTimers();
});

/** Every visible form control of a page, with whether a `<label for>` names it. */
function controls(page: string): Array<{ id: string; labelled: boolean }> {
  return [...page.matchAll(/<(input|select|textarea)\b([^>]*)>/g)]
    .filter(([, , attrs]) => !/type="hidden"/.test(attrs ?? ''))
    .map(([, , attrs]) => {
      const id = /\bid="([^"]+)"/.exec(attrs ?? '')?.[1] ?? '';
      return { id, labelled: id !== '' && page.includes(`<label for="${id}">`) };
    });
}

describe('GET / — the application form', () => {
  it('is a plain form that posts to /applications in the page’s language, and works without its script', async () => {
    const res = await get();
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    const page = res.body;
    expect(page).toMatch(/^<!doctype html>\n<html lang="fr" dir="ltr">/);
    expect(page).toContain(`<form id="application-form" method="post" action="${TEST_ENV.BASE_URL}/applications?lang=fr" accept-charset="utf-8"`);
    expect(page).toContain('<option value="2027-T1" selected>Appel à projets 2027 — tranche 1</option>');
    expect(page).toContain('<option value="eau">Eau et stress hydrique</option>');
    expect(page).toContain('Entre 12 et 36 mois pour cet appel.');
    expect(page).toMatch(/<input type="hidden" name="idempotencyKey" value="form-[A-Za-z0-9_-]{22}">/);
    for (const name of [
      'project.title',
      'project.summary',
      'project.theme',
      'project.startDate',
      'project.durationMonths',
      'budget.totalCost',
      'budget.requestedAmount',
    ]) {
      expect(page).toContain(`name="${name}"`);
    }
    expect(page).not.toMatch(/ style="/);
  });

  it('labels every field', async () => {
    const fields = controls((await get()).body);
    expect(fields.length).toBeGreaterThan(15);
    for (const field of fields) expect(field, field.id).toMatchObject({ labelled: true });
  });

  it('loads one script, from the API itself, allowed by a CSP with no inline script and no eval', async () => {
    const res = await get();
    const scripts = [...res.body.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1] ?? '');
    expect(scripts).toEqual([` src="${TEST_ENV.BASE_URL}/assets/form.js?v=${FORM_SCRIPT_VERSION}" defer`]);
    const csp = String(res.headers?.['Content-Security-Policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers?.['X-Frame-Options']).toBe('DENY');
    // The script's texts travel in a data attribute, in the page's language.
    const texts = JSON.parse(
      (/data-texts="([^"]*)"/.exec(res.body)?.[1] ?? '')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&'),
    );
    expect(texts.validation.required).toBe('Ce champ est obligatoire.');
  });

  it('in Arabic, right to left, from Accept-Language; ?lang= wins', async () => {
    const arabic = await get({ 'Accept-Language': 'ar-MA,ar;q=0.9,fr;q=0.5' });
    expect(arabic.body).toMatch(/<html lang="ar" dir="rtl">/);
    expect(arabic.body).toContain('إيداع ملف ترشيح');
    expect(arabic.body).toContain(`action="${TEST_ENV.BASE_URL}/applications?lang=ar"`);
    const english = await get({ 'Accept-Language': 'ar' }, { lang: 'en' });
    expect(english.body).toMatch(/<html lang="en" dir="ltr">/);
    expect(english.body).toContain('<option value="eau">Water and water stress</option>');
    expect(english.body).toContain('<a href="?lang=fr" lang="fr" hreflang="fr">Français</a>');
  });

  it('shows the call’s title and theme labels in the page’s language, French where the call has none', async () => {
    const call = sampleCall({
      title: { fr: 'Appel à projets 2027 — tranche 1', ar: 'طلب مشاريع 2027 — الشطر الأول' },
      themes: [
        { code: 'eau', label: { fr: 'Eau et assainissement', ar: 'الماء والتطهير', en: 'Water and sanitation' } },
        { code: 'oasis', label: { fr: 'Oasis et zones arides' } },
      ],
    });
    ddb.on(QueryCommand).resolves({ Items: [callItem(call)] });
    const arabic = (await get({}, { lang: 'ar' })).body;
    expect(arabic).toMatch(/<option value="[^"]+" selected>طلب مشاريع 2027 — الشطر الأول<\/option>/);
    expect(arabic).toContain('<option value="eau">الماء والتطهير</option>');
    expect(arabic).toContain('<option value="oasis">Oasis et zones arides</option>');
    // The script asks for the calls in the page's language too.
    expect(arabic).toContain(`data-calls="${TEST_ENV.BASE_URL}/calls?lang=ar"`);
    const english = (await get({}, { lang: 'en' })).body;
    expect(english).toMatch(/<option value="[^"]+" selected>Appel à projets 2027 — tranche 1<\/option>/);
    expect(english).toContain('<option value="eau">Water and sanitation</option>');
  });

  it('says so when no call is open', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const res = await get();
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Aucun appel à projets n’est ouvert en ce moment.');
    expect(res.body).not.toContain('<form');
  });
});

describe('GET /assets/{asset}', () => {
  it('serves the form’s script, cached for a year under its version', async () => {
    const res = await asset('form.js', { v: FORM_SCRIPT_VERSION });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers?.['Cache-Control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers?.['X-Content-Type-Options']).toBe('nosniff');
    expect(res.body).toBe(FORM_SCRIPT);
    expect((await asset('form.js')).headers?.['Cache-Control']).toBe('no-cache');
  });

  it('serves the draft page’s script too, under its own version', async () => {
    const res = await asset('draft.js', { v: DRAFT_SCRIPT_VERSION });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['Cache-Control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toBe(DRAFT_SCRIPT);
    expect(DRAFT_SCRIPT_VERSION).not.toBe(FORM_SCRIPT_VERSION);
  });

  it('nothing else', async () => {
    expect((await asset('toString')).statusCode).toBe(404);
    const res = await asset('other.js');
    expect(res.statusCode).toBe(404);
  });
});
