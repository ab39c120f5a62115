import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anApplication,
  demoCallOf,
  reviewRequest,
  showStackLinesOnFailure,
  startTestStack,
  submit,
  taskLinkIn,
  track,
  waitForEmail,
  waitForStatus,
} from '../e2e/support.ts';
import { isTrackingLink } from '../fixtures/page-forms.ts';
import type { ApplicationBody, TestStack } from '../e2e/support.ts';
import { screenshotsOf } from './screenshots.ts';
import { CHROMIUM, hasChromium, launchChromium } from './support.ts';

/**
 * The workflow in a real browser (headless Chromium): an applicant files the form of `GET /`
 * (through the API instead while the template serves no form), then the reviewer opens the link
 * of their email, fills the decision form and clicks the button. The mailbox and the decision page
 * are checked against their screenshots in docs/screenshots (mailbox.png, decision-page.png; see
 * test/browser/screenshots.ts); the pages' own walk in every language is test/browser/pages.
 *
 * Chromium comes from the system (`apt-get install -y chromium`). Without it the test is skipped
 * locally, and fails on CI (`CI` set): a browser test that silently never runs proves nothing.
 */

const screenshots = screenshotsOf(import.meta.filename);

if (process.env.CI && !hasChromium) {
  describe('browser', () => {
    it('needs Chromium on CI', () => {
      expect.fail(`${CHROMIUM} is missing: install it (apt-get install -y chromium) so that the browser tests run`);
    });
  });
}

describe.skipIf(!hasChromium)('a decision page in Chromium', { timeout: 120_000 }, () => {
  let t: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestStack(), launchChromium()]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.dispose();
  });

  /** The application, filed as a person does: through the form of `GET /` when the API serves one. */
  async function fileApplication(page: Page, body: ApplicationBody): Promise<string> {
    const api = t.stack.urls.api;
    if (!t.stack.template.routes.some((r) => r.path === '/' && r.method === 'GET')) return (await submit(api, body)).trackingUrl;

    const response = await page.goto(`${api}/`);
    expect(response?.status()).toBe(200);
    const form = page.locator('#application-form');
    await form.locator('[name="callId"]').selectOption(body.callId);
    await form.locator('[name="project.title"]').fill(body.project.title);
    await form.locator('[name="project.summary"]').fill(body.project.summary);
    await form.locator('[name="project.theme"]').selectOption(body.project.theme);
    await form.locator('[name="project.startDate"]').fill(body.project.startDate);
    await form.locator('[name="project.durationMonths"]').fill(String(body.project.durationMonths));
    for (const side of ['leadAuthority', 'partnerAuthority'] as const) {
      const authority = body[side];
      await form.locator(`[name="${side}.name"]`).fill(authority.name);
      await form.locator(`[name="${side}.kind"]`).selectOption(authority.kind);
      await form.locator(`[name="${side}.contact.name"]`).fill(authority.contact.name);
      await form.locator(`[name="${side}.contact.email"]`).fill(authority.contact.email);
    }
    await form.locator('[name="budget.totalCost"]').fill(String(body.budget.totalCost));
    await form.locator('[name="budget.requestedAmount"]').fill(String(body.budget.requestedAmount));
    await form.getByRole('button').last().click();

    // The form answers with the tracking page (303), whose address is the tracking link.
    await page.waitForURL((url) => isTrackingLink(url.href));
    const landed = new URL(page.url());
    return `${api}${landed.pathname}?token=${landed.searchParams.get('token')}`;
  }

  it("takes an application from the form to the reviewer's decision, clicked on the emailed page", async () => {
    showStackLinesOnFailure(() => t.lines);
    const { mailbox } = t.stack.urls;
    const call = await demoCallOf(t);
    const body = anApplication(call, { title: 'Observatoire franco-marocain de l’eau', requestedAmount: 45_000, totalCost: 100_000 });

    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    try {
      const trackingUrl = await fileApplication(page, body);
      expect((await track(trackingUrl)).project.title).toBe(body.project.title);
      await waitForEmail(mailbox, { to: body.leadAuthority.contact.email, subject: 'Dossier reçu' });

      const { reviewer, email: request } = await reviewRequest(mailbox, body.project.title);

      // The mailbox, as the reviewer sees it.
      await page.goto(mailbox);
      await page.getByText(request.subject).first().waitFor();
      // The mailbox page refreshes its list as emails come: a toggle lost to a refresh is clicked again.
      for (let attempt = 1; ; attempt += 1) {
        await page.getByRole('button', { name: 'Toggle text view' }).first().click();
        const shown = await page
          .getByText('Instruire le dossier')
          .first()
          .waitFor({ timeout: 3_000 })
          .then(() => true)
          .catch(() => false);
        if (shown) break;
        if (attempt === 10) throw new Error('the review request’s text never showed in the mailbox page');
      }
      // What changes from run to run: the application's id, the applicants' addresses, the reviewer drawn.
      const volatile = [new URL(trackingUrl).pathname.split('/').pop()!, body.leadAuthority.contact.email, body.partnerAuthority.contact.email, reviewer];
      await screenshots.shot(page, 'mailbox', 'fr', volatile);

      // The decision page of the emailed link.
      const response = await page.goto(taskLinkIn(request));
      expect(response?.status()).toBe(200);
      await page.getByText(body.project.title).first().waitFor();
      await screenshots.shot(page, 'decision-page', 'fr', volatile);
      expect((await track(trackingUrl)).status).toBe('IN_REVIEW'); // opening the page decided nothing

      await page.getByLabel('Favorable', { exact: true }).check();
      await page.getByLabel('Pertinence').fill('5');
      await page.getByLabel('Faisabilité').fill('4');
      await page.getByLabel('Qualité du partenariat').fill('4');
      await page.getByLabel('Impact', { exact: true }).fill('5');
      await page.getByLabel(/^Commentaire/).fill('Projet bien construit, partenariat ancien et actif.');
      await page.getByRole('button', { name: 'Enregistrer ma décision' }).click();

      await page.getByRole('heading', { name: 'Décision enregistrée' }).waitFor();
      expect(await page.locator('body').textContent()).toContain('avis favorable');

      await waitForStatus(trackingUrl, 'IN_COMMITTEE');
    } finally {
      await context.close();
    }
  });

  it('both of its screenshots in docs/screenshots were checked against their pages', () => screenshots.finish());
});
