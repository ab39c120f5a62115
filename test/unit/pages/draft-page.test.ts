import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../shared/domain/application.ts';
import { formatEuros, textsFor, type Language } from '../../../shared/i18n/index.ts';
import { formatMad } from '../../../shared/i18n/money.ts';
import { type DraftPageOptions, draftLabel, draftPage, EMPTY_LINES, EMPTY_OTHERS, formBase, mergeStale, readBase } from '../../../shared/pages/draft-page.ts';
import { flatten } from '../../../shared/pages/fields.ts';
import type { PageFrame } from '../../../shared/pages/layout.ts';
import type { DraftPageModel } from '../../../shared/use-cases/drafts.ts';
import { aBudget } from '../../fixtures/budget.ts';
import { aDossier, LEAD_CONTACT, PARTNER_CONTACT } from '../../fixtures/dossier.ts';
import { aCall } from '../../fixtures/domain.ts';

const frame = (lang: Language): PageFrame => ({ t: textsFor(lang), contact: 'secretariat@coopfund.example.org' });
const call: CallRecord = {
  ...aCall({ title: { fr: 'Appel 2027', ar: 'طلب 2027', en: 'Call 2027' }, madPerEur: 10.8 }),
  committed: 0,
  awarded: [],
  committedMA: 0,
  awardedMA: [],
};
const ID = 'AbCdEfGhIjKlMnOpQrStUv';

function model(overrides: Partial<DraftPageModel['view']> = {}): DraftPageModel {
  return {
    view: {
      id: ID,
      version: 7,
      status: 'DRAFT',
      callId: call.id,
      role: 'lead',
      dossier: aDossier(),
      documents: [],
      history: [
        { at: '2027-01-10T09:00:00.000Z', role: 'lead', email: LEAD_CONTACT.email, action: 'created' },
        { at: '2027-01-12T14:05:00.000Z', role: 'partner', email: PARTNER_CONTACT.email, action: 'saved', sections: ['budget'] },
      ],
      ...overrides,
    },
    call,
    madPerEur: 10.8,
    language: 'fr',
  };
}
const options = (more: Partial<DraftPageOptions> = {}): DraftPageOptions => ({ sig: 's.i&g', baseUrl: 'https://api.example.org/prod', ...more });
const fieldValue = (page: string, name: string) => new RegExp(`name="${name.replace(/\./g, '\\.')}" value="([^"]*)"`).exec(page)?.[1];

describe('the draft page', () => {
  it('holds every stored field, a hidden version, empty rows to add lines, and posts to its own path with the link', () => {
    const page = draftPage(model(), frame('fr'), options());
    expect(page).toContain('<input type="hidden" name="version" value="7">');
    expect(page).toContain(`action="https://api.example.org/prod/drafts/${ID}?sig=s.i%26g&amp;lang=fr"`);
    expect(fieldValue(page, 'project.title')).toBe('Gestion partagée de l’eau');
    expect(fieldValue(page, 'budget.lines.1.label')).toBe('Missions Rabat – Lyon');
    expect(fieldValue(page, 'budget.lines.3.amount')).toBe('30000');
    expect(fieldValue(page, 'budget.funding.fundMA')).toBe('324000');
    expect(page).toMatch(/<option value="travel" selected>Déplacements<\/option>/);
    // The stored four lines and three empty ones; two empty co-funders (none stored).
    expect(fieldValue(page, `budget.lines.${4 + EMPTY_LINES - 1}.amount`)).toBe('');
    expect(page).not.toContain(`budget.lines.${4 + EMPTY_LINES}.amount`);
    expect(page).toContain(`budget.funding.others.${EMPTY_OTHERS - 1}.name`);
    // A draft may be incomplete: no field is required by the browser.
    expect(page.slice(page.indexOf('id="draft-form"'), page.indexOf('</form>'))).not.toContain('required');
    // The call in the page's language, the status and the role in words, the history.
    expect(page).toContain('<dd>Appel 2027</dd>');
    expect(page).toContain('En préparation');
    expect(page).toContain('la collectivité française (porteur du projet)');
    expect(page).toContain('a enregistré le dossier');
    expect(page).toContain('Parties enregistrées : le budget.');
    // The lead's actions, not the partner's.
    expect(page).toContain(`/drafts/${ID}/invite?sig=`);
    expect(page).toContain(`/drafts/${ID}/submit?sig=`);
    expect(page).not.toContain(`/drafts/${ID}/confirm?sig=`);
  });

  it('escapes what people typed, and marks their text dir="auto"', () => {
    const dossier = aDossier({ project: { ...aDossier().project, title: '"><script>alert(1)</script>', summary: '</textarea><b>x</b>' } });
    const page = draftPage(model({ dossier, returnComment: '<img src=x onerror=alert(1)>' }), frame('fr'), options());
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<b>x</b>');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).toMatch(/name="project\.title" value="[^"]*" maxlength="200" dir="auto"/);
    expect(page).toContain('<blockquote dir="auto">&lt;img src=x onerror=alert(1)&gt;</blockquote>');
  });

  it('shows the totals and the balance in both currencies, formatted for each language, right to left in Arabic', () => {
    for (const lang of ['fr', 'ar', 'en'] as const) {
      const t = textsFor(lang);
      const page = draftPage(model(), frame(lang), options());
      expect(page).toContain(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`);
      expect(page).toContain(`${formatEuros(t, 120_000)} (${formatMad(t, 1_296_000)})`);
      expect(page).toContain(`${formatMad(t, 324_000)} (${formatEuros(t, 30_000)})`);
      expect(page).toContain(t.draft.balanced);
      expect(page).toContain(t.draft.complete);
    }
    const short = model({ dossier: aDossier({ budget: aBudget({ fundFR: 20_000 }) }) });
    const t = textsFor('ar');
    expect(draftPage(short, frame('ar'), options())).toContain(`${formatEuros(t, 10_000)} (${formatMad(t, 108_000)})`);
    expect(draftPage(short, frame('ar'), options())).toContain('طلب 2027');
  });

  it('lists what is still missing, each a link to its field', () => {
    const page = draftPage(model({ dossier: { leadAuthority: aDossier().leadAuthority } }), frame('en'), options());
    const missing = page.slice(page.indexOf('id="missing"'), page.indexOf('</ul>', page.indexOf('id="missing"')));
    expect(missing).toContain('<a href="#project.title">The project</a>');
    expect(missing).toContain('<a href="#partnerAuthority.name">Moroccan authority (partner)</a>');
    expect(missing).toContain('<a href="#budget.lines.0.year">The budget</a>');
  });

  it('a stale save: what the other person changed beside what this person typed; the form keeps only what this person changed', () => {
    const shown = aDossier();
    const base = readBase(formBase(flatten(shown)));
    // Since the page was shown, the other person changed the title and the French side of the fund.
    const stored = aDossier({ project: { ...shown.project, title: 'Leur titre' }, budget: aBudget({ fundFR: 31_000 }) });
    // This person changed the title too, and the summary; the rest is as their page showed it.
    const typed = aDossier({ project: { ...shown.project, title: 'Notre titre', summary: 'Notre résumé' } });
    const { values, conflict } = mergeStale(stored, typed, base);
    expect(conflict).toEqual([
      { path: 'project.title', theirs: 'Leur titre', yours: 'Notre titre', kept: 'yours' },
      { path: 'budget.funding.fundFR', theirs: '31000', yours: '30000', kept: 'theirs' },
    ]);
    expect(values).toMatchObject({ 'project.title': 'Notre titre', 'project.summary': 'Notre résumé', 'budget.funding.fundFR': '31000' });
    // Lines the other person added, which this person's page never showed, are kept.
    const lines = mergeStale(
      { budget: { lines: [{ label: 'a' }, { label: 'b' }] } },
      { budget: { lines: [{ label: 'a' }] } },
      readBase(formBase({ 'budget.lines.0.label': 'a' })),
    );
    expect(lines.values).toEqual({ 'budget.lines.0.label': 'a', 'budget.lines.1.label': 'b' });
    // A digest that is no JSON object counts as an empty page shown.
    expect(readBase('["x"]').size).toBe(0);
    expect(readBase('{').size).toBe(0);

    const page = draftPage(model({ dossier: stored }), frame('fr'), options({ values, conflict }));
    expect(page).toContain('Le dossier a été enregistré entre-temps par une autre personne');
    expect(page).toContain('La collectivité partenaire (<span dir="ltr">y.alaoui@chefchaouen.example.ma</span>) a enregistré le dossier le');
    expect(page).toMatch(
      /<tr data-field="project\.title"><th scope="row"><a href="#project\.title">Titre du projet<\/a><\/th><td dir="auto">Leur titre<\/td><td dir="auto">Notre titre<\/td><td>votre saisie<\/td><\/tr>/,
    );
    expect(fieldValue(page, 'project.title')).toBe('Notre titre');
    expect(fieldValue(page, 'budget.funding.fundFR')).toBe('31000');
    expect(page).toContain('<title>Erreur : Le dossier commun');
    expect(draftLabel(textsFor('fr'), 'budget.lines.1.label')).toBe('Ligne 2 — Libellé');
  });

  it('for the partner awaiting confirmation: read-only fields, confirm and send back, no save', () => {
    const page = draftPage(model({ role: 'partner', status: 'AWAITING_PARTNER' }), frame('fr'), options());
    expect(page).toContain('la collectivité marocaine (partenaire)');
    expect(page).toContain(`/drafts/${ID}/confirm?sig=`);
    expect(page).toContain(`/drafts/${ID}/return?sig=`);
    expect(page).not.toContain('id="save"');
    expect(page).toMatch(/name="project\.title" value="[^"]*" maxlength="200" dir="auto" disabled/);
    // What is there, without the empty rows a page to edit offers.
    const stored = (model().view.dossier.budget?.lines ?? []).length;
    expect(page).toContain(`name="budget.lines.${stored - 1}.amount"`);
    expect(page).not.toContain(`name="budget.lines.${stored}.amount"`);
    expect(draftPage(model(), frame('fr'), options())).toContain(`name="budget.lines.${stored + EMPTY_LINES - 1}.amount"`);
  });

  it('says when it was saved, in the page’s language', () => {
    const page = draftPage(model(), frame('en'), options({ notice: 'saved' }));
    expect(page).toContain('Saved on 12 January 2027 at 15:05 (Paris time).');
  });
});
