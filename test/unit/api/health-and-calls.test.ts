import './env.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { handler as health } from '../../../functions/health/handler.ts';
import { handler as listCalls } from '../../../functions/list-calls/handler.ts';
import { apiEvent, bodyOf, lambdaContext } from '../../fixtures/api-event.ts';
import { callItem } from './items.ts';
import { NOW, sampleCall } from './samples.ts';

const ddb = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  ddb.reset();
  vi.useRealTimers();
});

describe('GET /health', () => {
  it('answers ok without touching anything', async () => {
    const res = await health(apiEvent({ method: 'GET', resource: '/health' }), lambdaContext);
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({ status: 'ok' });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('GET /calls', () => {
  it('lists the calls open now with the contract’s fields, from one Query (never a Scan)', async () => {
    const open = sampleCall();
    const later = sampleCall({ id: '2027-T2', opensAt: '2027-12-15T00:00:00.000Z', closesAt: '2028-03-31T00:00:00.000Z' });
    const past = sampleCall({ id: '2026-T1', opensAt: '2025-12-15T00:00:00.000Z', closesAt: '2026-03-31T00:00:00.000Z' });
    ddb.on(QueryCommand).resolves({
      Items: [past, open, later].map((c) => ({ ...callItem(c, 120_000), awarded: new Set(['app-1']) })),
    });
    const res = await listCalls(apiEvent({ method: 'GET', resource: '/calls' }), lambdaContext);
    expect(res.statusCode).toBe(200);
    // French unless the reader asks otherwise; the call's texts resolved to that language.
    expect(bodyOf(res)).toEqual({
      calls: [
        {
          ...open,
          title: open.title.fr,
          themes: open.themes.map((th) => ({ code: th.code, label: th.label.fr })),
          // A call written before the joint dossier: a French side only, the default rules (filed
          // without the partner's confirmation, as it always was).
          envelopes: { FR: { amount: open.envelope, currency: 'EUR' }, MA: { amount: 0, currency: 'MAD' } },
          grants: { FR: open.grant, MA: { min: 0, max: 0 } },
          minLeadShare: 0,
          maxInKindShare: 1,
          partnerConfirmationDays: 14,
          requirePartnerConfirmation: false,
          // A call written before documents asks for none, and allows 20 files.
          documents: [],
          maxDocuments: 20,
        },
      ],
    });
    expect(res.headers?.['Content-Language']).toBe('fr');
    expect(res.body).not.toContain('committed');
    expect(res.body).not.toContain('awarded');
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'gsi1', ExpressionAttributeValues: { ':pk': 'CALLS' } });
    expect(ddb).not.toHaveReceivedCommand(ScanCommand);
  });

  const translated = sampleCall({
    title: { fr: 'Appel à projets 2027 — tranche 1', ar: 'طلب مشاريع 2027 — الشطر الأول', en: 'Call for projects 2027 — first round' },
    themes: [
      { code: 'eau', label: { fr: 'Eau et assainissement', ar: 'الماء والتطهير', en: 'Water and sanitation' } },
      // A code of the call's own, in French only: French is the fallback.
      { code: 'oasis', label: { fr: 'Oasis et zones arides' } },
      // One of the fund's usual codes in French only: our own translation of it is shown.
      { code: 'numerique', label: { fr: 'Numérique' } },
    ],
  });
  const listed = async (request: { query?: Record<string, string>; headers?: Record<string, string> }) => {
    ddb.on(QueryCommand).resolves({ Items: [callItem(translated, 0)] });
    const res = await listCalls(apiEvent({ method: 'GET', resource: '/calls', ...request }), lambdaContext);
    expect(res.statusCode).toBe(200);
    return { res, call: (bodyOf(res) as { calls: Array<{ title: string; themes: Array<{ code: string; label: string }> }> }).calls[0] };
  };

  it('gives the title and theme labels in the language asked with ?lang=, French where the call has none', async () => {
    const { res, call } = await listed({ query: { lang: 'ar' } });
    expect(call?.title).toBe('طلب مشاريع 2027 — الشطر الأول');
    expect(call?.themes).toEqual([
      { code: 'eau', label: 'الماء والتطهير' },
      { code: 'oasis', label: 'Oasis et zones arides' },
      { code: 'numerique', label: 'الرقمنة' },
    ]);
    expect(res.headers?.['Content-Language']).toBe('ar');
    expect(res.headers?.Vary).toContain('Accept-Language');
  });

  it('gives the joint dossier’s rules of a call with both sides of the fund (the partner confirms, by default)', async () => {
    const twoSided = sampleCall({
      envelope: 300_000,
      envelopes: { FR: { amount: 300_000, currency: 'EUR' }, MA: { amount: 3_240_000, currency: 'MAD' } },
      madPerEur: 10.8,
      minLeadShare: 0.1,
      maxInKindShare: 0.5,
      grants: { FR: { min: 10_000, max: 100_000 }, MA: { min: 0, max: 1_080_000 } },
      partnerConfirmationDays: 10,
    });
    ddb.on(QueryCommand).resolves({ Items: [callItem(twoSided, 0)] });
    const res = await listCalls(apiEvent({ method: 'GET', resource: '/calls' }), lambdaContext);
    expect(bodyOf(res)).toMatchObject({
      calls: [
        {
          envelopes: twoSided.envelopes,
          madPerEur: 10.8,
          minLeadShare: 0.1,
          maxInKindShare: 0.5,
          grants: twoSided.grants,
          partnerConfirmationDays: 10,
          requirePartnerConfirmation: true,
          documents: [],
          maxDocuments: 20,
        },
      ],
    });
  });

  it('follows Accept-Language when no ?lang= is given', async () => {
    const { res, call } = await listed({ headers: { 'Accept-Language': 'de-DE, en-GB;q=0.8, fr;q=0.5' } });
    expect(call?.title).toBe('Call for projects 2027 — first round');
    expect(call?.themes.map((th) => th.label)).toEqual(['Water and sanitation', 'Oasis et zones arides', 'Digital']);
    expect(res.headers?.['Content-Language']).toBe('en');
  });

  it('reads a call stored before calls had translations (plain French strings)', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [{ ...callItem(sampleCall(), 0), title: 'Appel à projets 2027', themes: [{ code: 'eau', label: 'Eau et stress hydrique' }] }],
    });
    const res = await listCalls(apiEvent({ method: 'GET', resource: '/calls', query: { lang: 'en' } }), lambdaContext);
    expect(bodyOf(res)).toMatchObject({ calls: [{ title: 'Appel à projets 2027', themes: [{ code: 'eau', label: 'Water and water stress' }] }] });
  });
});
