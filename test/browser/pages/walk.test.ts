import type { Browser, BrowserContext, BrowserContextOptions, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isTrackingLink } from '../../fixtures/page-forms.ts';
import { inLanguage } from '../../../shared/domain/localized.ts';
import { fill, formatEuros, formatPercent, textsFor, type Catalogue, type Language } from '../../../shared/i18n/index.ts';
import {
  aTask,
  anApplication,
  expectAccessible,
  fakePorts,
  given,
  hasChromium,
  launchChromium,
  linkFor,
  openCall,
  startApi,
  startDate,
  CHROMIUM,
  SECRETARIAT,
  type TestApi,
} from './support.ts';
import { screenshotsOf } from '../screenshots.ts';

/**
 * Every page people meet, in French, Arabic and English, with JavaScript on and off, in headless
 * Chromium: the application form, the tracking page, the reviewer's and the co-chairs' decision
 * pages, the resubmission page, the confirmation, and the pages of expired, used and tampered
 * links. axe-core finds nothing serious or critical on any of them. The pages of
 * docs/screenshots/<page>-<lang>.png are checked against their screenshots (test/browser/screenshots.ts).
 *
 * The API is the production handlers behind node:http, with in-memory ports (no AWS, no local
 * stack: that end-to-end run is test/e2e's). Chromium comes from the system (`apt-get install -y
 * chromium`): without it these tests are skipped locally, and fail on CI.
 */

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
vi.mock('../../../shared/adapters/wiring.ts', async () => {
  const { fakePorts: ports } = await import('./support.ts');
  return { wirePorts: () => ports, resetWiring: () => undefined };
});

const LANGUAGES: readonly Language[] = ['fr', 'ar', 'en'];
const LOCALES: Record<Language, string> = { fr: 'fr-FR', ar: 'ar-MA', en: 'en-GB' };
const screenshots = screenshotsOf(import.meta.filename);
const REVIEWER = 'camille.laurent@example.org';
const CO_CHAIR_FR = 'copresidence.fr@example.org';
const CO_CHAIR_MA = 'copresidence.ma@example.org';

if (process.env.CI && !hasChromium) {
  describe('pages in Chromium', () => {
    it('needs Chromium on CI', () => {
      expect.fail(`${CHROMIUM} is missing: install it (apt-get install -y chromium) so that the browser tests run`);
    });
  });
}

/** A valid application, as typed in the form. */
function validFields(lang: Language): Record<string, string> {
  return {
    'project.title': `Observatoire franco-marocain de l’eau (${lang})`,
    'project.summary': 'Mesurer les pertes du réseau, former les agents des deux communes, publier un rapport commun chaque année.',
    'project.theme': 'eau',
    'project.startDate': startDate(),
    'project.durationMonths': '24',
    'leadAuthority.name': 'Ville de Rennes',
    'leadAuthority.kind': 'commune',
    'leadAuthority.contact.name': 'Claire Martin',
    'leadAuthority.contact.email': 'claire.martin@example.org',
    'leadAuthority.contact.phone': '+33 2 99 00 00 00',
    'partnerAuthority.name': 'Commune de Chefchaouen',
    'partnerAuthority.kind': 'commune',
    'partnerAuthority.contact.name': 'Youssef Alaoui',
    'partnerAuthority.contact.email': 'youssef.alaoui@example.org',
    'partnerAuthority.contact.phone': '',
    'budget.totalCost': '120000',
    'budget.requestedAmount': '50000',
  };
}

/** Waits for the page (a navigation, a script) generously: the machine may be busy. */
const POLL = { timeout: 15_000, interval: 100 };

const SELECTS = new Set(['callId', 'project.theme', 'leadAuthority.kind', 'partnerAuthority.kind']);

/** Types the fields like a person would (by their names: the labels are checked by axe). */
async function fillFields(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) {
    const field = page.locator(`[name="${name}"]`);
    if (SELECTS.has(name)) await field.selectOption(value);
    else await field.fill(value);
  }
}

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`);

describe.skipIf(!hasChromium)('pages in Chromium', { timeout: 180_000 }, () => {
  let api: TestApi;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  /** A browser profile; `audit` ones bypass the CSP so that axe can be injected (only those). */
  async function open(lang: Language, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ locale: LOCALES[lang], viewport: { width: 1000, height: 900 }, ...options });
    contexts.push(context);
    return context.newPage();
  }
  const audit = (lang: Language) => open(lang, { bypassCSP: true });
  const withoutJs = (lang: Language) => open(lang, { javaScriptEnabled: false });

  /** docs/screenshots/<name>-<lang>.png; `volatile`: what the page shows that changes from run to run. */
  const shot = (page: Page, name: string, lang: Language, volatile: string[] = []) => screenshots.shot(page, `${name}-${lang}`, lang, volatile);

  async function expectPage(page: Page, t: Catalogue, heading: string): Promise<void> {
    await expect.poll(() => page.locator('h1').first().textContent(), POLL).toBe(heading);
    expect(await page.locator('html').getAttribute('lang')).toBe(t.meta.lang);
    expect(await page.locator('html').getAttribute('dir')).toBe(t.meta.dir);
  }

  beforeAll(async () => {
    [api, browser] = await Promise.all([startApi(), launchChromium()]);
    await fakePorts.repository.putCall(openCall());
  }, 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await api?.close();
  });

  describe.each(LANGUAGES)('in %s', (lang) => {
    const t = textsFor(lang);

    it('the application form with JavaScript: errors beside their fields, the share as you type, a draft, then the tracking page', async () => {
      // A visitor's profile: the Content-Security-Policy is enforced, and nothing may break it.
      const page = await open(lang);
      const problems: string[] = [];
      page.on('console', (message: ConsoleMessage) => {
        if (message.type() === 'error' && !message.location().url.includes('favicon')) problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${api.url}/?lang=${lang}`);
      await page.waitForLoadState('networkidle');
      await expectPage(page, t, t.form.title);
      // The call's own title and theme labels, in the page's language (also once the script has read GET /calls).
      const call = openCall();
      expect(await page.locator('select[name="callId"] option:checked').textContent()).toBe(inLanguage(call.title, lang));
      const themes = await page.locator('select[name="project.theme"] option:not([value=""])').allTextContents();
      expect(themes).toEqual(call.themes.map((th) => inLanguage(th.label, lang)));

      // Keyboard first: the skip link, visibly focused, takes you to the content.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

      // Sent empty: nothing leaves the browser; the summary takes the focus; each field says why.
      const posts = api.log.filter((l) => l.startsWith('POST /applications')).length;
      await page.getByRole('button', { name: t.form.submit }).click();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe('error-summary');
      expect(await page.locator('#error-summary h2').textContent()).toMatch(/\d/);
      expect(await field(page, 'project.title').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('[id="project.title-error"]').textContent()).toBe(t.validation.required);
      expect(await field(page, 'project.title').getAttribute('aria-describedby')).toContain('project.title-error');
      expect(api.log.filter((l) => l.startsWith('POST /applications')).length).toBe(posts);

      // A field corrected loses its error as it is typed.
      await field(page, 'project.title').fill('Titre');
      await expect.poll(() => field(page, 'project.title').getAttribute('aria-invalid'), POLL).toBeNull();

      // The co-financing share, against the call's ceiling (GET /calls), as the amounts are typed.
      await field(page, 'budget.totalCost').fill('120000');
      await field(page, 'budget.requestedAmount').fill('70000');
      await expect.poll(() => page.locator('#share-text').textContent(), POLL).toContain(formatPercent(t, 70_000 / 120_000));
      expect(await page.locator('#share-text').textContent()).toContain(
        fill(t.form.shareOver, { ceiling: formatPercent(t, 0.5), max: formatEuros(t, 60_000) }),
      );
      await field(page, 'budget.requestedAmount').fill('160000');
      await expect
        .poll(() => page.locator('[id="budget.requestedAmount-warning"]').textContent(), POLL)
        .toBe(fill(t.form.grantOutside, { min: formatEuros(t, 10_000), max: formatEuros(t, 150_000) }));

      // A draft survives a closed tab.
      await fillFields(page, validFields(lang));
      await expect
        .poll(() => page.evaluate(() => localStorage.getItem('coopfund:application-draft:v1') ?? ''), POLL)
        .toContain('"budget.requestedAmount":"50000"');
      await page.reload();
      await page.waitForLoadState('networkidle');
      expect(await field(page, 'project.title').inputValue()).toBe(validFields(lang)['project.title']);
      expect(await page.locator('#draft-status').textContent()).toContain(t.form.draftRestored);

      await page.getByRole('button', { name: t.form.submit }).click();
      await page.waitForURL((url) => isTrackingLink(url.href));
      await expectPage(page, t, t.tracking.title);
      expect(await page.locator('.success').textContent()).toContain(t.tracking.submitted);
      expect(await page.locator('.status').textContent()).toBe(t.status.SUBMITTED);
      const id = new URL(page.url()).pathname.split('/').pop()!;
      expect(fakePorts.repository.applications.get(id)).toMatchObject({
        language: lang,
        status: 'SUBMITTED',
        budget: { totalCost: 120_000, requestedAmount: 50_000 },
      });
      expect(fakePorts.workflow.started).toContain(id);
      expect(problems, 'no script error, no CSP violation').toEqual([]);
      const tracking = page.url();

      // The same pages, audited.
      const checked = await audit(lang);
      await checked.goto(`${api.url}/?lang=${lang}`);
      await checked.waitForLoadState('networkidle');
      await expectAccessible(checked, `form (${lang})`);
      await shot(checked, 'form', lang);
      await checked.getByRole('button', { name: t.form.submit }).click();
      await checked.locator('#error-summary').waitFor();
      await expectAccessible(checked, `form with its errors (${lang})`);
      await checked.goto(tracking);
      await expectAccessible(checked, `tracking (${lang})`);
      await shot(checked, 'tracking', lang, [id]);
    });

    it('the application form without JavaScript: the server checks it, keeps what was typed, then shows the tracking page', async () => {
      const page = await withoutJs(lang);
      await page.goto(`${api.url}/?lang=${lang}`);
      await expectPage(page, t, t.form.title);
      const wrong: Record<string, string> = { ...validFields(lang), 'budget.requestedAmount': '150000', 'leadAuthority.contact.phone': 'pas de téléphone' };
      await fillFields(page, wrong);
      await page.getByRole('button', { name: t.form.submit }).click();
      await page.locator('#error-summary').waitFor();
      expect(await page.title()).toContain(fill(t.form.errorTitle, { page: t.form.title }));
      expect(await page.locator('[id="budget.requestedAmount-error"]').textContent()).toBe(t.validation.requestedOverTotal);
      expect(await page.locator('[id="leadAuthority.contact.phone-error"]').textContent()).toBe(t.validation.phone);
      expect(await field(page, 'project.title').inputValue()).toBe(wrong['project.title']);
      expect(await field(page, 'budget.requestedAmount').getAttribute('aria-invalid')).toBe('true');

      await fillFields(page, { 'budget.requestedAmount': '50000', 'leadAuthority.contact.phone': '' });
      await page.getByRole('button', { name: t.form.submit }).click();
      await page.waitForURL((url) => isTrackingLink(url.href));
      await expectPage(page, t, t.tracking.title);
      expect(await page.locator('.status').textContent()).toBe(t.status.SUBMITTED);

      // The server's answer, audited as a browser without JavaScript gets it (the script never runs).
      const checked = await audit(lang);
      await checked.route('**/assets/**', (route) => route.abort());
      await checked.goto(`${api.url}/?lang=${lang}`);
      await expectAccessible(checked, `form without JavaScript (${lang})`);
      await fillFields(checked, wrong);
      await checked.getByRole('button', { name: t.form.submit }).click();
      await checked.locator('#error-summary').waitFor();
      await expectAccessible(checked, `form refused by the server (${lang})`);
      await shot(checked, 'form-errors', lang);
    });

    it('the reviewer’s page: the summary, the scoring grid, errors beside their fields, then the confirmation; the link is then used', async () => {
      const app = anApplication({ status: 'IN_REVIEW' });
      const task = aTask(app, 'review', [REVIEWER]);
      await given(app, [task], [{ at: new Date().toISOString(), status: 'IN_REVIEW', actor: 'workflow' }]);
      const link = await linkFor(api.url, task, REVIEWER, lang);

      const page = await audit(lang);
      await page.goto(link);
      await expectPage(page, t, t.task.title.review);
      expect(await page.locator('body').textContent()).toContain(t.themes.eau);
      expect(await page.locator('body').textContent()).toContain(t.criteriaHelp.feasibility);
      await expectAccessible(page, `reviewer's page (${lang})`);
      await shot(page, 'decision-review', lang, [app.id]);

      // Changes asked without a comment: refused, the choices kept, the error beside the comment.
      await page.getByLabel(t.decisions.changes, { exact: true }).check();
      for (const [criterion, score] of [
        ['relevance', '4'],
        ['feasibility', '2'],
        ['partnership', '5'],
        ['impact', '3'],
      ] as const) {
        await page.getByLabel(t.criteria[criterion], { exact: true }).fill(score);
      }
      await page.getByRole('button', { name: t.task.submitDecision }).click();
      await page.locator('#error-summary').waitFor();
      expect(await page.locator('#comment-error').textContent()).toBe(t.validation.commentRequired);
      expect(await page.getByLabel(t.decisions.changes, { exact: true }).isChecked()).toBe(true);
      expect(await page.getByLabel(t.criteria.feasibility, { exact: true }).inputValue()).toBe('2');
      await expectAccessible(page, `reviewer's page with its errors (${lang})`);

      await page.getByLabel(t.task.comment, { exact: true }).fill('Précisez le budget de formation des agents.');
      await page.getByRole('button', { name: t.task.submitDecision }).click();
      await expectPage(page, t, t.confirmation.title);
      expect(await page.locator('main').textContent()).toContain(t.confirmation.next.changes);
      await expectAccessible(page, `confirmation (${lang})`);
      await shot(page, 'confirmation', lang, [app.id]);
      expect(fakePorts.repository.tasks.get(task.id)?.status).toBe('DONE');

      // The same link again: used.
      const again = await page.goto(link);
      expect(again?.status()).toBe(410);
      await expectPage(page, t, t.problem.title[410]);
      expect(await page.locator('main').textContent()).toContain(t.problem.what.decided);
      await expectAccessible(page, `used link (${lang})`);
      await shot(page, 'problem-replayed', lang, [app.id]);
    });

    it('the reviewer’s page without JavaScript, with the keyboard only', async () => {
      const app = anApplication({ status: 'IN_REVIEW' });
      const task = aTask(app, 'review', [REVIEWER]);
      await given(app, [task]);
      const page = await withoutJs(lang);
      await page.goto(await linkFor(api.url, task, REVIEWER, lang));
      await expectPage(page, t, t.task.title.review);
      // With the keyboard only: a radio chosen with Space, then Tab from field to field, Enter sends.
      await page.getByLabel(t.decisions.favorable, { exact: true }).focus();
      await page.keyboard.press('Space');
      for (const score of ['4', '3', '5', '4']) {
        await page.keyboard.press('Tab');
        await page.keyboard.type(score);
      }
      await page.keyboard.press('Tab');
      await page.keyboard.type('Projet solide et bien construit.');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await expectPage(page, t, t.confirmation.title);
      expect(await page.locator('main').textContent()).toContain(t.confirmation.next.favorable);
      expect(fakePorts.repository.tasks.get(task.id)?.result).toEqual({
        decision: 'favorable',
        relevance: 4,
        feasibility: 3,
        partnership: 5,
        impact: 4,
        comment: 'Projet solide et bien construit.',
      });
    });

    it('the co-chair’s page: the review, the other co-chair, the envelope; then the confirmation (with and without JavaScript)', async () => {
      const review = {
        decision: 'favorable' as const,
        relevance: 5,
        feasibility: 4,
        partnership: 4,
        impact: 5,
        comment: 'Partenariat ancien et actif.',
        at: new Date().toISOString(),
      };
      const app = anApplication({ status: 'IN_COMMITTEE', review });
      const mine = aTask(app, 'committee-FR', [CO_CHAIR_FR]);
      const other = aTask(app, 'committee-MA', [CO_CHAIR_MA], { status: 'DONE', decidedAt: new Date().toISOString(), result: { decision: 'approve' } });
      await given(app, [mine, other]);

      const page = await audit(lang);
      await page.goto(await linkFor(api.url, mine, CO_CHAIR_FR, lang));
      await expectPage(page, t, t.task.title['committee-FR']);
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text).toContain(review.comment);
      expect(text).toContain(t.task.otherCoChair.MA);
      expect(text).toContain(formatEuros(t, 300_000 - (fakePorts.repository.calls.get('DEMO-T1')?.committed ?? 0)));
      await expectAccessible(page, `co-chair's page (${lang})`);
      await shot(page, 'decision-committee', lang, [app.id]);
      await page.getByLabel(t.decisions.approve, { exact: true }).check();
      await page.getByLabel(t.task.granted.FR, { exact: true }).fill('45000');
      await page.getByRole('button', { name: t.task.submitDecision }).click();
      await expectPage(page, t, t.confirmation.title);
      expect(await page.locator('main').textContent()).toContain(formatEuros(t, 45_000));

      const second = anApplication({ status: 'IN_COMMITTEE', review });
      const theirs = aTask(second, 'committee-MA', [CO_CHAIR_MA]);
      await given(second, [theirs]);
      const plain = await withoutJs(lang);
      await plain.goto(await linkFor(api.url, theirs, CO_CHAIR_MA, lang));
      await expectPage(plain, t, t.task.title['committee-MA']);
      await plain.getByLabel(t.decisions.reject, { exact: true }).check();
      await plain.getByLabel(t.task.comment, { exact: true }).fill('Hors des priorités de l’appel.');
      await plain.getByRole('button', { name: t.task.submitDecision }).click();
      await expectPage(plain, t, t.confirmation.title);
      expect(await plain.locator('main').textContent()).toContain(t.confirmation.next.reject);
    });

    it('the resubmission page, pre-filled with the application and the reviewer’s request', async () => {
      const comment = 'Précisez la part de la commune de Chefchaouen dans le budget.';
      const app = anApplication({
        status: 'CHANGES_REQUESTED',
        review: { decision: 'changes', relevance: 4, feasibility: 2, partnership: 4, impact: 3, comment, at: new Date().toISOString() },
      });
      const task = aTask(app, 'resubmission', [app.leadAuthority.contact.email, app.partnerAuthority.contact.email]);
      await given(app, [task], [{ at: new Date().toISOString(), status: 'CHANGES_REQUESTED', actor: 'reviewer', reason: comment }]);

      const page = await audit(lang);
      await page.goto(await linkFor(api.url, task, app.partnerAuthority.contact.email, lang));
      await expectPage(page, t, t.task.title.resubmission);
      expect(await field(page, 'project.title').inputValue()).toBe(app.project.title);
      expect(await field(page, 'budget.totalCost').inputValue()).toBe('120000');
      expect(await page.locator('main').textContent()).toContain(comment);
      await expectAccessible(page, `resubmission page (${lang})`);
      await shot(page, 'decision-resubmission', lang, [app.id]);
      await field(page, 'budget.requestedAmount').fill('55000');
      await page.getByRole('button', { name: t.task.submitResubmission }).click();
      await expectPage(page, t, t.confirmation.titleResubmitted);
      expect(fakePorts.repository.applications.get(app.id)).toMatchObject({ status: 'SUBMITTED', budget: { requestedAmount: 55_000 } });

      // The applicants' tracking page while changes are requested (another application).
      const waiting = anApplication({ status: 'CHANGES_REQUESTED', review: app.review! });
      await given(
        waiting,
        [aTask(waiting, 'resubmission', [waiting.leadAuthority.contact.email])],
        [
          { at: new Date().toISOString(), status: 'IN_REVIEW', actor: 'workflow' },
          { at: new Date().toISOString(), status: 'CHANGES_REQUESTED', actor: 'reviewer', reason: comment },
        ],
      );
      const { trackingUrl } = await import('../../../shared/links/links.ts');
      for (const profile of [page, await withoutJs(lang)]) {
        await profile.goto(`${await trackingUrl(fakePorts.signer, api.url, waiting.id)}&lang=${lang}`);
        await expectPage(profile, t, t.tracking.title);
        expect(await profile.locator('main').textContent()).toContain(t.tracking.changesEmailed);
      }
      await expectAccessible(page, `tracking page, changes requested (${lang})`);
      await shot(page, 'tracking-changes', lang, [waiting.id]);
    });

    it('expired and tampered links explain what happened and whom to write to (with and without JavaScript)', async () => {
      const app = anApplication({ status: 'IN_REVIEW' });
      const expired = aTask(app, 'review', [REVIEWER], { expiresAt: new Date(Date.now() - 3600_000).toISOString() });
      const live = aTask(app, 'review', [REVIEWER]);
      await given(app, [expired, live]);
      const tampered = (await linkFor(api.url, live, REVIEWER, lang)).replace(/sig=(\d+)\./, (_, exp: string) => `sig=${Number(exp) + 86_400}.`);

      for (const [page, audited] of [
        [await audit(lang), true],
        [await withoutJs(lang), false],
      ] as const) {
        const gone = await page.goto(await linkFor(api.url, expired, REVIEWER, lang));
        expect(gone?.status()).toBe(410);
        await expectPage(page, t, t.problem.title[410]);
        expect(await page.locator('main').textContent()).toContain(t.problem.what.expired);
        expect(await page.locator(`main a[href="mailto:${SECRETARIAT}"]`).count()).toBe(1);
        if (audited) {
          await expectAccessible(page, `expired link (${lang})`);
          await shot(page, 'problem-expired', lang, [app.id]);
        }
        const forged = await page.goto(tampered);
        expect(forged?.status()).toBe(403);
        await expectPage(page, t, t.problem.title[403]);
        expect(await page.locator('main').textContent()).toContain(t.problem.what.BAD_SIGNATURE);
        if (audited) {
          await expectAccessible(page, `tampered link (${lang})`);
          await shot(page, 'problem-tampered', lang, [app.id]);
        }
      }
    });
  });

  // Last, once every page above was checked: no screenshot of this file is left unverified.
  it('every screenshot this file owns in docs/screenshots was checked against its page', () => screenshots.finish());
});
