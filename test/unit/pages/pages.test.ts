import { describe, expect, it } from 'vitest';
import { textsFor, type Language } from '../../../shared/i18n/index.ts';
import type { PageFrame } from '../../../shared/pages/layout.ts';
import { problemPage } from '../../../shared/pages/problem-page.ts';
import { confirmationPage, decisionPage } from '../../../shared/pages/task-pages.ts';
import { trackingPage } from '../../../shared/pages/tracking-page.ts';
import { TASK_GONE_MESSAGES } from '../../../shared/use-cases/show-task.ts';
import type { TaskPageModel } from '../../../shared/use-cases/show-task.ts';
import type { TrackingPageModel } from '../../../shared/use-cases/track-application.ts';
import { aBudget } from '../../fixtures/budget.ts';
import { anApplication } from '../../fixtures/domain.ts';

const frame = (lang: Language): PageFrame => ({ t: textsFor(lang), contact: 'secretariat@coopfund.example.org' });
const input = anApplication();

const tracking = (overrides: Partial<TrackingPageModel> = {}): TrackingPageModel => ({
  id: 'app-1',
  callId: input.callId,
  status: 'SUBMITTED',
  project: input.project,
  budget: input.budget,
  history: [{ at: '2027-01-10T09:00:00.000Z', status: 'SUBMITTED', actor: 'applicant' }],
  callTitle: { fr: 'Appel à projets 2027 — tranche 1' },
  themeLabel: { fr: 'Eau et stress hydrique' },
  waiting: [],
  documents: [],
  ...overrides,
});

describe('the tracking page', () => {
  it('for changes requested: the reviewer’s words, that the link was emailed, and the deadline', () => {
    const page = trackingPage(
      tracking({
        status: 'CHANGES_REQUESTED',
        reviewComment: 'Précisez le budget <b>2028</b>.',
        waiting: [{ stage: 'resubmission', until: '2027-02-15T10:00:00.000Z' }],
      }),
      frame('fr'),
    );
    expect(page).toContain('<span class="status status-CHANGES_REQUESTED">Modifications demandées</span>');
    expect(page).toContain('<blockquote dir="auto">Précisez le budget &lt;b&gt;2028&lt;/b&gt;.</blockquote>');
    expect(page).toContain('Le lien pour déposer la nouvelle version a été envoyé par courriel aux deux contacts.');
    expect(page).toContain('Déposez la nouvelle version avant le 15 février 2027');
  });

  it('says what happens next for every status, in each language', () => {
    for (const lang of ['fr', 'ar', 'en'] as const) {
      for (const status of ['SUBMITTED', 'IN_REVIEW', 'IN_COMMITTEE', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'ERROR'] as const) {
        const page = trackingPage(tracking({ status }), frame(lang));
        expect(page, `${lang} ${status}`).toContain(textsFor(lang).tracking.next[status]);
      }
    }
  });

  it('explains ineligibility in the visitor’s words, with the workflow’s French reason marked as French', () => {
    const page = trackingPage(
      tracking({
        status: 'INELIGIBLE',
        ineligibility: [{ rule: 'duration', reason: 'La durée du projet (48 mois) doit être comprise entre 12 et 36 mois.' }],
      }),
      frame('en'),
    );
    expect(page).toContain('The project’s duration must be within the call’s limits.');
    expect(page).toContain('<span lang="fr" dir="ltr">La durée du projet (48 mois) doit être comprise entre 12 et 36 mois.</span>');
  });

  it('welcomes a new application and tells to keep the address', () => {
    const page = trackingPage(tracking(), frame('ar'), { justSubmitted: true });
    expect(page).toMatch(/^<!doctype html>\n<html lang="ar" dir="rtl">/);
    expect(page).toContain('<div class="success" role="status"><p>تم إيداع ترشيحكم بنجاح.');
    expect(page).toContain('احتفظوا بعنوان هذه الصفحة');
  });
});

describe('problem pages of decision links', () => {
  const problem = (status: number, code: string, message: string) => ({ status, code, message });

  it('tell an expired, a replayed and a closed link apart, and whom to write to', () => {
    const t = textsFor('en');
    const expired = problemPage(problem(410, 'TASK_GONE', TASK_GONE_MESSAGES.expired), frame('en'));
    expect(expired).toContain(t.problem.what.expired);
    expect(expired).toContain(t.problem.advice[410]);
    expect(expired).toContain('<a href="mailto:secretariat@coopfund.example.org" dir="ltr">secretariat@coopfund.example.org</a>');
    expect(problemPage(problem(410, 'TASK_GONE', TASK_GONE_MESSAGES.decided), frame('en'))).toContain(t.problem.what.decided);
    expect(problemPage(problem(410, 'TASK_GONE', TASK_GONE_MESSAGES.closed), frame('en'))).toContain(t.problem.what.closed);
    expect(problemPage(problem(409, 'ALREADY_DECIDED', 'déjà'), frame('en'))).toContain(t.problem.what.ALREADY_DECIDED);
  });

  it('explain a tampered link in Arabic', () => {
    const page = problemPage(problem(403, 'BAD_SIGNATURE', 'Ce lien de décision n’est pas valide.'), frame('ar'));
    expect(page).toContain('<h1>هذا الرابط غير صالح</h1>');
    expect(page).toContain(textsFor('ar').problem.what.BAD_SIGNATURE);
  });
});

describe('the confirmation', () => {
  it('says what was recorded and what happens next', () => {
    const page = confirmationPage({ stage: 'committee-FR', applicationId: 'app-1', decision: 'approve', granted: { side: 'FR', amount: 45_000 } }, frame('fr'));
    expect(page).toMatch(/Décision enregistrée : <strong>accord<\/strong> de <strong>45\s000\s€<\/strong>/);
    expect(page).toContain('lorsque les deux coprésidents l’ont approuvée');
  });
});

describe('every page', () => {
  it('has no style attribute and no inline script (the CSP allows neither)', () => {
    const pages = (['fr', 'ar', 'en'] as const).flatMap((lang) => [
      trackingPage(tracking({ status: 'APPROVED', decision: { outcome: 'APPROVED', grantedAmount: 1, at: '2027-05-01T00:00:00Z' } }), frame(lang)),
      problemPage(problem404(), frame(lang)),
      confirmationPage({ stage: 'review', applicationId: 'a', decision: 'changes' }, frame(lang)),
    ]);
    for (const page of pages) {
      expect(page).not.toMatch(/\sstyle="/);
      expect(page).not.toMatch(/<script(?![^>]*\ssrc=)/);
      expect(page).toMatch(/<html lang="(fr|ar|en)" dir="(ltr|rtl)">/);
    }
  });
});

function problem404() {
  return { status: 404, code: 'NOT_FOUND', message: 'Aucune candidature ne correspond à ce lien de suivi.' };
}

describe('a budget rule on the tracking page', () => {
  const failure = {
    rule: 'grant-bounds-ma',
    reason: 'La subvention demandée au côté marocain, 54 000 MAD (5 000 €), doit être comprise entre 108 000 MAD (10 000 €) et 1 620 000 MAD (150 000 €).',
    values: { requested: 54_000, min: 108_000, max: 1_620_000 },
  };
  const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

  it('is said again in the visitor’s language, with its figures in both currencies', () => {
    const page = plain(trackingPage(tracking({ status: 'INELIGIBLE', ineligibility: [failure], madPerEur: 10.8 }), frame('en')));
    expect(page).toContain(
      'The grant requested from the Moroccan side, MAD 54,000 (€5,000), must be between MAD 108,000 (€10,000) and MAD 1,620,000 (€150,000).',
    );
    expect(page).not.toContain('La subvention');
    const arabic = trackingPage(tracking({ status: 'INELIGIBLE', ineligibility: [failure], madPerEur: 10.8 }), frame('ar'));
    expect(arabic).toContain('يجب أن تكون المنحة المطلوبة من الجانب المغربي');
  });
});

describe('the Moroccan co-chair’s page on a call with two envelopes', () => {
  const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');
  const budget = { totalCost: 120_000, requestedAmount: 60_000, ...aBudget() } as TrackingPageModel['budget'];
  const model: TaskPageModel = {
    taskId: 'task-ma',
    sig: 'sig',
    stage: 'committee-MA',
    expiresAt: '2027-05-01T00:00:00.000Z',
    documents: [],
    downloadExpirySeconds: 300,
    application: {
      id: 'app-1',
      callId: input.callId,
      status: 'IN_COMMITTEE',
      project: input.project,
      leadAuthority: { name: 'Ville de Lyon', kind: 'commune', country: 'FR' },
      partnerAuthority: { name: 'Commune de Fès', kind: 'commune', country: 'MA' },
      budget,
      cofinancingShare: 0.5,
    },
    madPerEur: 10.8,
    committee: {
      otherCoChair: { side: 'FR', status: 'waiting' },
      side: 'MA',
      requested: 324_000,
      envelope: { total: 5_400_000, committed: 5_200_000, available: 200_000 },
    },
  };

  it('asks for the Moroccan grant in dirhams, and shows its envelope and the request in both currencies', () => {
    const page = plain(decisionPage(model, frame('fr')));
    expect(page).toContain('name="grantedMA" value="324000" min="0" max="324000"');
    expect(page).toContain('Montant accordé par le côté marocain, en dirhams');
    expect(page).toContain('En cas d’accord : de 0 au montant demandé au côté marocain (324 000 MAD (30 000 €)).');
    expect(page).toContain('<dt>Demandé au côté français</dt><dd>30 000 € (324 000 MAD)</dd>');
    expect(page).toContain('<dt>Coût total</dt><dd>120 000 € (1 296 000 MAD)</dd>');
    expect(page).toContain('L’enveloppe marocaine de l’appel');
    expect(page).toContain('<strong>200 000 MAD (18 519 €)</strong>');
    // What is left cannot fund the request: said.
    expect(page).toContain(textsFor('fr').task.envelopeShort);
    expect(plain(decisionPage(model, frame('en')))).toContain('Amount awarded by the Moroccan side, in dirhams');
  });

  it('the tracking page says an award from both sides in both currencies', () => {
    const page = plain(
      trackingPage(
        tracking({
          status: 'APPROVED',
          budget,
          madPerEur: 10.8,
          decision: { outcome: 'APPROVED', grantedAmount: 30_000, grantedMA: 324_000, at: '2027-05-01T00:00:00Z' },
        }),
        frame('en'),
      ),
    );
    expect(page).toContain('€30,000 (MAD 324,000) from the French side and MAD 324,000 (€30,000) from the Moroccan side');
    expect(page).toContain('<dt>Requested from the Moroccan side</dt><dd>MAD 324,000 (€30,000)</dd>');
  });
});
