import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localRepository } from '../../../local/seed.ts';
import { LOCAL_REGION } from '../../../local/template.ts';
import { pathTo } from '../../../shared/catalogue/routes.ts';
import { fill, textsFor } from '../../../shared/i18n/index.ts';
import { anApplication, startTestStack, type TestStack } from '../../e2e/support.ts';
import { screenshotsOf } from '../screenshots.ts';
import { expectAccessible, hasChromium, launchChromium, LOCALES } from './support.ts';

/**
 * A draft's documents in Chromium against the local stack (`npm start`'s: the functions in their
 * workers, the documents' bucket on the local S3 behind its POST-policy checker, so the browser
 * really posts each file to another origin, as to S3). With JavaScript: the checklist, a real PDF
 * accepted, an executable renamed .pdf refused with its reason in the page's language, a delete.
 * Without it: the page's form, S3's own form, the way back, the « check » button. The checklist
 * is audited with axe-core and checked against docs/screenshots/draft-documents-<lang>.png.
 */

const screenshots = screenshotsOf(import.meta.filename);
const POLL = { timeout: 20_000 };
const CALL_ID = `DOCS-${Date.now().toString(36)}`;
/** A small PDF that any reader opens. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
/** The first bytes of a Windows executable. */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0x90)]);

describe.skipIf(!hasChromium)('a draft’s documents in Chromium, on the local stack', { timeout: 240_000 }, () => {
  let t: TestStack;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestStack(), launchChromium()]);
    const { repository, close } = localRepository(t.stack.urls.dynamodb, LOCAL_REGION, t.stack.tableName);
    try {
      const { committed: _c, awarded: _a, committedMA: _cm, awardedMA: _am, ...demo } = (await repository.getCall(t.stack.demoCallId ?? ''))!;
      await repository.putCall({
        ...demo,
        id: CALL_ID,
        documents: [
          {
            type: 'deliberation-fr',
            side: 'FR',
            label: { fr: 'Délibération du conseil municipal', ar: 'مداولة المجلس الجماعي', en: 'Council deliberation' },
            formats: ['pdf'],
            maxBytes: 2 * 1024 * 1024,
            required: true,
          },
          {
            type: 'budget-sheet',
            side: 'any',
            label: { fr: 'Budget détaillé', ar: 'الميزانية المفصلة', en: 'Detailed budget' },
            formats: ['xlsx', 'ods', 'csv'],
            required: true,
          },
          {
            type: 'letters',
            side: 'MA',
            label: { fr: 'Lettres d’engagement', ar: 'رسائل الالتزام', en: 'Letters of commitment' },
            formats: ['pdf', 'jpeg', 'png'],
            required: false,
          },
        ],
      });
    } finally {
      close();
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.dispose();
  });

  /** A new draft of the call: the lead's edit link. */
  async function newDraft(): Promise<string> {
    // The same contact each time: what the page shows (its form's digests included) is the same from run to run.
    const { leadAuthority: random } = anApplication({ id: CALL_ID, closesAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    const leadAuthority = { ...random, contact: { ...random.contact, email: 'porteur@example.fr' } };
    const res = await fetch(`${t.stack.urls.api}${pathTo('createDraft')}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ callId: CALL_ID, leadAuthority }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { editUrl: string }).editUrl;
  }

  async function open(lang: keyof typeof LOCALES, options: { javaScriptEnabled?: boolean; bypassCSP?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ locale: LOCALES[lang], viewport: { width: 1000, height: 900 }, ...options });
    return context.newPage();
  }

  const row = (page: Page, type: string, status: string) => page.locator(`#document-${type} li[data-status="${status}"]`);

  describe.each(['fr', 'ar', 'en'] as const)('in %s', (lang) => {
    const tx = textsFor(lang);
    const dt = tx.draft.documents;

    it('with JavaScript: the checklist; a PDF sent straight to S3 and accepted; an executable named .pdf refused, saying why; a delete', async () => {
      const link = `${await newDraft()}&lang=${lang}`;
      const page = await open(lang);
      const blocked: string[] = [];
      page.on('console', (message) => {
        if (/Content.Security.Policy/i.test(message.text())) blocked.push(message.text());
      });
      await page.goto(link);
      expect(await page.locator('#documents-title').textContent()).toBe(dt.heading);
      expect(await page.locator('#document-deliberation-fr h3').textContent()).toBe(
        lang === 'en' ? 'Council deliberation' : lang === 'ar' ? 'مداولة المجلس الجماعي' : 'Délibération du conseil municipal',
      );
      expect(await page.locator('#document-letters .hint').first().textContent()).toContain(dt.optional);
      expect(await page.locator('#missing').textContent()).toContain(
        fill(tx.documents.shortfalls.missing, { label: lang === 'en' ? 'Detailed budget' : lang === 'ar' ? 'الميزانية المفصلة' : 'Budget détaillé' }),
      );

      await page.locator('#file-deliberation-fr').setInputFiles({ name: 'délibération.pdf', mimeType: 'application/pdf', buffer: PDF });
      await row(page, 'deliberation-fr', 'ACCEPTED').waitFor(POLL);
      expect(await row(page, 'deliberation-fr', 'ACCEPTED').textContent()).toContain('délibération.pdf');
      expect(await page.locator('#document-deliberation-fr .upload-status').textContent()).toBe(
        fill(dt.notices.accepted, { name: 'délibération.pdf', reason: '' }),
      );

      await page.locator('#file-deliberation-fr').setInputFiles({ name: 'setup.pdf', mimeType: 'application/pdf', buffer: EXE });
      await row(page, 'deliberation-fr', 'REFUSED').waitFor(POLL);
      const reason = fill(tx.documents.refusals['wrong-format'], { format: 'PDF' });
      expect(await row(page, 'deliberation-fr', 'REFUSED').textContent()).toContain(reason);
      expect(await page.locator('#document-deliberation-fr .upload-status').textContent()).toBe(fill(dt.notices.refused, { name: 'setup.pdf', reason }));
      // A format the type does not take is refused before anything is sent.
      await page.locator('#file-budget-sheet').setInputFiles({ name: 'budget.pdf', mimeType: 'application/pdf', buffer: PDF });
      expect(await page.locator('#document-budget-sheet .upload-status').textContent()).toContain(
        fill(tx.documents.refusals['format-not-allowed'], { formats: 'XLSX, ODS, CSV' }),
      );
      expect(blocked).toEqual([]);

      // What the server shows once the page is loaded again: the same two files, and the checklist audited and pictured.
      const checked = await open(lang, { bypassCSP: true });
      await checked.goto(link);
      expect(await checked.locator('#document-deliberation-fr li[data-document]').count()).toBe(2);
      expect(await row(checked, 'deliberation-fr', 'REFUSED').locator('.reason').textContent()).toBe(reason);
      expect(await row(checked, 'deliberation-fr', 'ACCEPTED').textContent()).toContain(dt.notScanned);
      await expectAccessible(checked, `draft page, documents (${lang})`);
      const id = new URL(link).pathname.split('/').pop() ?? '';
      const times = await checked.locator('time[datetime]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime') ?? ''));
      await screenshots.shot(checked, `draft-documents-${lang}`, lang, [id, ...times]);

      // The accepted file deleted (DELETE): gone from the page, and after a reload.
      await row(page, 'deliberation-fr', 'ACCEPTED').getByRole('button', { name: dt.delete }).click();
      await row(page, 'deliberation-fr', 'ACCEPTED').waitFor({ state: 'detached', ...POLL });
      await page.reload();
      expect(await row(page, 'deliberation-fr', 'ACCEPTED').count()).toBe(0);
      expect(await row(page, 'deliberation-fr', 'REFUSED').count()).toBe(1);
    });
  });

  it('without JavaScript: the page’s form, S3’s own form, the way back to the page, then « check this file »: accepted', async () => {
    const dt = textsFor('fr').draft.documents;
    const link = `${await newDraft()}&lang=fr`;
    const page = await open('fr', { javaScriptEnabled: false });
    await page.goto(link);
    const form = page.locator('#document-budget-sheet form.upload');
    await form.locator('select[name="format"]').selectOption('csv');
    await form.getByRole('button', { name: dt.send }).click();
    await page.locator('#upload-form').waitFor(POLL);
    expect(await page.locator('h1').textContent()).toBe(fill(dt.slotTitle, { label: 'Budget détaillé' }));
    expect(await page.locator('#upload-form').getAttribute('action')).toContain(t.stack.urls.s3);
    await page.locator('#file').setInputFiles({ name: 'budget.csv', mimeType: 'text/csv', buffer: Buffer.from('année;poste;montant\n1;personnel;40000\n') });
    await page.getByRole('button', { name: dt.slotSend }).click();
    // S3 sends the browser back to the draft's page, which only shows.
    await page.locator('#notice').waitFor(POLL);
    expect(new URL(page.url()).searchParams.get('notice')).toBe('uploaded');
    expect(await page.locator('#notice').textContent()).toBe(dt.notices.uploaded);
    expect(await row(page, 'budget-sheet', 'UPLOADED').textContent()).toContain('budget-sheet.csv');
    await row(page, 'budget-sheet', 'UPLOADED').getByRole('button', { name: dt.check }).click();
    await row(page, 'budget-sheet', 'ACCEPTED').waitFor(POLL);
    expect(await page.locator('#notice').textContent()).toBe(fill(dt.notices.accepted, { name: 'budget-sheet.csv' }));
    // Delete, with the page's form.
    await row(page, 'budget-sheet', 'ACCEPTED').getByRole('button', { name: dt.delete }).click();
    await page.locator('#notice').filter({ hasText: dt.notices.deleted }).waitFor(POLL);
    expect(await page.locator('#document-budget-sheet li[data-document]').count()).toBe(0);
  });

  it('every screenshot this file owns in docs/screenshots was checked against its page', () => screenshots.finish());
});
