import './env.ts';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pathTo } from '../../../shared/catalogue/routes.ts';
import { documentKey } from '../../../shared/domain/documents.ts';
import { bodyOf } from '../../fixtures/api-event.ts';
import { aDossier } from '../../fixtures/dossier.ts';
import { ports, request, started } from './in-process.ts';
import { NOW, sampleCall } from './samples.ts';

/**
 * A draft's documents through the drafts handler, in process on in-memory ports (the storage a
 * fake that holds a presigned POST to what S3 enforces): the checklist's data, an upload granted,
 * posted and checked, and every hostile request refused with a 4xx and a reason, nothing stored.
 */

vi.mock('../../../shared/adapters/wiring.ts', async () => {
  const { ports: inMemory } = await import('./in-process.ts');
  return { wirePorts: () => inMemory, resetWiring: () => undefined };
});

const JSON_BODY = { 'Content-Type': 'application/json' };
const MB = 1024 * 1024;
const CALL_ID = 'DOCS-2027';
const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');

beforeAll(async () => {
  await ports.repository.putCall(
    sampleCall({
      id: CALL_ID,
      documents: [
        {
          type: 'deliberation-fr',
          side: 'FR',
          label: { fr: 'Délibération du conseil', en: 'Council deliberation' },
          formats: ['pdf'],
          maxBytes: 2 * MB,
          required: true,
        },
        { type: 'budget-sheet', side: 'any', label: { fr: 'Budget détaillé' }, formats: ['xlsx', 'ods', 'csv'], required: true },
        { type: 'letters', side: 'MA', label: { fr: 'Lettres d’engagement' }, formats: ['pdf', 'jpeg', 'png'], required: false },
      ],
      maxDocuments: 5,
    }),
  );
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

/** A fresh draft of the call with a complete dossier, and its lead's `sig`. */
async function aDraftWithDossier(): Promise<{ id: string; sig: string }> {
  const created = await request('POST', pathTo('createDraft'), {
    headers: JSON_BODY,
    body: JSON.stringify({ callId: CALL_ID, leadAuthority: aDossier().leadAuthority }),
  });
  expect(created.statusCode).toBe(201);
  const { id, editUrl } = bodyOf(created) as { id: string; editUrl: string };
  const sig = new URL(editUrl).searchParams.get('sig') ?? '';
  const saved = await request('PUT', pathTo('saveDraft', { id }, { sig }), { headers: { ...JSON_BODY, 'If-Match': '"1"' }, body: JSON.stringify(aDossier()) });
  expect(saved.statusCode).toBe(200);
  return { id, sig };
}

/** Each request a second after the previous one: documents list in the order they were asked for. */
const ask = (draft: { id: string; sig: string }, body: unknown) => {
  vi.setSystemTime(Date.now() + 1000);
  return request('POST', pathTo('requestDocumentUpload', { id: draft.id }, { sig: draft.sig }), { headers: JSON_BODY, body: JSON.stringify(body) });
};
const complete = (draft: { id: string; sig: string }, documentId: string) =>
  request('POST', pathTo('completeDocument', { id: draft.id, documentId }, { sig: draft.sig }));
const remove = (draft: { id: string; sig: string }, documentId: string) =>
  request('DELETE', pathTo('deleteDocument', { id: draft.id, documentId }, { sig: draft.sig }));
const show = async (draft: { id: string; sig: string }) =>
  bodyOf(await request('GET', pathTo('showDraft', { id: draft.id }, { sig: draft.sig }), { headers: { Accept: 'application/json' } })) as {
    documents: { documentId: string; type: string; filename: string; status: string; reason?: string }[];
  };

const pdfRequest = { type: 'deliberation-fr', filename: 'délibération.pdf', size: PDF.length, contentType: 'application/pdf' };

/** Asks for an upload, posts `file` as the browser would (S3's checks), completes it. */
async function upload(draft: { id: string; sig: string }, body = pdfRequest, file: Uint8Array = PDF) {
  const granted = await ask(draft, body);
  expect(granted.statusCode).toBe(201);
  const { documentId, upload: form } = bodyOf(granted) as { documentId: string; upload: { url: string; fields: Record<string, string> } };
  expect(ports.documents.post(form.fields, file)).toBe(204);
  return { documentId, form, completed: await complete(draft, documentId) };
}

describe('GET /calls: the documents a call requires', () => {
  it('lists each with its label in the reader’s language, its formats, its limit (10 MB by default), and the call’s limit of files', async () => {
    const res = await request('GET', pathTo('listCalls'), { headers: { 'Accept-Language': 'en' } });
    const body = bodyOf(res) as unknown[] | { calls: unknown[] };
    const list = (Array.isArray(body) ? body : body.calls) as { id: string; documents: unknown[]; maxDocuments: number }[];
    const ours = list.find((c) => c.id === CALL_ID);
    expect(ours?.maxDocuments).toBe(5);
    expect(ours?.documents).toEqual([
      { type: 'deliberation-fr', side: 'FR', label: 'Council deliberation', formats: ['pdf'], maxBytes: 2 * MB, required: true },
      { type: 'budget-sheet', side: 'any', label: 'Budget détaillé', formats: ['xlsx', 'ods', 'csv'], maxBytes: 10 * MB, required: true },
      { type: 'letters', side: 'MA', label: 'Lettres d’engagement', formats: ['pdf', 'jpeg', 'png'], maxBytes: 10 * MB, required: false },
    ]);
  });
});

describe('POST /drafts/{id}/documents, then complete', () => {
  it('grants a presigned POST for one key under the draft, stores the record UPLOADED, and complete accepts the PDF', async () => {
    const draft = await aDraftWithDossier();
    const { documentId, form, completed } = await upload(draft);
    expect(form.fields.key).toBe(documentKey(draft.id, documentId));
    expect(form.fields['Content-Type']).toBe('application/pdf');
    expect(completed.statusCode).toBe(200);
    expect(bodyOf(completed)).toEqual({ documentId, status: 'ACCEPTED' });
    // A replay answers the same, changing nothing.
    expect(bodyOf(await complete(draft, documentId))).toEqual({ documentId, status: 'ACCEPTED' });
    expect((await show(draft)).documents).toEqual([
      expect.objectContaining({ documentId, type: 'deliberation-fr', filename: 'délibération.pdf', status: 'ACCEPTED', size: PDF.length, scan: 'unscanned' }),
    ]);
  });

  it('an executable named .pdf, an empty file, a file bigger than declared: REFUSED with the reason, the object removed', async () => {
    const draft = await aDraftWithDossier();
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]);
    const first = await upload(draft, { ...pdfRequest, filename: 'setup.pdf', size: exe.length }, exe);
    expect(bodyOf(first.completed)).toEqual({ documentId: first.documentId, status: 'REFUSED', reason: 'wrong-format' });
    expect(ports.documents.objects.has(documentKey(draft.id, first.documentId))).toBe(false);

    // Storage that did not enforce the policy (a lax local server): complete checks again.
    const granted = bodyOf(await ask(draft, pdfRequest)) as { documentId: string };
    ports.documents.putDirectly(documentKey(draft.id, granted.documentId), new Uint8Array(0), 'application/pdf');
    expect(bodyOf(await complete(draft, granted.documentId))).toEqual({ documentId: granted.documentId, status: 'REFUSED', reason: 'empty' });
    const big = bodyOf(await ask(draft, pdfRequest)) as { documentId: string };
    const oversize = new Uint8Array(2 * MB + 1);
    oversize.set(PDF);
    ports.documents.putDirectly(documentKey(draft.id, big.documentId), oversize, 'application/pdf');
    expect(bodyOf(await complete(draft, big.documentId))).toMatchObject({ status: 'REFUSED', reason: 'too-large' });
    expect((await show(draft)).documents.map((d) => d.status)).toEqual(['REFUSED', 'REFUSED', 'REFUSED']);
  });

  it('storage refuses a post that breaks the policy (another key, another type, too big): nothing stored, complete says not uploaded yet (409)', async () => {
    const draft = await aDraftWithDossier();
    const { documentId, upload: form } = bodyOf(await ask(draft, pdfRequest)) as { documentId: string; upload: { fields: Record<string, string> } };
    expect(ports.documents.post(form.fields, PDF, { key: `applications/other/${documentId}` })).toBe(403);
    expect(ports.documents.post(form.fields, PDF, { contentType: 'text/html' })).toBe(403);
    expect(ports.documents.post(form.fields, new Uint8Array(2 * MB + 1))).toBe(400);
    const res = await complete(draft, documentId);
    expect(res.statusCode).toBe(409);
    expect(bodyOf(res)).toMatchObject({ error: 'DOCUMENT_NOT_UPLOADED', issues: [{ path: 'file' }] });
    expect((await show(draft)).documents).toEqual([expect.objectContaining({ documentId, status: 'UPLOADED' })]);
  });

  it('a flagged file is refused and removed', async () => {
    const draft = await aDraftWithDossier();
    const { documentId, upload: form } = bodyOf(await ask(draft, pdfRequest)) as { documentId: string; upload: { fields: Record<string, string> } };
    ports.documents.post(form.fields, PDF);
    ports.documents.scans.set(documentKey(draft.id, documentId), 'threat');
    expect(bodyOf(await complete(draft, documentId))).toEqual({ documentId, status: 'REFUSED', reason: 'threat' });
    expect(ports.documents.objects.has(documentKey(draft.id, documentId))).toBe(false);
  });

  it('keeps a tidy name: the extension of its format, 200 characters at most', async () => {
    const draft = await aDraftWithDossier();
    for (const filename of ['  rapport final.PDF', 'notes.html', `${'x'.repeat(250)}.pdf`]) {
      expect((await ask(draft, { ...pdfRequest, filename })).statusCode).toBe(201);
    }
    expect((await show(draft)).documents.map((d) => d.filename)).toEqual(['rapport final.PDF', 'notes.html.pdf', `${'x'.repeat(196)}.pdf`]);
  });
});

describe('hostile requests: 4xx with a reason, nothing stored, never a 500', () => {
  it.each([
    ['a type the call does not ask for', { ...pdfRequest, type: 'passport' }, 400, 'type'],
    ['a format the type does not accept', { ...pdfRequest, contentType: 'image/png' }, 400, 'contentType'],
    ['an unknown content type', { ...pdfRequest, contentType: 'application/x-msdownload' }, 400, 'contentType'],
    ['a declared size over the limit', { ...pdfRequest, size: 2 * MB + 1 }, 400, 'size'],
    ['an empty file declared', { ...pdfRequest, size: 0 }, 400, 'size'],
    ['a negative size', { ...pdfRequest, size: -1 }, 400, 'size'],
    ['a name of 1,000 characters', { ...pdfRequest, filename: `${'x'.repeat(1000)}.pdf` }, 400, 'filename'],
    ['a name with a path', { ...pdfRequest, filename: '../../../etc/passwd.pdf' }, 400, 'filename'],
    ['a name with NUL', { ...pdfRequest, filename: 'a\u0000b.pdf' }, 400, 'filename'],
    ['a name with a bidi override', { ...pdfRequest, filename: 'invoice\u202Efdp.exe' }, 400, 'filename'],
    ['an extra field', { ...pdfRequest, status: 'ACCEPTED' }, 400, 'status'],
    ['no type', { filename: 'a.pdf', size: 10, contentType: 'application/pdf' }, 400, 'type'],
  ])('%s', async (_, body, status, path) => {
    const draft = await aDraftWithDossier();
    const res = await ask(draft, body);
    expect(res.statusCode).toBe(status);
    const problem = bodyOf(res) as { message: string; issues: { path: string; message: string }[] };
    expect(problem.issues.some((issue) => issue.path === path && issue.message.length > 0)).toBe(true);
    expect((await show(draft)).documents).toEqual([]);
  });

  it('the 6th file of a call that allows 5 is refused (409), naming the documents', async () => {
    const draft = await aDraftWithDossier();
    for (let i = 0; i < 5; i++) expect((await ask(draft, pdfRequest)).statusCode).toBe(201);
    const res = await ask(draft, pdfRequest);
    expect(res.statusCode).toBe(409);
    expect(bodyOf(res)).toMatchObject({ error: 'TOO_MANY_DOCUMENTS', issues: [{ path: 'documents' }] });
    expect((await show(draft)).documents).toHaveLength(5);
    // One deleted makes room for another.
    const [first] = (await show(draft)).documents;
    expect((await remove(draft, first?.documentId ?? '')).statusCode).toBe(200);
    expect((await ask(draft, pdfRequest)).statusCode).toBe(201);
  });

  it('a document of another draft, a deleted document completed, an id of the wrong shape: 404, nothing changed', async () => {
    const mine = await aDraftWithDossier();
    const theirs = await aDraftWithDossier();
    const { documentId } = await upload(theirs);
    expect((await complete(mine, documentId)).statusCode).toBe(404);
    expect((await remove(mine, documentId)).statusCode).toBe(404);
    expect(ports.documents.objects.has(documentKey(theirs.id, documentId))).toBe(true);

    const gone = await upload(mine);
    expect((await remove(mine, gone.documentId)).statusCode).toBe(200);
    expect(ports.documents.objects.has(documentKey(mine.id, gone.documentId))).toBe(false);
    expect((await complete(mine, gone.documentId)).statusCode).toBe(404);
    expect((await remove(mine, gone.documentId)).statusCode).toBe(404);
    for (const id of ['..%2F..%2Fother', 'x'.repeat(300), '%00']) {
      expect((await complete(mine, decodeURIComponent(id))).statusCode).toBe(404);
    }
    expect((await show(mine)).documents).toEqual([]);
  });

  it('a forged link: 403, nothing stored', async () => {
    const draft = await aDraftWithDossier();
    expect((await ask({ ...draft, sig: `${draft.sig}x` }, pdfRequest)).statusCode).toBe(403);
    expect((await show(draft)).documents).toEqual([]);
  });
});

describe('filing wants every required document accepted', () => {
  it('submit answers 422 naming each missing or refused document, then files once they are accepted, the application keeping them', async () => {
    const draft = await aDraftWithDossier();
    await upload(draft, { ...pdfRequest, size: 3 }, new TextEncoder().encode('MZ!'));
    const refused = await request('POST', pathTo('submitDraft', { id: draft.id }, { sig: draft.sig }), { headers: JSON_BODY, body: '{}' });
    expect(refused.statusCode).toBe(422);
    expect((bodyOf(refused) as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['documents.deliberation-fr', 'documents.budget-sheet']);

    await upload(draft);
    const csv = new TextEncoder().encode('poste;montant\r\nTransport;1200\r\n');
    await upload(draft, { type: 'budget-sheet', filename: 'budget.csv', size: csv.length, contentType: 'text/csv' }, csv);
    const filed = await request('POST', pathTo('submitDraft', { id: draft.id }, { sig: draft.sig }), { headers: JSON_BODY, body: '{}' });
    expect(filed.statusCode).toBe(201);
    expect(started).toContain(draft.id);
    const application = await ports.repository.getApplication(draft.id);
    expect(application?.documents?.map((d) => [d.type, d.status])).toEqual([
      ['deliberation-fr', 'REFUSED'],
      ['deliberation-fr', 'ACCEPTED'],
      ['budget-sheet', 'ACCEPTED'],
    ]);
    // Filed: no more uploads nor deletions.
    expect((await ask(draft, pdfRequest)).statusCode).toBe(410);
    expect((await remove(draft, application?.documents?.[1]?.documentId ?? '')).statusCode).toBe(410);
  });
});
