import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../shared/emails/layout.ts';
import { fr } from '../../../shared/emails/catalogue.ts';
import {
  changesRequestedEmail,
  decisionEmail,
  decisionRequestEmail,
  escalationEmail,
  ineligibleEmail,
  receivedEmail,
  withdrawnEmail,
  workflowFailureEmail,
} from '../../../shared/emails/templates.ts';
import type { RenderedEmail } from '../../../shared/emails/layout.ts';
import { anApplication } from '../use-cases/fakes.ts';

const hostile = '<script>alert(1)</script>"\'&\u0007';
const app = anApplication({
  project: { ...anApplication().project, title: `Projet ${hostile}` },
  leadAuthority: { ...anApplication().leadAuthority, name: `Ville ${hostile}` },
  partnerAuthority: { ...anApplication().partnerAuthority, name: `Commune ${hostile}` },
});
const TRACK = 'https://fonds.example.org/applications/app-0001?token=abc';
const LINK = 'https://fonds.example.org/tasks/t1?sig=1.0.mac';
const EXPIRES = '2027-04-16T08:00:00.000Z';

const every: Array<[string, RenderedEmail]> = [
  ['received', receivedEmail(app, TRACK)],
  ['resubmitted', receivedEmail(app, TRACK, 2)],
  ['ineligible', ineligibleEmail(app, [`Raison ${hostile}`], TRACK)],
  ['withdrawn', withdrawnEmail(app, TRACK)],
  ['approved', decisionEmail(app, { outcome: 'APPROVED', grantedAmount: 40_000 }, TRACK)],
  ['rejected', decisionEmail(app, { outcome: 'REJECTED', reason: `Motif ${hostile}` }, TRACK)],
  ['changes', changesRequestedEmail(app, `Commentaire ${hostile}`, LINK, EXPIRES, TRACK)],
  ['review request', decisionRequestEmail(app, 'review', LINK, EXPIRES, 0)],
  ['committee reminder', decisionRequestEmail(app, 'committee-MA', LINK, EXPIRES, 2)],
  ['escalation', escalationEmail(app, 'review', 3)],
  ['failure', workflowFailureEmail('app-0001', '2027-T1', `Err${hostile}`)],
];

describe.each(every)('the %s email', (_, email) => {
  it('escapes every user-supplied value in HTML', () => {
    expect(email.html).not.toMatch(/<script/i);
    expect(email.html).not.toContain('\u0007');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
  });

  it('keeps user values readable in the text part, without control characters', () => {
    expect(email.text).toContain('<script>alert(1)</script>"\'&');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the assertion is that none is left.
    expect(email.text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
  });

  it('is a simple self-contained page: inline styles, no remote image, no script, absolute links', () => {
    expect(email.html).not.toMatch(/<(style|link|img|iframe|form|object)\b/i);
    expect(email.html).not.toMatch(/\bsrc=/i);
    for (const [, href] of email.html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^https:\/\/fonds\.example\.org\//);
    expect(email.html.startsWith('<!DOCTYPE html>\n<html lang="fr" dir="ltr">')).toBe(true);
  });

  it('has a one-line subject in French', () => {
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject.length).toBeGreaterThan(10);
  });
});

describe('applicant emails', () => {
  it('all carry the tracking link, in both parts', () => {
    for (const [name, email] of every.slice(0, 7)) {
      expect(email.html, name).toContain(`href="${TRACK.replace('&', '&amp;')}"`);
      expect(email.text, name).toContain(TRACK);
    }
  });

  it('name the project in the subject and say what happened', () => {
    expect(every.slice(0, 7).map(([, e]) => e.subject.replace(` — Projet ${hostile.replace('\u0007', '')}`, ''))).toEqual([
      'Dossier reçu',
      'Nouvelle version reçue',
      'Dossier non recevable',
      'Dossier clos sans suite',
      'Subvention accordée',
      'Dossier non retenu',
      'Modifications demandées',
    ]);
  });

  it('give the amount granted in euros, French style', () => {
    const email = decisionEmail(anApplication(), { outcome: 'APPROVED', grantedAmount: 1_234_567 }, TRACK);
    expect(email.text).toContain('1\u202f234\u202f567\u00a0€');
  });
});

describe('decision requests', () => {
  it('state how long the personal link is valid, in Paris time', () => {
    const email = decisionRequestEmail(anApplication(), 'review', LINK, EXPIRES, 0);
    expect(email.text).toContain('valable jusqu’au 16 avril 2027 à 10:00 (heure de Paris)');
    expect(email.html).toContain(`href="${LINK}"`);
  });
});

describe('renderEmail', () => {
  it('refuses a link that is not http(s)', () => {
    expect(() => renderEmail({ subject: 's', blocks: [{ kind: 'button', label: 'x', url: 'javascript:alert(1)', fallback: 'f' }] }, fr)).toThrow();
  });

  it('lays out right to left when the catalogue says so', () => {
    const html = renderEmail({ subject: 's', blocks: [{ kind: 'quote', text: 'q' }] }, { ...fr, lang: 'ar', dir: 'rtl' }).html;
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain('border-right:4px');
  });
});

describe('in the applicants’ language, with the French text for the administration', () => {
  const arabic = anApplication({ language: 'ar' });
  const english = anApplication({ language: 'en' });

  it('writes an Arabic application’s emails right to left, then the French version, in both parts', () => {
    const email = receivedEmail(arabic, TRACK);
    expect(email.subject).toBe(`تم استلام الملف / Dossier reçu — ${arabic.project.title}`);
    expect(email.html.startsWith('<!DOCTYPE html>\n<html lang="ar" dir="rtl">')).toBe(true);
    expect(email.html).toContain('السلام عليكم،');
    expect(email.html).toContain('<div lang="fr" dir="ltr"');
    expect(email.html).toContain('Version française');
    expect(email.html.indexOf('تم استلام الملف')).toBeLessThan(email.html.indexOf('a bien été reçu'));
    expect(email.text).toMatch(/تم استلام الملف «[^»]+» المودَع[\s\S]*==== Version française ====[\s\S]*a bien été reçu/);
    // Each section opens the tracking page in its own language.
    expect(email.text).toContain(`${TRACK}&lang=ar`);
    expect(email.text).toContain(`${TRACK}&lang=fr`);
  });

  it('writes an English application’s decision in English, amounts English style, then in French', () => {
    const email = decisionEmail(english, { outcome: 'APPROVED', grantedAmount: 40_000 }, TRACK);
    expect(email.subject).toBe(`Grant awarded / Subvention accordée — ${english.project.title}`);
    expect(email.text).toContain('It is awarded a grant of €40,000.');
    expect(email.text).toMatch(/Une subvention de 40\s000\s€ lui est accordée/);
    expect(email.html.startsWith('<!DOCTYPE html>\n<html lang="en" dir="ltr">')).toBe(true);
  });

  it('sends reviewers and co-chairs French first, then the applicants’ language; admins French only', () => {
    const request = decisionRequestEmail(arabic, 'review', LINK, EXPIRES, 0);
    expect(request.subject).toBe(`Avis d’instruction attendu / رأي المقيِّم منتظر — ${arabic.project.title}`);
    expect(request.html.startsWith('<!DOCTYPE html>\n<html lang="fr" dir="ltr">')).toBe(true);
    expect(request.html).toContain('<div lang="ar" dir="rtl"');
    expect(request.text).toContain(`${LINK}&lang=fr`);
    expect(request.text).toContain(`${LINK}&lang=ar`);
    const escalation = escalationEmail(arabic, 'review', 3);
    expect(escalation.html).not.toContain('dir="rtl"');
    expect(escalation.subject).toBe(`Décision en attente après 3 relances — ${arabic.project.title}`);
  });

  it('escapes user values in every section', () => {
    const email = changesRequestedEmail({ ...app, language: 'en' }, `Comment ${hostile}`, LINK, EXPIRES, TRACK);
    expect(email.html).not.toMatch(/<script/i);
    expect(email.html.split('&lt;script&gt;alert(1)&lt;/script&gt;').length).toBeGreaterThan(4);
  });

  it('name the call and the theme in each section’s language, French where the call has no translation', () => {
    const named = {
      ...arabic,
      callTitle: { fr: 'Appel à projets 2027 — tranche 1', ar: 'طلب مشاريع 2027 — الشطر الأول' },
      themeLabel: { fr: 'Eau et assainissement', ar: 'الماء والتطهير' },
    };
    const email = receivedEmail(named, TRACK);
    const [arabicPart = '', frenchPart = ''] = email.text.split('==== Version française ====');
    expect(arabicPart).toContain('طلب مشاريع 2027 — الشطر الأول (2027-T1)');
    expect(arabicPart).toContain('الماء والتطهير');
    expect(frenchPart).toContain('Appel à projets 2027 — tranche 1 (2027-T1)');
    expect(frenchPart).toContain('Eau et assainissement');
    // English is not in the call: its English section falls back to the French title.
    const request = decisionRequestEmail({ ...named, language: 'en' }, 'review', LINK, EXPIRES, 0);
    expect(request.text.split('Appel à projets 2027 — tranche 1 (2027-T1)').length).toBe(3);
  });
});
