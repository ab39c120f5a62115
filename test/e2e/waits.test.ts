import { describe, expect, it } from 'vitest';
import { anApplication, fillAndSend, reviewRequest as reviewRequestIn, submit, taskLinkIn, useTestStack, waitForEmail, waitForStatus } from './support.ts';
import type { OpenCall } from './support.ts';

/**
 * The waits of the workflow, shortened by configuration as a demo would (`REVIEW_TIMEOUT_SECONDS`
 * and friends): a silent reviewer gets reminders and the admins are told; applicants who do not
 * resubmit in time see their application withdrawn.
 */

const ADMIN = 'secretariat@example.org';
const scores = { relevance: 3, feasibility: 4, partnership: 4, impact: 4 };

let api: string;
let mailbox: string;
let call: OpenCall;

useTestStack({ timeouts: { reviewTimeoutSeconds: 2, resubmissionTimeoutSeconds: 3 }, context: { adminEmails: ADMIN } }, (s) => {
  ({ api, mailbox, demoCall: call } = s);
});

const reviewRequest = (title: string) => reviewRequestIn(mailbox, title);

describe('shortened waits', { timeout: 120_000 }, () => {
  it('reminds a silent reviewer, tells the admins after three reminders, and still takes the decision', async () => {
    const body = anApplication(call);
    const { trackingUrl } = await submit(api, body);
    const { reviewer, email: request } = await reviewRequest(body.project.title);

    const reminder = await waitForEmail(mailbox, { to: reviewer, subject: `Rappel : avis d’instruction attendu — ${body.project.title}` });
    // The reminder carries the same decision: its link is the one already mailed.
    expect(new URL(taskLinkIn(reminder)).pathname).toBe(new URL(taskLinkIn(request)).pathname);

    const escalation = await waitForEmail(mailbox, { to: ADMIN, subject: /^Décision en attente après \d+ relances/ });
    expect(escalation.body.text).toContain(body.project.title);

    const decided = await fillAndSend(taskLinkIn(reminder), { decision: 'favorable', ...scores });
    expect(decided.status).toBe(200);
    await waitForStatus(trackingUrl, 'IN_COMMITTEE');
    await waitForEmail(mailbox, { to: 'copresidence.fr@example.org', subject: `Décision du comité mixte attendue — ${body.project.title}` });
  });

  it('withdraws an application whose changes are not resubmitted in time', async () => {
    const body = anApplication(call);
    const { trackingUrl } = await submit(api, body);
    const { email } = await reviewRequest(body.project.title);
    await fillAndSend(taskLinkIn(email), { decision: 'changes', ...scores, comment: 'Joignez la délibération du conseil municipal.' });

    const changes = await waitForEmail(mailbox, { to: body.leadAuthority.contact.email, subject: `Modifications demandées — ${body.project.title}` });
    const withdrawn = await waitForStatus(trackingUrl, 'WITHDRAWN');
    expect(withdrawn.history.map((h) => h.status)).toEqual(['SUBMITTED', 'IN_REVIEW', 'CHANGES_REQUESTED', 'WITHDRAWN']);
    await waitForEmail(mailbox, { to: body.partnerAuthority.contact.email, subject: `Dossier clos sans suite — ${body.project.title}` });

    // The late resubmission link tells so, and changes nothing.
    const late = await fetch(taskLinkIn(changes));
    expect(late.status).toBe(410);
  });
});
