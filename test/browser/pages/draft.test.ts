import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DraftRecord } from '../../../shared/domain/draft.ts';
import { newId } from '../../../shared/domain/ids.ts';
import { formatEuros, textsFor } from '../../../shared/i18n/index.ts';
import { formatMad } from '../../../shared/i18n/money.ts';
import { contactTag, draftLink } from '../../../shared/links/links.ts';
import { aDossier } from '../../fixtures/dossier.ts';
import { aCommune } from '../../fixtures/domain.ts';
import { screenshotsOf } from '../screenshots.ts';
import { browserSession, expectAccessible, fakePorts, hasChromium, openCall, startDate } from './support.ts';

/**
 * The draft's page as two people use it at once, without JavaScript, in headless Chromium (the
 * production handlers in process, in-memory ports, as in walk.test.ts): the lead fills the dossier
 * and saves; the partner, who opened the page before that save, saves too and is shown, field by
 * field, what the lead changed, what they typed still in the fields and the lead's work taken in;
 * saving again puts it on top, undoing nothing of the lead's.
 * The pages (and the partner's, once the lead asked to file) are audited with axe-core and checked
 * against docs/screenshots/draft*-<lang>.png.
 */

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
vi.mock('../../../shared/adapters/wiring.ts', async () => {
  const { fakePorts: ports } = await import('./support.ts');
  return { wirePorts: () => ports, resetWiring: () => undefined };
});

const screenshots = screenshotsOf(import.meta.filename);
const LEAD = { name: 'Claire Martin', email: 'claire.martin@example.org' };
const PARTNER = { name: 'Youssef Alaoui', email: 'youssef.alaoui@example.org' };
const POLL = { timeout: 15_000, interval: 100 };
const call = { ...openCall(), madPerEur: 10.8, requirePartnerConfirmation: true };

/** A draft of the open call with both contacts, as the lead created it and invited the partner. */
async function newDraft(apiUrl: string): Promise<{ id: string; lead: string; partner: string }> {
  const at = new Date().toISOString();
  const id = newId();
  const draft: DraftRecord = {
    id,
    callId: call.id,
    status: 'DRAFT',
    version: 1,
    language: 'fr',
    dossier: { leadAuthority: { name: 'Ville de Rennes', country: 'FR', kind: 'commune', contact: LEAD } },
    lead: LEAD,
    partner: PARTNER,
    createdAt: at,
    updatedAt: at,
    closesAt: new Date(call.closesAt).toISOString(),
    linkTags: { lead: await contactTag(fakePorts.signer, id, 'lead', LEAD.email), partner: await contactTag(fakePorts.signer, id, 'partner', PARTNER.email) },
  };
  await fakePorts.repository.createDraft(draft, { at, role: 'lead', email: LEAD.email, action: 'created' });
  const expires = new Date(Date.parse(call.closesAt) + 30 * 24 * 3600 * 1000);
  return {
    id: draft.id,
    lead: await draftLink(fakePorts.signer, apiUrl, draft.id, 'lead', LEAD.email, expires),
    partner: await draftLink(fakePorts.signer, apiUrl, draft.id, 'partner', PARTNER.email, expires),
  };
}

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`);

/** What the lead types: the project, the partner, two cost lines and the sources (balanced: 60 000 €). */
const LEAD_FIELDS: Record<string, string> = {
  'project.title': 'Observatoire franco-marocain de l’eau',
  'project.summary': 'Mesurer les pertes du réseau, former les agents des deux communes.',
  'project.startDate': startDate(),
  'project.durationMonths': '24',
  'partnerAuthority.name': 'Commune de Chefchaouen',
  'partnerAuthority.contact.name': PARTNER.name,
  'partnerAuthority.contact.email': PARTNER.email,
  'budget.lines.0.year': '1',
  'budget.lines.0.label': 'Chef de projet',
  'budget.lines.0.amount': '40 000',
  'budget.lines.1.year': '2',
  'budget.lines.1.label': 'Missions Rabat – Rennes',
  'budget.lines.1.amount': '20000',
  'budget.funding.lead.cash': '15000',
  'budget.funding.partner.cash': '15000',
  'budget.funding.fundFR': '15000',
  'budget.funding.fundMA': '162000',
};
const LEAD_CHOICES: Record<string, string> = {
  'project.theme': 'eau',
  'partnerAuthority.kind': 'commune',
  'budget.lines.0.category': 'personnel',
  'budget.lines.1.category': 'travel',
};

async function fillIn(page: Page, fields: Record<string, string>, choices: Record<string, string> = {}): Promise<void> {
  for (const [name, value] of Object.entries(fields)) await field(page, name).fill(value);
  for (const [name, value] of Object.entries(choices)) await field(page, name).selectOption(value);
}

describe.skipIf(!hasChromium)('the draft page in Chromium', { timeout: 180_000 }, () => {
  const session = browserSession();
  const open = session.open;

  beforeAll(async () => {
    await session.start();
    await fakePorts.repository.putCall(call);
  }, 60_000);
  afterAll(() => session.close());

  describe.each(['fr', 'ar', 'en'] as const)('in %s', (lang) => {
    const t = textsFor(lang);
    const d = t.draft;

    it('without JavaScript: the lead fills and saves; the partner’s stale save shows what the lead changed, keeping what the partner typed', async () => {
      const { id, lead: leadLink, partner: partnerLink } = await newDraft(session.api.url);
      const lead = await open(lang, { javaScriptEnabled: false });
      const partner = await open(lang, { javaScriptEnabled: false });
      await lead.goto(`${leadLink}&lang=${lang}`);
      // The partner opens the page before the lead saves: its form says version 1.
      await partner.goto(`${partnerLink}&lang=${lang}`);
      for (const page of [lead, partner]) {
        expect(await page.locator('h1').textContent()).toBe(d.title);
        expect(await page.locator('html').getAttribute('dir')).toBe(t.meta.dir);
        expect(await field(page, 'version').inputValue()).toBe('1');
      }
      expect(await lead.locator('#draft-role').textContent()).toBe(d.roles.lead);
      expect(await partner.locator('#draft-role').textContent()).toBe(d.roles.partner);

      await fillIn(lead, LEAD_FIELDS, LEAD_CHOICES);
      await lead.getByRole('button', { name: d.save }).click();
      await lead.locator('#notice').waitFor(POLL);
      expect(await lead.locator('#notice').textContent()).toContain(d.notices.saved.split('{at}')[0]!.trim());
      expect(await field(lead, 'version').inputValue()).toBe('2');
      expect(await field(lead, 'project.title').inputValue()).toBe(LEAD_FIELDS['project.title']);
      expect(await field(lead, 'budget.lines.0.amount').inputValue()).toBe('40000');
      expect(await field(lead, 'budget.lines.1.category').inputValue()).toBe('travel');
      // Totals in both currencies, and the budget balanced (15 000 € + 15 000 € + 15 000 € + 162 000 MAD = 60 000 €).
      expect(await lead.locator('#cost-total').textContent()).toBe(`${formatEuros(t, 60_000)} (${formatMad(t, 648_000)})`);
      expect(await lead.locator('#balance').textContent()).toBe(d.balanced);
      expect(fakePorts.repository.drafts.get(id)?.dossier.budget?.lines).toEqual([
        { year: 1, category: 'personnel', label: 'Chef de projet', amount: 40_000 },
        { year: 2, category: 'travel', label: 'Missions Rabat – Rennes', amount: 20_000 },
      ]);

      // The partner, still at version 1, types its own title and saves: nothing is lost.
      const theirs = 'Réseau d’eau partagé Chefchaouen – Rennes';
      await field(partner, 'project.title').fill(theirs);
      await partner.getByRole('button', { name: d.save }).click();
      await partner.locator('#conflict').waitFor(POLL);
      expect(await partner.locator('#conflict h2').textContent()).toBe(d.conflictHeading);
      const row = partner.locator('#conflict-fields tr[data-field="project.title"] td');
      expect(await row.allTextContents()).toEqual([LEAD_FIELDS['project.title'], theirs, d.keptYours]);
      // What the lead added, which the partner's page never showed, is not undone: the form takes it.
      expect(await partner.locator('#conflict-fields tr[data-field="budget.lines.0.amount"] td').allTextContents()).toEqual(['40000', d.empty, d.keptTheirs]);
      expect(await field(partner, 'project.title').inputValue()).toBe(theirs);
      expect(await field(partner, 'budget.lines.0.amount').inputValue()).toBe('40000');
      expect(await field(partner, 'version').inputValue()).toBe('2');
      expect(fakePorts.repository.drafts.get(id)?.dossier.project?.title).toBe(LEAD_FIELDS['project.title']);

      // Saving again puts what the partner typed on top of the lead's version.
      await partner.getByRole('button', { name: d.save }).click();
      await partner.locator('#notice').waitFor(POLL);
      expect(await field(partner, 'version').inputValue()).toBe('3');
      expect(fakePorts.repository.drafts.get(id)?.dossier.project?.title).toBe(theirs);
      expect(fakePorts.repository.drafts.get(id)?.dossier.budget?.lines).toHaveLength(2);
      await expect.poll(() => partner.locator('#history li').count(), POLL).toBe(3);

      // The pages as they are, audited, and checked against their screenshots.
      const checked = await open(lang, { bypassCSP: true });
      await checked.goto(`${leadLink}&lang=${lang}`);
      await expectAccessible(checked, `draft page (${lang})`);
      await screenshots.shot(checked, `draft-${lang}`, lang, [id]);
      await lead.goto(`${leadLink}&lang=${lang}`);
      await field(lead, 'project.title').fill(LEAD_FIELDS['project.title']!);
      await lead.getByRole('button', { name: d.save }).click();
      await lead.locator('#notice').waitFor(POLL);
      await field(checked, 'budget.lines.2.label').fill('Atelier de restitution');
      await checked.getByRole('button', { name: d.save }).click();
      await checked.locator('#conflict').waitFor(POLL);
      await expectAccessible(checked, `draft page, conflict (${lang})`);
      await screenshots.shot(checked, `draft-conflict-${lang}`, lang, [id]);
    });

    it('the partner’s confirmation: the page as the partner sees it once the lead asked to file, to confirm or send back', async () => {
      const { id, lead: leadLink, partner: partnerLink } = await newDraft(session.api.url);
      // The lead completes the dossier and asks to file, through the API as the page's script does.
      const dossier = aDossier({ leadAuthority: aCommune('FR', 'Ville de Rennes', LEAD), partnerAuthority: aCommune('MA', 'Commune de Chefchaouen', PARTNER) });
      const saved = await fetch(leadLink, { method: 'PUT', headers: { 'Content-Type': 'application/json', 'If-Match': '"1"' }, body: JSON.stringify(dossier) });
      expect(saved.status).toBe(200);
      const submit = new URL(leadLink);
      submit.pathname = `${submit.pathname}/submit`;
      const requested = await fetch(submit, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: '{}' });
      expect(await requested.json()).toMatchObject({ id, status: 'AWAITING_PARTNER' });

      const partner = await open(lang, { bypassCSP: true });
      await partner.goto(`${partnerLink}&lang=${lang}`);
      expect(await partner.locator('#draft-status').textContent()).toBe(d.statuses.AWAITING_PARTNER);
      expect(await partner.locator('#draft-role').textContent()).toBe(d.roles.partner);
      expect(await partner.locator('#confirm-title').textContent()).toBe(d.confirmHeading);
      expect(await partner.getByRole('button', { name: d.confirm }).count()).toBe(1);
      expect(await partner.getByRole('button', { name: d.return }).count()).toBe(1);
      // Read only while it awaits the partner: no save button, the fields disabled.
      expect(await partner.locator('#save').count()).toBe(0);
      expect(await field(partner, 'project.title').isDisabled()).toBe(true);
      await expectAccessible(partner, `draft page, partner's confirmation (${lang})`);
      await screenshots.shot(partner, `draft-confirm-${lang}`, lang, [id]);
    });
  });

  it('with JavaScript: saves by itself after typing stops, keeps what is not yet saved over a reload, and a stale save shows what the other changed, keeping what was typed', async () => {
    const d = textsFor('fr').draft;
    const savedAt = new RegExp(`^${d.autosave.saved.replace('{at}', '\\d{2}:\\d{2}').replace('.', '\\.')}$`);
    const { id, lead: leadLink, partner: partnerLink } = await newDraft(session.api.url);
    const errors: string[] = [];
    // The page's own Content-Security-Policy applies: the script and its PUT must pass it.
    const lead = await open('fr');
    const partner = await open('fr');
    for (const page of [lead, partner]) page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await lead.goto(`${leadLink}&lang=fr`);
    await partner.goto(`${partnerLink}&lang=fr`);
    expect(await lead.locator('#autosave').getAttribute('aria-live')).toBe('polite');

    // The lead types; a moment later the dossier is saved, without pressing anything.
    await field(lead, 'project.title').fill(LEAD_FIELDS['project.title']!);
    await field(lead, 'budget.lines.0.amount').fill('40 000');
    await expect.poll(() => lead.locator('#autosave').textContent(), POLL).toMatch(savedAt);
    expect(await field(lead, 'version').inputValue()).toBe('2');
    expect(fakePorts.repository.drafts.get(id)?.dossier.project?.title).toBe(LEAD_FIELDS['project.title']);
    expect(fakePorts.repository.drafts.get(id)?.dossier.budget?.lines).toEqual([{ amount: 40_000 }]);

    // Typed, then the page reloaded before the save: what was typed is still there, and then saved.
    const summary = 'Mesurer les pertes du réseau.';
    await field(lead, 'project.summary').fill(summary);
    await lead.reload();
    expect(await field(lead, 'project.summary').inputValue()).toBe(summary);
    expect(await lead.locator('#autosave').textContent()).toBe(d.autosave.restored);
    await expect.poll(() => fakePorts.repository.drafts.get(id)?.dossier.project?.summary, POLL).toBe(summary);
    await expect.poll(() => lead.locator('#autosave').textContent(), POLL).toMatch(savedAt);
    expect(await field(lead, 'version').inputValue()).toBe('3');

    // The partner, whose page still says version 1, types its own title: its save is stale.
    const theirs = 'Réseau d’eau partagé Chefchaouen – Rennes';
    await field(partner, 'project.title').fill(theirs);
    await partner.locator('#conflict').waitFor(POLL);
    expect(await partner.locator('#conflict h2').textContent()).toBe(d.conflictHeading);
    expect(await partner.locator('#autosave').textContent()).toBe(d.autosave.conflict);
    expect(await partner.locator('#conflict-fields tr[data-field="project.title"] td').allTextContents()).toEqual([
      LEAD_FIELDS['project.title'],
      theirs,
      d.keptYours,
    ]);
    expect(await partner.locator('#conflict-fields tr[data-field="project.summary"] td').allTextContents()).toEqual([summary, d.empty, d.keptTheirs]);
    expect(await field(partner, 'project.title').inputValue()).toBe(theirs);
    expect(await field(partner, 'project.summary').inputValue()).toBe(summary);
    expect(await field(partner, 'version').inputValue()).toBe('3');
    expect(fakePorts.repository.drafts.get(id)?.dossier.project?.title).toBe(LEAD_FIELDS['project.title']);

    // Typing on goes on from the lead's version: the partner's title on top, nothing of the lead's undone.
    await field(partner, 'partnerAuthority.name').fill('Commune de Chefchaouen');
    await expect.poll(() => fakePorts.repository.drafts.get(id)?.dossier.project?.title, POLL).toBe(theirs);
    const stored = fakePorts.repository.drafts.get(id)?.dossier;
    expect(stored?.project?.summary).toBe(summary);
    expect(stored?.budget?.lines).toEqual([{ amount: 40_000 }]);
    expect(stored?.partnerAuthority?.name).toBe('Commune de Chefchaouen');
    await expect.poll(() => partner.locator('#autosave').textContent(), POLL).toMatch(savedAt);
    expect(errors.filter((e) => e.includes('Content Security Policy'))).toEqual([]);
  });

  it('every screenshot this file owns in docs/screenshots was checked against its page', () => screenshots.finish());
});
