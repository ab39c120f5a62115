import { describe, expect, it } from 'vitest';
import { notifyAdmins } from '../../../shared/use-cases/notify-admins.ts';
import { ADMIN, LEAD, seed, setup } from './fakes.ts';

describe('notifyAdmins', () => {
  it('tells the admins which application of which call failed, and with what error', async () => {
    const { ports, repository, mailer } = await setup();
    const app = await seed(repository, 'ERROR');

    await notifyAdmins(ports, { applicationId: app.id, error: { Error: 'NoReviewerAvailableError', Cause: '{"errorMessage":"…"}' } });

    expect(mailer.sent).toHaveLength(1);
    const [email] = mailer.sent;
    expect(email?.to).toEqual([ADMIN]);
    expect(email?.subject).toBe('Échec du traitement — dossier app-0001');
    for (const part of [email!.text, email!.html]) {
      expect(part).toContain('app-0001');
      expect(part).toContain('2027-T1');
      expect(part).toContain('NoReviewerAvailableError');
      expect(part).not.toContain(LEAD);
      expect(part).not.toContain(app.leadAuthority.contact.name);
    }
  });

  it('alerts once per failure', async () => {
    const { ports, repository, mailer } = await setup();
    await seed(repository, 'IN_REVIEW');
    await repository.transition('app-0001', 'ERROR', { at: '2027-04-03T00:00:00.000Z', status: 'ERROR', actor: 'workflow' });
    await notifyAdmins(ports, { applicationId: 'app-0001', error: { Error: 'States.Timeout' } });
    await notifyAdmins(ports, { applicationId: 'app-0001', error: { Error: 'States.Timeout' } });
    expect(mailer.sent).toHaveLength(1);

    // An admin restarts the workflow and it fails again: that is news.
    await repository.transition('app-0001', 'SUBMITTED', { at: '2027-04-04T00:00:00.000Z', status: 'SUBMITTED', actor: 'admin' });
    await repository.transition('app-0001', 'ERROR', { at: '2027-04-05T00:00:00.000Z', status: 'ERROR', actor: 'workflow' });
    await notifyAdmins(ports, { applicationId: 'app-0001', error: { Error: 'States.Timeout' } });
    expect(mailer.sent).toHaveLength(2);
  });

  it('still alerts when the application cannot be found', async () => {
    const { ports, mailer } = await setup();
    await notifyAdmins(ports, { applicationId: 'ghost', error: {} });
    expect(mailer.sent[0]?.text).toContain('ghost');
    expect(mailer.sent[0]?.text).toContain('UnknownError');
  });
});
