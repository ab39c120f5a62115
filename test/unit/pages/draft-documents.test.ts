import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../shared/domain/application.ts';
import type { DraftDocument } from '../../../shared/domain/documents.ts';
import { textsFor, type Language } from '../../../shared/i18n/index.ts';
import { draftPage, type DraftPageOptions } from '../../../shared/pages/draft-page.ts';
import type { PageFrame } from '../../../shared/pages/layout.ts';
import type { DraftPageModel } from '../../../shared/use-cases/drafts.ts';
import { aDossier } from '../../fixtures/dossier.ts';
import { aCall } from '../../fixtures/domain.ts';

/**
 * The draft page's checklist of documents: what the call asks for in the page's language, what
 * the draft has for each (name, size, status, a refusal's reason, « not scanned »), the forms
 * that add, check and delete a file while it is a draft, none of them once it is not.
 */

const MB = 1024 * 1024;
const frame = (lang: Language): PageFrame => ({ t: textsFor(lang), contact: 'secretariat@coopfund.example.org' });
const call: CallRecord = {
  ...aCall({
    documents: [
      {
        type: 'deliberation-fr',
        side: 'FR',
        label: { fr: 'Délibération du conseil', ar: 'مداولة المجلس', en: 'Council deliberation' },
        formats: ['pdf'],
        maxBytes: 2 * MB,
        required: true,
      },
      { type: 'budget-sheet', side: 'any', label: { fr: 'Budget détaillé', en: 'Detailed budget' }, formats: ['xlsx', 'ods', 'csv'], required: true },
      { type: 'letters', side: 'MA', label: { fr: 'Lettres d’engagement', en: 'Letters of commitment' }, formats: ['pdf', 'jpeg'], required: false },
    ],
    maxDocuments: 12,
  }),
  committed: 0,
  awarded: [],
  committedMA: 0,
  awardedMA: [],
};
const ID = 'AbCdEfGhIjKlMnOpQrStUv';
const file = (over: Partial<DraftDocument>): DraftDocument => ({
  documentId: 'D'.repeat(22),
  type: 'deliberation-fr',
  filename: 'délibération.pdf',
  contentType: 'application/pdf',
  size: 1_572_864,
  status: 'ACCEPTED',
  scan: 'unscanned',
  by: 'lead',
  uploadedAt: '2027-01-10T09:00:00.000Z',
  ...over,
});
const accepted = file({});
const refused = file({
  documentId: 'R'.repeat(22),
  filename: 'setup.pdf',
  size: 2048,
  status: 'REFUSED',
  reason: 'wrong-format',
  scan: undefined,
  uploadedAt: '2027-01-11T09:00:00.000Z',
});
const waiting = file({
  documentId: 'W'.repeat(22),
  type: 'budget-sheet',
  filename: 'budget-sheet.xlsx',
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  size: 0,
  status: 'UPLOADED',
  scan: undefined,
  uploadedAt: '2027-01-12T09:00:00.000Z',
});

function model(overrides: Partial<DraftPageModel['view']> = {}, theCall: CallRecord = call): DraftPageModel {
  return {
    view: {
      id: ID,
      version: 3,
      status: 'DRAFT',
      callId: theCall.id,
      role: 'lead',
      dossier: aDossier(),
      documents: [accepted, refused, waiting],
      history: [],
      ...overrides,
    },
    call: theCall,
    madPerEur: 10.8,
    language: 'fr',
  };
}
const options = (more: Partial<DraftPageOptions> = {}): DraftPageOptions => ({ sig: 'sig', baseUrl: 'https://api.example.org', scanned: false, ...more });
const section = (page: string) =>
  page.slice(page.indexOf('<section aria-labelledby="documents-title"'), page.indexOf('<section aria-labelledby="missing-title"'));
const item = (page: string, type: string) => {
  const start = page.indexOf(`<li id="document-${type}"`);
  return page.slice(start, page.indexOf('</form>\n</li>', start) + 12);
};
const row = (page: string, documentId: string) => {
  const start = page.indexOf(`<li data-document="${documentId}"`);
  return page.slice(start, page.indexOf('</li>', start));
};

describe('the draft page’s documents', () => {
  it('lists every document the call asks for, with its side, formats, limit and need, in French', () => {
    const page = section(draftPage(model(), frame('fr'), options()));
    expect(page).toContain('<h2 id="documents-title">Pièces du dossier</h2>');
    expect(page).toContain('Le dossier compte 12 fichiers au plus.');
    expect(page).toContain('les fichiers ne sont pas analysés par un antivirus');
    expect(item(page, 'deliberation-fr')).toContain('<h3>Délibération du conseil</h3>');
    expect(item(page, 'deliberation-fr')).toMatch(/collectivité française · PDF · 2\sMo au plus · obligatoire/);
    expect(item(page, 'budget-sheet')).toMatch(/l’une ou l’autre collectivité · XLSX, ODS, CSV · 10\sMo au plus · obligatoire/);
    expect(item(page, 'letters')).toMatch(/collectivité marocaine · PDF, JPEG · 10\sMo au plus · facultative/);
    expect(item(page, 'letters')).toContain('Aucun fichier pour l’instant.');
  });

  it('shows each file: its name, size and status, a refusal’s reason, « not scanned »; check, delete and send forms while a draft', () => {
    const page = draftPage(model(), frame('fr'), options());
    const ok = row(page, accepted.documentId);
    expect(ok).toContain('délibération.pdf');
    expect(ok).toMatch(/\(1,5\sMo\)/);
    expect(ok).toContain('<strong>accepté</strong>');
    expect(ok).toContain('non analysé par un antivirus');
    expect(ok).not.toContain('Vérifier ce fichier');
    expect(ok).toContain(`action="https://api.example.org/drafts/${ID}/documents/${accepted.documentId}/delete?sig=sig&amp;lang=fr"`);
    expect(ok).toContain(`data-delete="https://api.example.org/drafts/${ID}/documents/${accepted.documentId}?sig=sig&amp;lang=fr"`);
    const no = row(page, refused.documentId);
    expect(no).toContain('<strong>refusé</strong>');
    expect(no).toContain('Le contenu du fichier ne correspond pas à son format annoncé (PDF).');
    const pending = row(page, waiting.documentId);
    expect(pending).toContain('envoyé, pas encore vérifié');
    // Opened without a script: its size is not known before the check.
    expect(pending).not.toContain('Mo)');
    expect(pending).toContain(`action="https://api.example.org/drafts/${ID}/documents/${waiting.documentId}/complete?sig=sig&amp;lang=fr"`);
    // One upload form per type; a type with several formats asks which.
    expect(page.match(/class="upload"/g)).toHaveLength(3);
    expect(item(page, 'deliberation-fr')).toContain('<input type="hidden" name="type" value="deliberation-fr">');
    expect(item(page, 'deliberation-fr')).not.toContain('name="format"');
    expect(item(page, 'budget-sheet')).toContain('<select id="format-budget-sheet" name="format"><option value="xlsx">XLSX</option>');
    expect(item(page, 'budget-sheet')).toContain(`action="https://api.example.org/drafts/${ID}/documents?sig=sig&amp;lang=fr"`);
  });

  it('adds what documents still lack to what the dossier misses, each a link to its place in the checklist', () => {
    const page = draftPage(model(), frame('en'), options());
    const missing = page.slice(page.indexOf('id="missing"'), page.indexOf('</section>', page.indexOf('id="missing"')));
    expect(missing).not.toContain('Council deliberation');
    expect(missing).toContain('<a href="#document-budget-sheet">Document not checked: Detailed budget. Finish its upload.</a>');
    expect(missing).not.toContain('Letters of commitment');
    const none = draftPage(model({ documents: [] }), frame('en'), options());
    expect(none).toContain('<a href="#document-deliberation-fr">Missing document: Council deliberation.</a>');
    // A complete dossier with every required document accepted is complete.
    const complete = draftPage(
      model({ documents: [accepted, file({ documentId: 'B'.repeat(22), type: 'budget-sheet', filename: 'b.csv', contentType: 'text/csv' })] }),
      frame('en'),
      options(),
    );
    expect(complete).toContain('<p id="missing">The dossier is complete');
  });

  it('speaks English and Arabic: labels, statuses and reasons from the page’s catalogue (a label missing in a language falls back to French)', () => {
    const en = draftPage(model(), frame('en'), options());
    expect(en).toContain('<h3>Council deliberation</h3>');
    expect(en).toMatch(/French authority · PDF · up to 2\sMB · required/);
    expect(row(en, refused.documentId)).toContain('The file’s content does not match its stated format (PDF).');
    expect(row(en, waiting.documentId)).toContain('uploaded, not yet checked');
    expect(en).toContain('Check this file');
    const ar = draftPage(model(), frame('ar'), options());
    expect(ar).toContain('<h2 id="documents-title">وثائق الملف</h2>');
    expect(ar).toContain('<h3>مداولة المجلس</h3>');
    expect(ar).toContain('<h3>Budget détaillé</h3>');
    expect(row(ar, accepted.documentId)).toContain('<strong>مقبول</strong>');
    expect(row(ar, refused.documentId)).toContain('محتوى الملف لا يطابق الصيغة المعلنة (PDF).');
    expect(ar).toContain('الجماعة الفرنسية · PDF · ');
  });

  it('is read-only once the dossier is not a draft: files and statuses, no form to send, check or delete', () => {
    for (const status of ['AWAITING_PARTNER', 'SUBMITTED'] as const) {
      const page = section(draftPage(model({ status }), frame('fr'), options()));
      expect(page).toContain('délibération.pdf');
      expect(page).toContain('envoyé, pas encore vérifié');
      expect(page).not.toContain('<form');
    }
  });

  it('has no documents section for a call that asks for none, and says nothing of scans where they run', () => {
    const plain: CallRecord = { ...call, documents: undefined };
    const page = draftPage(model({ documents: [] }, plain), frame('fr'), options());
    expect(page).not.toContain('documents-title');
    expect(page).not.toContain('/documents?sig=');
    const scanned = draftPage(model({ documents: [file({ scan: 'clean' })] }), frame('fr'), options({ scanned: true }));
    expect(section(scanned)).toContain('délibération.pdf');
    expect(section(scanned)).not.toContain('antivirus');
  });

  it('after a file’s check: accepted or refused, naming the file and the reason', () => {
    const ok = draftPage(model(), frame('en'), options({ notice: 'accepted', document: accepted.documentId }));
    expect(ok).toContain('<p class="success" id="notice" role="status">The file délibération.pdf is accepted.</p>');
    const no = draftPage(model(), frame('fr'), options({ notice: 'refused', document: refused.documentId }));
    expect(no).toContain(
      '<p class="notice" id="notice" role="status">Le fichier setup.pdf est refusé : Le contenu du fichier ne correspond pas à son format annoncé (PDF).</p>',
    );
    const arrived = draftPage(model(), frame('ar'), options({ notice: 'uploaded', document: waiting.documentId }));
    expect(arrived).toContain('وصل الملف.');
  });
});
