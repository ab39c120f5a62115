import { describe, expect, it } from 'vitest';
import { TransientError } from '../../../shared/domain/errors.ts';
import { trackingUrl } from '../../../shared/links/links.ts';
import { notifyApplicants } from '../../../shared/use-cases/notify-applicants.ts';
import { anApplication, BASE_URL, LEAD, PARTNER, links, seed, setup } from './fakes.ts';

describe('notifyApplicants', () => {
  it('acknowledges receipt to both contacts with the tracking link', async () => {
    const { ports, repository, mailer, signer } = await setup();
    await seed(repository);

    expect(await notifyApplicants(ports, { applicationId: 'app-0001', template: 'received' })).toEqual({ sent: true });

    expect(mailer.sent).toHaveLength(1);
    const [email] = mailer.sent;
    expect(email?.to).toEqual([LEAD, PARTNER]);
    expect(email?.subject).toBe('Dossier reçu — Eau potable pour la médina');
    const tracking = await trackingUrl(signer, BASE_URL, 'app-0001');
    expect(links(email!)).toContain(tracking);
    expect(email?.text).toContain(tracking);
  });

  it('sends each template once, however often the task runs', async () => {
    const { ports, repository, mailer } = await setup();
    await seed(repository);
    await notifyApplicants(ports, { applicationId: 'app-0001', template: 'received' });
    expect(await notifyApplicants(ports, { applicationId: 'app-0001', template: 'received' })).toEqual({ sent: false });
    expect(mailer.sent).toHaveLength(1);
  });

  it('sends it on the retry when the mailer failed', async () => {
    const { ports, repository, mailer } = await setup();
    await seed(repository);
    mailer.failNext(new TransientError('SES throttled'));
    await expect(notifyApplicants(ports, { applicationId: 'app-0001', template: 'received' })).rejects.toMatchObject({
      name: 'TransientError',
    });
    await notifyApplicants(ports, { applicationId: 'app-0001', template: 'received' });
    expect(mailer.sent).toHaveLength(1);
  });

  it('acknowledges a resubmitted version too', async () => {
    const { ports, repository, mailer } = await setup();
    await seed(repository, 'IN_REVIEW');
    await notifyApplicants(ports, { applicationId: 'app-0001', template: 'received' });
    await repository.transition('app-0001', 'CHANGES_REQUESTED', { at: '2027-04-03T00:00:00.000Z', status: 'CHANGES_REQUESTED', actor: 'workflow' });
    await repository.transition('app-0001', 'SUBMITTED', { at: '2027-04-04T00:00:00.000Z', status: 'SUBMITTED', actor: 'applicant' });

    await notifyApplicants(ports, { applicationId: 'app-0001', template: 'received' });
    await notifyApplicants(ports, { applicationId: 'app-0001', template: 'received' });

    expect(mailer.sent.map((m) => m.subject)).toEqual(['Dossier reçu — Eau potable pour la médina', 'Nouvelle version reçue — Eau potable pour la médina']);
  });

  it('explains every reason of ineligibility', async () => {
    const { ports, repository, mailer } = await setup();
    const reasons = ['Le thème « tourisme » ne fait pas partie des thèmes de l’appel.', 'La durée du projet (48 mois) est hors bornes.'];
    await seed(repository, 'INELIGIBLE', { ineligibility: reasons.map((reason, i) => ({ rule: `r${i}`, reason })) });

    await notifyApplicants(ports, { applicationId: 'app-0001', template: 'ineligible' });

    const [email] = mailer.sent;
    expect(email?.subject).toBe('Dossier non recevable — Eau potable pour la médina');
    expect(email?.to).toEqual([LEAD, PARTNER]);
    for (const reason of reasons) {
      expect(email?.text).toContain(`- ${reason}`);
      expect(email?.html).toContain(`<li style="margin:0 0 6px;"><span dir="auto">${reason}</span></li>`);
    }
  });

  it('announces a withdrawal', async () => {
    const { ports, repository, mailer } = await setup();
    await seed(repository, 'WITHDRAWN');
    await notifyApplicants(ports, { applicationId: 'app-0001', template: 'withdrawn' });
    expect(mailer.sent[0]?.subject).toBe('Dossier clos sans suite — Eau potable pour la médina');
    expect(mailer.sent[0]?.text).toContain('Aucune nouvelle version');
  });

  it('announces an approval with the amount granted in euros', async () => {
    const { ports, repository, mailer } = await setup();
    await seed(repository, 'APPROVED', { decision: { outcome: 'APPROVED', grantedAmount: 40_000, at: 't' } });

    await notifyApplicants(ports, { applicationId: 'app-0001', template: 'decision' });

    const [email] = mailer.sent;
    expect(email?.subject).toBe('Subvention accordée — Eau potable pour la médina');
    expect(email?.text).toMatch(/subvention de 40\u202f000\s€/);
    expect(email?.to).toEqual([LEAD, PARTNER]);
  });

  it('announces a rejection with its reason', async () => {
    const { ports, repository, mailer } = await setup();
    await seed(repository, 'REJECTED', { decision: { outcome: 'REJECTED', reason: 'Enveloppe de l’appel épuisée', at: 't' } });
    await notifyApplicants(ports, { applicationId: 'app-0001', template: 'decision' });
    expect(mailer.sent[0]?.subject).toBe('Dossier non retenu — Eau potable pour la médina');
    expect(mailer.sent[0]?.text).toContain('> Enveloppe de l’appel épuisée');
  });

  it('escapes a hostile project title in the HTML part and keeps it readable in the text part', async () => {
    const { ports, repository, mailer } = await setup();
    const title = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
    await seed(repository, 'SUBMITTED', { project: { ...anApplication().project, title } });

    await notifyApplicants(ports, { applicationId: 'app-0001', template: 'received' });

    const [email] = mailer.sent;
    expect(email?.html).not.toContain('<script>');
    expect(email?.html).not.toContain('<img');
    expect(email?.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;');
    expect(email?.text).toContain(title);
    expect(email?.subject).toBe(`Dossier reçu — ${title}`);
  });

  it('refuses to announce a decision that was not taken', async () => {
    const { ports, repository, mailer } = await setup();
    await seed(repository, 'IN_COMMITTEE');
    await expect(notifyApplicants(ports, { applicationId: 'app-0001', template: 'decision' })).rejects.toMatchObject({
      name: 'InvalidTransitionError',
    });
    expect(mailer.sent).toHaveLength(0);
  });
});
