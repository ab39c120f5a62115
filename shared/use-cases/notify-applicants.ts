import { InvalidTransitionError } from '../domain/errors.ts';
import { decisionEmail, ineligibleEmail, receivedEmail, withdrawnEmail } from '../emails/templates.ts';
import type { Decision } from '../emails/templates.ts';
import type { RenderedEmail } from '../emails/layout.ts';
import { trackingUrl } from '../links/links.ts';
import type { NotifyApplicantsInput } from '../workflow/contract.ts';
import { applicantEmails, baseUrlOf, loadApplication, sendOnce, withCallTexts } from './workflow-support.ts';
import type { TaskPorts } from './workflow-support.ts';

const REJECTED_FALLBACK = 'Le comité mixte n’a pas retenu le projet.';

/**
 * SendReceipt / NotifyIneligible / NotifyWithdrawn / NotifyDecision.
 * 1. Load the application and its call (title, theme label); build its tracking link.
 * 2. Render the template from what is stored: the reasons of ineligibility, the decision.
 * 3. Send one email to both contacts (lead and partner), once per application and template
 *    (`<id>#<template>`, plus the status for a decision and the round for a receipt, since a
 *    resubmitted version is acknowledged too).
 */
export async function notifyApplicants(
  ports: Pick<TaskPorts, 'repository' | 'mailer' | 'signer' | 'config'>,
  { applicationId, template }: NotifyApplicantsInput,
): Promise<{ sent: boolean }> {
  const { repository, signer, config } = ports;
  const app = await withCallTexts(repository, await loadApplication(repository, applicationId));
  const tracking = await trackingUrl(signer, baseUrlOf(config), app.id);

  let key = `${app.id}#${template}`;
  let email: RenderedEmail;
  switch (template) {
    case 'received': {
      // Each submission (the first, then every resubmission) leaves one SUBMITTED event.
      const round = (await repository.getHistory(app.id)).filter((e) => e.status === 'SUBMITTED').length;
      if (round > 1) key += `#${round}`;
      email = receivedEmail(app, tracking, round);
      break;
    }
    case 'ineligible':
      email = ineligibleEmail(
        app,
        (app.ineligibility ?? []).map((i) => i.reason),
        tracking,
      );
      break;
    case 'withdrawn':
      email = withdrawnEmail(app, tracking);
      break;
    case 'decision': {
      if (app.status !== 'APPROVED' && app.status !== 'REJECTED') {
        throw new InvalidTransitionError(`no decision to announce for a ${app.status} application`);
      }
      key += `#${app.status}`;
      const decision: Decision =
        app.status === 'APPROVED'
          ? { outcome: 'APPROVED', grantedAmount: app.decision?.grantedAmount ?? 0, ...(app.decision?.grantedMA ? { grantedMA: app.decision.grantedMA } : {}) }
          : { outcome: 'REJECTED', reason: app.decision?.reason ?? REJECTED_FALLBACK };
      email = decisionEmail(app, decision, tracking);
      break;
    }
  }
  return { sent: await sendOnce(ports, key, applicantEmails(app), email) };
}
