import { describe, expect, it } from 'vitest';
import { checkTaskLink, trackingUrl } from '../../../shared/links/links.ts';
import type { ReviewDecision } from '../../../shared/schemas/decisions.ts';
import { requestChanges } from '../../../shared/use-cases/request-changes.ts';
import { BASE_URL, LEAD, PARTNER, links, seed, setup } from './fakes.ts';

const review: ReviewDecision = {
  decision: 'changes',
  comment: 'Précisez le plan de financement <b>année 2</b>.',
  relevance: 4,
  feasibility: 2,
  partnership: 4,
  impact: 3,
};

/** As RecordReview leaves it: CHANGES_REQUESTED, the review and its comment stored. */
const changesRequested = { review: { ...review, at: '2027-04-02T07:00:00.000Z' } };

describe('requestChanges', () => {
  it('emails each applicant contact the stored comment and their own resubmission link', async () => {
    const { ports, repository, mailer, signer, clock } = await setup();
    await seed(repository, 'CHANGES_REQUESTED', changesRequested);

    const { taskId } = await requestChanges(ports, { applicationId: 'app-0001', taskToken: 'tok' });

    const task = (await repository.getTask(taskId))!;
    expect(task).toMatchObject({ stage: 'resubmission', status: 'OPEN', recipients: [LEAD, PARTNER], taskToken: 'tok' });
    expect(mailer.sent.map((m) => m.to)).toEqual([[LEAD], [PARTNER]]);
    const tracking = await trackingUrl(signer, BASE_URL, 'app-0001');
    for (const [i, email] of mailer.sent.entries()) {
      expect(email.subject).toBe('Modifications demandées — Eau potable pour la médina');
      expect(email.text).toContain('Précisez le plan de financement <b>année 2</b>.');
      expect(email.html).toContain('Précisez le plan de financement &lt;b&gt;année 2&lt;/b&gt;.');
      const link = links(email).find((l) => l.includes('/tasks/'))!;
      const check = await checkTaskLink(signer, task, new URL(link).searchParams.get('sig') ?? '', clock.now());
      expect(check).toEqual({ ok: true, recipient: task.recipients[i] });
      expect(links(email)).toContain(tracking);
    }
    expect(links(mailer.sent[0]!)).not.toEqual(links(mailer.sent[1]!));
  });

  it('reuses its task and sends nothing more when retried', async () => {
    const { ports, repository, mailer } = await setup();
    await seed(repository, 'CHANGES_REQUESTED');
    const first = await requestChanges(ports, { applicationId: 'app-0001', taskToken: 'tok' });
    const second = await requestChanges(ports, { applicationId: 'app-0001', taskToken: 'tok' });
    expect(second).toEqual(first);
    expect(mailer.sent).toHaveLength(2);
    expect(repository.writesOf('putTask')).toHaveLength(1);
  });

  it('writes to a contact once when both contacts share an address', async () => {
    const { ports, repository, mailer } = await setup();
    const app = await seed(repository, 'CHANGES_REQUESTED');
    await repository.patchApplication(app.id, {
      partnerAuthority: { ...app.partnerAuthority, contact: { ...app.partnerAuthority.contact, email: LEAD.toUpperCase() } },
    });
    await requestChanges(ports, { applicationId: app.id, taskToken: 'tok' });
    expect(mailer.sent.map((m) => m.to)).toEqual([[LEAD]]);
  });

  it('closes the link of an earlier round when a new round starts', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'CHANGES_REQUESTED');
    const first = await requestChanges(ports, { applicationId: 'app-0001', taskToken: 'round-1' });
    const second = await requestChanges(ports, { applicationId: 'app-0001', taskToken: 'round-2' });
    expect((await repository.getTask(first.taskId))?.status).toBe('CLOSED');
    expect((await repository.getTask(second.taskId))?.status).toBe('OPEN');
  });
});
