import { describe, expect, it } from 'vitest';
import { localRepository } from '../../local/seed.ts';
import { LOCAL_REGION } from '../../local/template.ts';
import {
  anApplication,
  fillAndSend,
  openCalls,
  openPage,
  reviewRequest as reviewRequestIn,
  submit,
  taskLinkIn,
  track,
  trackingLinkIn,
  waitForEmail,
  useTestStack,
  waitForStatus,
} from './support.ts';
import type { OpenCall, TestStack } from './support.ts';

/**
 * The whole workflow, on the local stack, used like people do: applicants post the form's JSON and
 * read their emails; the reviewer and the co-chairs open the links they were mailed and use the
 * page's form. Nothing here reaches into the stack but the mailbox's JSON, and one test that
 * seeds a second call as an admin would.
 */

const CO_CHAIR_FR = 'copresidence.fr@example.org';
const CO_CHAIR_MA = 'copresidence.ma@example.org';
const scores = { relevance: 4, feasibility: 4, partnership: 5, impact: 3 };

let t: TestStack;
let api: string;
let mailbox: string;
let demoCall: OpenCall;

useTestStack({}, (s) => {
  ({ t, api, mailbox, demoCall } = s);
});

const reviewRequest = (title: string) => reviewRequestIn(mailbox, title);

const committeeRequest = (to: string, title: string) => waitForEmail(mailbox, { to, subject: `Décision du comité mixte attendue — ${title}` });

describe('the local stack, end to end', { timeout: 120_000 }, () => {
  it('takes an application from submission to APPROVED with each co-chair’s grant from their own side', async () => {
    const body = anApplication(demoCall, { requestedAmount: 50_000 });
    const lead = body.leadAuthority.contact.email;
    const partner = body.partnerAuthority.contact.email;

    const { id, status, trackingUrl } = await submit(api, body);
    expect(status).toBe('SUBMITTED');

    // Both contacts get the receipt, with the tracking link.
    const receipt = await waitForEmail(mailbox, { to: lead, subject: `Dossier reçu — ${body.project.title}` });
    expect(receipt.destination.to).toEqual(expect.arrayContaining([lead, partner]));
    expect(trackingLinkIn(receipt)).toBe(trackingUrl);

    // The reviewer opens the page (nothing changes), then sends a favourable review.
    const { email: review } = await reviewRequest(body.project.title);
    const reviewLink = taskLinkIn(review);
    const page = await openPage(reviewLink);
    expect(page.status).toBe(200);
    expect(page.html).toContain(body.project.title);
    // A mail scanner fetches the link with HEAD too: it sees the page's headers, decides nothing.
    expect((await fetch(reviewLink, { method: 'HEAD' })).status).toBe(200);
    expect((await track(trackingUrl)).status).toBe('IN_REVIEW');
    const reviewed = await fillAndSend(reviewLink, { decision: 'favorable', ...scores, comment: 'Projet solide.' });
    expect(reviewed.status).toBe(200);
    expect(reviewed.html).toContain('Décision enregistrée');

    // Both co-chairs get their own link; each approves from their own side (Morocco was asked nothing).
    const fr = await committeeRequest(CO_CHAIR_FR, body.project.title);
    const ma = await committeeRequest(CO_CHAIR_MA, body.project.title);
    expect((await track(trackingUrl)).status).toBe('IN_COMMITTEE');
    const frDecision = await fillAndSend(taskLinkIn(fr), { decision: 'approve', grantedFR: 40_000 });
    expect(frDecision.status).toBe(200);
    expect((await fillAndSend(taskLinkIn(ma), { decision: 'approve', grantedMA: 0 })).status).toBe(200);

    const approved = await waitForStatus(trackingUrl, 'APPROVED');
    expect(approved).toMatchObject({ id, callId: demoCall.id, decision: { outcome: 'APPROVED', grantedAmount: 40_000 } });
    expect(approved.history.map((h) => h.status)).toEqual(['SUBMITTED', 'IN_REVIEW', 'IN_COMMITTEE', 'APPROVED']);
    const granted = await waitForEmail(mailbox, { to: partner, subject: `Subvention accordée — ${body.project.title}` });
    expect(granted.body.text).toMatch(/40\s000\s€/);

    // The link was for one decision: the same form sent again is refused, the page says it is over.
    expect((await frDecision.resend()).status).toBe(409);
    expect((await openPage(taskLinkIn(fr))).status).toBe(410);
  });

  it('answers what the API does not serve as the deployed API Gateway would', async () => {
    const unknown = await fetch(`${api}/nowhere`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'NOT_FOUND', message: 'Not found' });
    expect((await fetch(`${api}/health`, { method: 'DELETE' })).status).toBe(404);
  });

  it('explains every reason of an ineligible application to both contacts', async () => {
    const body = anApplication(demoCall);
    body.partnerAuthority = { ...body.partnerAuthority, country: 'FR', kind: 'commune' };
    body.project.durationMonths = 48;
    const { trackingUrl } = await submit(api, body);

    const email = await waitForEmail(mailbox, { to: body.leadAuthority.contact.email, subject: `Dossier non recevable — ${body.project.title}` });
    expect(email.destination.to).toContain(body.partnerAuthority.contact.email);
    expect(email.body.text).toContain('La collectivité partenaire doit être une collectivité territoriale marocaine.');
    expect(email.body.text).toContain('La durée du projet (48 mois) doit être comprise entre 12 et 36 mois.');

    const ineligible = await waitForStatus(trackingUrl, 'INELIGIBLE');
    expect(ineligible.history.map((h) => h.status)).toEqual(['SUBMITTED', 'INELIGIBLE']);
  });

  it('lets the applicants resubmit through the emailed link when the reviewer asks for changes, then approves', async () => {
    const body = anApplication(demoCall, { requestedAmount: 60_000 });
    const lead = body.leadAuthority.contact.email;
    const { trackingUrl } = await submit(api, body);

    const first = await reviewRequest(body.project.title);
    const asked = await fillAndSend(taskLinkIn(first.email), { decision: 'changes', ...scores, comment: 'Précisez le budget de formation.' });
    expect(asked.status).toBe(200);

    const changes = await waitForEmail(mailbox, { to: lead, subject: `Modifications demandées — ${body.project.title}` });
    expect(changes.body.text).toContain('Précisez le budget de formation.');
    expect((await waitForStatus(trackingUrl, 'CHANGES_REQUESTED')).status).toBe('CHANGES_REQUESTED');

    // The lead contact opens their link: the form holds the application; they lower the amount.
    const resubmitted = await fillAndSend(taskLinkIn(changes), { 'budget.requestedAmount': 55_000 });
    expect(resubmitted.status, resubmitted.html.slice(0, 800)).toBe(200);
    expect(resubmitted.html).toContain('Dossier modifié transmis');
    // Both contacts learn that the new version arrived (the partner did not resubmit it).
    const acknowledged = await waitForEmail(mailbox, { to: body.partnerAuthority.contact.email, subject: `Nouvelle version reçue — ${body.project.title}` });
    expect(acknowledged.destination.to).toContain(lead);

    // A second review round, by the same reviewer, then the committee.
    const second = await waitForEmail(mailbox, {
      to: first.reviewer,
      subject: `Avis d’instruction attendu — ${body.project.title}`,
      not: new Set([first.email.messageId]),
    });
    await fillAndSend(taskLinkIn(second), { decision: 'favorable', ...scores });
    await fillAndSend(taskLinkIn(await committeeRequest(CO_CHAIR_FR, body.project.title)), { decision: 'approve', grantedFR: 55_000 });
    await fillAndSend(taskLinkIn(await committeeRequest(CO_CHAIR_MA, body.project.title)), { decision: 'approve', grantedMA: 0 });

    const approved = await waitForStatus(trackingUrl, 'APPROVED');
    expect(approved.budget.requestedAmount).toBe(55_000);
    expect(approved.decision).toMatchObject({ outcome: 'APPROVED', grantedAmount: 55_000 });
    expect(approved.history.map((h) => h.status)).toEqual([
      'SUBMITTED',
      'IN_REVIEW',
      'CHANGES_REQUESTED',
      'SUBMITTED',
      'IN_REVIEW',
      'IN_COMMITTEE',
      'APPROVED',
    ]);
  });

  it('rejects the application as soon as one co-chair refuses, telling the applicants why', async () => {
    const body = anApplication(demoCall);
    const { trackingUrl } = await submit(api, body);

    const { email } = await reviewRequest(body.project.title);
    await fillAndSend(taskLinkIn(email), { decision: 'unfavorable', ...scores, comment: 'Partenariat trop fragile.' });
    const maLink = taskLinkIn(await committeeRequest(CO_CHAIR_MA, body.project.title));
    const refused = await fillAndSend(taskLinkIn(await committeeRequest(CO_CHAIR_FR, body.project.title)), {
      decision: 'reject',
      comment: 'Le partenariat doit être consolidé avant tout financement.',
    });
    expect(refused.status).toBe(200);

    // An award needs both co-chairs: one refusal decides, the other co-chair is not waited for.
    const rejected = await waitForStatus(trackingUrl, 'REJECTED');
    expect(rejected.decision?.outcome).toBe('REJECTED');
    expect(rejected.decision?.reason).toBe('Le partenariat doit être consolidé avant tout financement.');
    expect(rejected.history.map((h) => h.status)).toEqual(['SUBMITTED', 'IN_REVIEW', 'IN_COMMITTEE', 'REJECTED']);
    const letter = await waitForEmail(mailbox, { to: body.partnerAuthority.contact.email, subject: `Dossier non retenu — ${body.project.title}` });
    expect(letter.body.text).toContain('Le partenariat doit être consolidé avant tout financement.');
    // The Moroccan co-chair's link is over (closed with the rejection): the page says so.
    const late = await openPage(maLink);
    expect(late.status).toBe(410);
    expect(late.html).toContain('n’attend plus de décision');
  });

  it('never awards beyond the envelope of a call', async () => {
    // An admin opens a second call with a small envelope (through the repository, as the seed does).
    const { repository, close } = localRepository(t.stack.urls.dynamodb, LOCAL_REGION, t.stack.tableName);
    const small = {
      ...demoCall,
      id: `PETITE-${Date.now().toString(36)}`,
      title: { fr: 'Appel à projets à petite enveloppe' },
      themes: demoCall.themes.map((th) => ({ code: th.code, label: { fr: th.label } })),
      opensAt: new Date(Date.now() - 3600_000).toISOString(),
      grant: { min: 10_000, max: 50_000 },
      envelope: 60_000,
    };
    try {
      await repository.putCall(small);
      await repository.putRoster(small.id, await repository.getRoster(demoCall.id));
      await repository.putCoChairs(small.id, await repository.getCoChairs(demoCall.id));
    } finally {
      close();
    }
    const call = (await openCalls(api)).find((c) => c.id === small.id);
    expect(call?.envelope).toBe(60_000);

    const approveAll = async (amount: number) => {
      const body = anApplication(call!, { requestedAmount: amount, totalCost: 100_000 });
      const { trackingUrl } = await submit(api, body);
      const { email } = await reviewRequest(body.project.title);
      await fillAndSend(taskLinkIn(email), { decision: 'favorable', ...scores });
      await fillAndSend(taskLinkIn(await committeeRequest(CO_CHAIR_FR, body.project.title)), { decision: 'approve', grantedFR: amount });
      await fillAndSend(taskLinkIn(await committeeRequest(CO_CHAIR_MA, body.project.title)), { decision: 'approve', grantedMA: 0 });
      return { body, trackingUrl };
    };

    const first = await approveAll(40_000);
    expect((await waitForStatus(first.trackingUrl, 'APPROVED')).decision?.grantedAmount).toBe(40_000);

    const second = await approveAll(30_000);
    const refused = await waitForStatus(second.trackingUrl, 'REJECTED');
    expect(refused.decision?.outcome).toBe('REJECTED');
    expect(JSON.stringify(refused)).toMatch(/enveloppe/i);
    await waitForEmail(mailbox, { to: second.body.leadAuthority.contact.email, subject: `Dossier non retenu — ${second.body.project.title}` });
  });
});
