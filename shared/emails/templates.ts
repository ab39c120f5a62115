import type { ApplicationRecord, TaskStage } from '../domain/application.ts';
import { catalogueFor, fr, formatDateTime, formatEuros } from './catalogue.ts';
import type { Catalogue } from './catalogue.ts';
import { fill } from './escape.ts';
import { renderEmail } from './layout.ts';
import type { Block, RenderedEmail } from './layout.ts';

/**
 * One function per email the workflow sends. Each returns the subject and both parts; the caller
 * chooses the recipients. Applicant emails follow the application's language, staff emails are
 * French (the committee's working language).
 */

type Project = Pick<ApplicationRecord, 'id' | 'callId' | 'project' | 'leadAuthority' | 'partnerAuthority' | 'budget'>;

const render = (t: Catalogue, subject: string, blocks: Block[]): RenderedEmail =>
  renderEmail({ subject, blocks: [{ kind: 'paragraph', text: t.greeting }, ...blocks] }, t);

const paragraph = (text: string): Block => ({ kind: 'paragraph', text });

const button = (t: Catalogue, label: string, url: string): Block => ({ kind: 'button', label, url, fallback: t.linkFallback });

function projectFacts(t: Catalogue, app: Project, extra: Array<[string, string]> = []): Block {
  return {
    kind: 'facts',
    rows: [
      [t.labels.project, app.project.title],
      [t.labels.reference, app.id],
      [t.labels.call, app.callId],
      [t.labels.lead, app.leadAuthority.name],
      [t.labels.partner, app.partnerAuthority.name],
      ...extra,
    ],
  };
}

const tracking = (t: Catalogue, trackingUrl: string): Block[] => [{ kind: 'link', text: t.tracking.intro, url: trackingUrl }];

/** Receipt of a submission; `round` > 1 when it is a new version after changes were requested. */
export function receivedEmail(app: ApplicationRecord, trackingUrl: string, round = 1): RenderedEmail {
  const t = catalogueFor(app.language);
  const texts = round > 1 ? t.resubmitted : t.received;
  const values = { title: app.project.title, callId: app.callId };
  return render(t, fill(texts.subject, values), [
    paragraph(fill(texts.intro, values)),
    projectFacts(t, app, [[t.labels.requested, formatEuros(t, app.budget.requestedAmount)]]),
    paragraph(texts.next),
    ...tracking(t, trackingUrl),
  ]);
}

/** Every failed eligibility rule, one per line. */
export function ineligibleEmail(app: ApplicationRecord, reasons: string[], trackingUrl: string): RenderedEmail {
  const t = catalogueFor(app.language);
  const values = { title: app.project.title, callId: app.callId };
  return render(t, fill(t.ineligible.subject, values), [
    paragraph(fill(t.ineligible.intro, values)),
    { kind: 'list', items: reasons },
    paragraph(t.ineligible.next),
    projectFacts(t, app),
    ...tracking(t, trackingUrl),
  ]);
}

export function withdrawnEmail(app: ApplicationRecord, trackingUrl: string): RenderedEmail {
  const t = catalogueFor(app.language);
  const values = { title: app.project.title };
  return render(t, fill(t.withdrawn.subject, values), [
    paragraph(fill(t.withdrawn.intro, values)),
    paragraph(t.withdrawn.next),
    projectFacts(t, app),
    ...tracking(t, trackingUrl),
  ]);
}

export type Decision = { outcome: 'APPROVED'; grantedAmount: number } | { outcome: 'REJECTED'; reason: string };

export function decisionEmail(app: ApplicationRecord, decision: Decision, trackingUrl: string): RenderedEmail {
  const t = catalogueFor(app.language);
  if (decision.outcome === 'APPROVED') {
    const amount = formatEuros(t, decision.grantedAmount);
    const values = { title: app.project.title, amount };
    return render(t, fill(t.approved.subject, values), [
      paragraph(fill(t.approved.intro, values)),
      projectFacts(t, app, [
        [t.labels.requested, formatEuros(t, app.budget.requestedAmount)],
        [t.labels.granted, amount],
      ]),
      paragraph(t.approved.next),
      ...tracking(t, trackingUrl),
    ]);
  }
  const values = { title: app.project.title };
  return render(t, fill(t.rejected.subject, values), [
    paragraph(fill(t.rejected.intro, values)),
    paragraph(t.rejected.reason),
    { kind: 'quote', text: decision.reason },
    projectFacts(t, app),
    ...tracking(t, trackingUrl),
  ]);
}

/** To one applicant contact: the reviewer's comment and that contact's own resubmission link. */
export function changesRequestedEmail(
  app: ApplicationRecord,
  comment: string,
  link: string,
  expiresAt: string,
  trackingUrl: string,
): RenderedEmail {
  const t = catalogueFor(app.language);
  const values = { title: app.project.title };
  return render(t, fill(t.changes.subject, values), [
    paragraph(fill(t.changes.intro, values)),
    { kind: 'quote', text: comment },
    paragraph(t.changes.action),
    button(t, t.changes.button, link),
    paragraph(fill(t.personalLink, { expires: formatDateTime(t, expiresAt) })),
    projectFacts(t, app),
    ...tracking(t, trackingUrl),
  ]);
}

/** To the reviewer or a co-chair: the decision link; `reminders` > 0 makes it a reminder. */
export function decisionRequestEmail(
  app: ApplicationRecord,
  stage: Exclude<TaskStage, 'resubmission'>,
  link: string,
  expiresAt: string,
  reminders: number,
): RenderedEmail {
  const t = fr;
  const values = { title: app.project.title, callId: app.callId };
  const request = stage === 'review' ? t.reviewRequest : t.committeeRequest;
  const reminder = stage === 'review' ? t.reviewReminder : t.committeeReminder;
  const texts = reminders > 0 ? reminder : request;
  return render(t, fill(texts.subject, values), [
    paragraph(fill(texts.intro, values)),
    projectFacts(t, app, [
      [t.labels.requested, formatEuros(t, app.budget.requestedAmount)],
      [t.labels.duration, fill(t.months, { count: app.project.durationMonths })],
    ]),
    paragraph(request.action),
    button(t, request.button, link),
    paragraph(fill(t.personalLink, { expires: formatDateTime(t, expiresAt) })),
  ]);
}

/** To the admins, when a decision is still awaited after several reminders. */
export function escalationEmail(app: ApplicationRecord, stage: TaskStage, reminders: number): RenderedEmail {
  const t = fr;
  const values = { title: app.project.title, id: app.id, callId: app.callId, stage: t.stages[stage], count: reminders };
  return render(t, fill(t.escalation.subject, values), [
    paragraph(fill(t.escalation.intro, values)),
    {
      kind: 'facts',
      rows: [
        [t.labels.project, app.project.title],
        [t.labels.reference, app.id],
        [t.labels.call, app.callId],
        [t.labels.stage, t.stages[stage]],
        [t.labels.reminders, String(reminders)],
        [t.labels.since, formatDateTime(t, app.createdAt)],
      ],
    },
    paragraph(t.escalation.next),
  ]);
}

/** To the admins, when the workflow failed: ids and the error name only, no personal data. */
export function workflowFailureEmail(applicationId: string, callId: string | undefined, errorName: string): RenderedEmail {
  const t = fr;
  const values = { id: applicationId, callId: callId ?? t.failure.unknownCall };
  return render(t, fill(t.failure.subject, values), [
    paragraph(fill(t.failure.intro, values)),
    {
      kind: 'facts',
      rows: [
        [t.labels.reference, applicationId],
        [t.labels.call, values.callId],
        [t.labels.error, errorName],
      ],
    },
    paragraph(t.failure.next),
  ]);
}
