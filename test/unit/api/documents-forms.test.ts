import { TEST_ENV } from './env.ts';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pathTo } from '../../../shared/catalogue/routes.ts';
import { documentKey } from '../../../shared/domain/documents.ts';
import { bodyOf } from '../../fixtures/api-event.ts';
import { formOf } from '../../fixtures/page-forms.ts';
import { aDossier } from '../../fixtures/dossier.ts';
import { ports, request } from './in-process.ts';
import { NOW, sampleCall } from './samples.ts';

/**
 * A draft's documents from its page without JavaScript, in process on in-memory ports: the small
 * form asks for an upload, the answer holds storage's own form (its fields, the file, the way
 * back), storage sends the browser back to the draft's page (a GET that changes nothing), whose
 * button checks the file; refusals are pages in the page's language, nothing stored.
 */

vi.mock('../../../shared/adapters/wiring.ts', async () => {
  const { ports: inMemory } = await import('./in-process.ts');
  return { wirePorts: () => inMemory, resetWiring: () => undefined };
});

// The bucket and the region the functions run in (read when a handler loads): the pages' policy names the bucket's regional host.
process.env.AWS_REGION = 'eu-west-3';
Object.assign(ports.config, { documentsBucket: TEST_ENV.DOCUMENTS_BUCKET });

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' };
const PAGE = { Accept: 'text/html' };
const CALL_ID = 'DOCS-FORMS-2027';
const CSV = new TextEncoder().encode('année;poste;montant\n1;personnel;40000\n');

beforeAll(async () => {
  await ports.repository.putCall(
    sampleCall({
      id: CALL_ID,
      documents: [
        { type: 'deliberation-fr', side: 'FR', label: { fr: 'Délibération du conseil', en: 'Council deliberation' }, formats: ['pdf'], required: true },
        { type: 'budget-sheet', side: 'any', label: { fr: 'Budget détaillé', en: 'Detailed budget' }, formats: ['xlsx', 'csv'], required: true },
      ],
      maxDocuments: 2,
    }),
  );
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

async function aDraft(): Promise<{ id: string; sig: string }> {
  const created = await request('POST', pathTo('createDraft'), {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ callId: CALL_ID, leadAuthority: aDossier().leadAuthority }),
  });
  expect(created.statusCode).toBe(201);
  const { id, editUrl } = bodyOf(created) as { id: string; editUrl: string };
  return { id, sig: new URL(editUrl).searchParams.get('sig') ?? '' };
}

const asked = (draft: { id: string; sig: string }, fields: Record<string, string>, lang = 'en') => {
  vi.setSystemTime(Date.now() + 1000);
  return request('POST', pathTo('requestDocumentUpload', { id: draft.id }, { sig: draft.sig, lang }), {
    headers: FORM,
    body: new URLSearchParams(fields).toString(),
  });
};
const page = (url: string) => request('GET', url, { headers: PAGE });
const stored = async (draft: { id: string; sig: string }) => (await ports.repository.getDraft(draft.id))?.documents ?? {};

/** The storage form a page holds: where it posts, and its hidden fields (the file aside). */
function storageForm(html: string): { action: string; fields: Record<string, string> } {
  const form = formOf(html, TEST_ENV.BASE_URL);
  return { action: form.action, fields: Object.fromEntries(form.fields.filter(([name]) => name !== 'file')) };
}

describe('uploading from the draft page without JavaScript', () => {
  it('the page’s form opens an upload, storage’s form sends the file and comes back, the page’s button checks it: accepted', async () => {
    const draft = await aDraft();
    const shown = await page(pathTo('showDraft', { id: draft.id }, { sig: draft.sig, lang: 'en' }));
    expect(shown.body).toContain('<select id="format-budget-sheet" name="format">');
    // The page's policy lets its script and its forms reach storage, nowhere else.
    const csp = String(shown.headers?.['Content-Security-Policy']);
    expect(csp).toContain("connect-src 'self' https://coopfund-test-documents.s3.eu-west-3.amazonaws.com;");
    expect(csp).toContain("form-action 'self' https://coopfund-test-documents.s3.eu-west-3.amazonaws.com;");

    const res = await asked(draft, { type: 'budget-sheet', format: 'csv' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Send a file: Detailed budget</h1>');
    const form = storageForm(res.body);
    expect(form.action).toBe('https://documents.example.test/bucket');
    expect(res.body).toContain('<form id="upload-form" method="post" action="https://documents.example.test/bucket" enctype="multipart/form-data">');
    expect(res.body).toMatch(/<input type="file" id="file" name="file" required accept="\.csv">/);
    const [documentId, document] = Object.entries(await stored(draft))[0] ?? [];
    expect(document).toMatchObject({ type: 'budget-sheet', filename: 'budget-sheet.csv', contentType: 'text/csv', size: 0, status: 'UPLOADED' });
    expect(form.fields.key).toBe(documentKey(draft.id, documentId ?? ''));
    const back = new URL(form.fields.success_action_redirect ?? '');
    expect(back.pathname).toBe(pathTo('showDraft', { id: draft.id }));
    expect(Object.fromEntries(back.searchParams)).toEqual({ sig: draft.sig, lang: 'en', notice: 'uploaded', document: documentId });
    expect(String(res.headers?.['Content-Security-Policy'])).toContain("form-action 'self' https://coopfund-test-documents.s3.eu-west-3.amazonaws.com;");

    // Storage checks the policy and sends the browser back (adding bucket, key and etag): a GET that only shows.
    expect(ports.documents.post(form.fields, CSV)).toBe(204);
    back.searchParams.set('key', form.fields.key ?? '');
    back.searchParams.set('etag', '"abc"');
    const before = JSON.stringify(await stored(draft));
    const returned = await page(back.toString());
    await page(back.toString());
    expect(returned.statusCode).toBe(200);
    expect(returned.body).toContain('The file has arrived.');
    expect(JSON.stringify(await stored(draft))).toBe(before);

    const check = /<form method="post" action="([^"]+\/complete\?[^"]+)">/.exec(returned.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const done = await request('POST', check, { headers: FORM, body: '' });
    expect(done.statusCode).toBe(303);
    const location = String(done.headers?.Location);
    expect(Object.fromEntries(new URL(location).searchParams)).toMatchObject({ notice: 'accepted', document: documentId, lang: 'en' });
    const after = await page(location);
    expect(after.body).toContain('The file budget-sheet.csv is accepted.');
    expect((await stored(draft))[documentId ?? '']).toMatchObject({ status: 'ACCEPTED', size: CSV.length });
  });

  it('a file of the wrong format behind its name: the check answers with the page, refused and why, in the page’s language', async () => {
    const draft = await aDraft();
    const form = storageForm((await asked(draft, { type: 'deliberation-fr' }, 'fr')).body);
    expect(ports.documents.post(form.fields, new Uint8Array([0x4d, 0x5a, 0x90, 0]))).toBe(204);
    const documentId = form.fields.key?.split('/').pop() ?? '';
    const done = await request('POST', pathTo('completeDocument', { id: draft.id, documentId }, { sig: draft.sig, lang: 'fr' }), { headers: FORM, body: '' });
    const after = await page(String(done.headers?.Location));
    expect(after.body).toContain('Le fichier deliberation-fr.pdf est refusé : Le contenu du fichier ne correspond pas à son format annoncé (PDF).');
  });

  it('refusals are pages in the page’s language leading back to the draft, nothing stored: a format the type does not take, one file too many', async () => {
    const draft = await aDraft();
    const wrong = await asked(draft, { type: 'deliberation-fr', format: 'png' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.headers?.['Content-Type']).toMatch(/^text\/html/);
    expect(wrong.body).toContain('<h1>This file cannot be sent</h1>');
    expect(wrong.body).toContain('<li>Formats accepted for this document: PDF.</li>');
    expect(wrong.body).toContain(`${pathTo('showDraft', { id: draft.id })}?sig=`);
    expect(Object.keys(await stored(draft))).toHaveLength(0);
    expect((await asked(draft, { type: 'budget-sheet' })).statusCode).toBe(400);
    expect((await asked(draft, { type: 'budget-sheet', format: 'csv', filename: 'x.csv' })).statusCode).toBe(400);

    expect((await asked(draft, { type: 'deliberation-fr' })).statusCode).toBe(200);
    expect((await asked(draft, { type: 'budget-sheet', format: 'xlsx' })).statusCode).toBe(200);
    const full = await asked(draft, { type: 'deliberation-fr' }, 'ar');
    expect(full.statusCode).toBe(409);
    expect(full.body).toContain('لا يتجاوز الملف 2 وثيقة');
    expect(Object.keys(await stored(draft))).toHaveLength(2);
  });

  it('the page’s delete button removes the file and its object, then shows the page again', async () => {
    const draft = await aDraft();
    const form = storageForm((await asked(draft, { type: 'deliberation-fr' })).body);
    ports.documents.post(form.fields, new TextEncoder().encode('%PDF-1.7\n'));
    const documentId = form.fields.key?.split('/').pop() ?? '';
    const res = await request('POST', pathTo('deleteDocumentForm', { id: draft.id, documentId }, { sig: draft.sig, lang: 'en' }), { headers: FORM, body: '' });
    expect(res.statusCode).toBe(303);
    expect((await page(String(res.headers?.Location))).body).toContain('The file was deleted.');
    expect(await stored(draft)).toEqual({});
    expect(ports.documents.objects.has(form.fields.key ?? '')).toBe(false);
  });

  it('the JSON contract is unchanged: a JSON client still gets 201 with the presigned POST, and JSON problems', async () => {
    const draft = await aDraft();
    const json = { 'Content-Type': 'application/json' };
    const res = await request('POST', pathTo('requestDocumentUpload', { id: draft.id }, { sig: draft.sig }), {
      headers: json,
      body: JSON.stringify({ type: 'deliberation-fr', filename: 'd.pdf', size: 10, contentType: 'application/pdf' }),
    });
    expect(res.statusCode).toBe(201);
    expect(bodyOf(res)).toMatchObject({ documentId: expect.any(String), upload: { url: 'https://documents.example.test/bucket' } });
    const bad = await request('POST', pathTo('requestDocumentUpload', { id: draft.id }, { sig: draft.sig }), {
      headers: json,
      body: JSON.stringify({ type: 'deliberation-fr' }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bodyOf(bad)).toMatchObject({ error: 'VALIDATION_FAILED' });
  });
});
