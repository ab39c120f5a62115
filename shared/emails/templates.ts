import type { ApplicationRecord, Language, TaskStage } from '../domain/application.ts';
import type { Localized } from '../domain/localized.ts';
import { fill, formatMonths } from '../i18n/format.ts';
import { localize, themeLabel } from '../i18n/index.ts';
import { grantText } from '../i18n/money.ts';
import { catalogueFor, fr, formatDateTime, formatEuros } from './catalogue.ts';
import type { Catalogue } from './catalogue.ts';
import { renderEmail } from './layout.ts';
import type { Block, RenderedEmail } from './layout.ts';

/**
 * One function per email the workflow sends. Each returns the subject and both parts; the caller
 * chooses the recipients.
 *
 * Languages: applicant emails are written in the language chosen at submission, followed by the
 * French text (the administration's, and the French authority's) when that language is not
 * French. Emails to reviewers and co-chairs are French first, then in the applicants' language
 * when it is not French. Emails to the admins are French only. Subjects say what happened and to
 * which project: `<what> — <title>`, or `<what> / <what in French> — <title>`.
 */

/** The application, with its call's title and theme label when the call was read (`callTexts`). */
type Project = Pick<ApplicationRecord, 'id' | 'callId' | 'project' | 'leadAuthority' | 'partnerAuthority' | 'budget' | 'language'> & {
  callTitle?: Localized;
  themeLabel?: Localized;
};

/** One language's version of an email: what happened (subject), about what, and the body. */
interface Version {
  what: string;
  blocks: Block[];
}

/** A link as a language's section shows it: a translated section opens the page in its language. */
type Localize = (url: string) => string;
type Build = (t: Catalogue, localize: Localize) => Version;

const withLang = (url: string, lang: string): string => `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`;

/**
 * Renders `build` in `primary`, followed by its French version when `primary` is not French (or by
 * the `secondary` language's when French comes first).
 */
function compose(primary: Language, secondary: Language | undefined, about: string, build: Build): RenderedEmail {
  const second = secondary !== undefined && secondary !== primary ? secondary : undefined;
  const t = catalogueFor(primary);
  // A bilingual email links each section to the page in that section's language.
  const localizeFor = (lang: Language): Localize => (second ? (url) => withLang(url, lang) : (url) => url);
  const main = build(t, localizeFor(primary));
  const greeting: Block = { kind: 'paragraph', text: t.greeting };
  if (!second) {
    return renderEmail({ subject: `${main.what} — ${about}`, blocks: [greeting, ...main.blocks] }, { ...t, footer: t.footer });
  }
  const u = catalogueFor(second);
  const other = build(u, localizeFor(second));
  return renderEmail(
    {
      subject: `${main.what} / ${other.what} — ${about}`,
      blocks: [greeting, ...main.blocks],
      appendix: {
        lang: u.lang,
        dir: u.dir,
        heading: second === 'fr' ? u.frenchVersion : u.meta.name,
        blocks: [{ kind: 'paragraph', text: u.greeting }, ...other.blocks],
        footer: u.footer,
      },
    },
    t,
  );
}

/** Applicants: their language, then French. */
const forApplicants = (app: Project, about: string, build: Build) => compose(app.language, 'fr', about, build);
/** Reviewers and co-chairs: French, then the applicants' language. */
const forStaff = (app: Project, about: string, build: Build) => compose('fr', app.language, about, build);

const paragraph = (text: string): Block => ({ kind: 'paragraph', text });

const button = (t: Catalogue, label: string, url: string): Block => ({ kind: 'button', label, url, fallback: t.linkFallback });

function projectFacts(t: Catalogue, app: Project, extra: Array<[string, string]> = []): Block {
  return {
    kind: 'facts',
    rows: [
      [t.labels.project, app.project.title],
      [t.labels.reference, app.id],
      // Each language's section names the call and the theme in that language (French where the call has none).
      [t.labels.call, app.callTitle ? `${localize(t, app.callTitle)} (${app.callId})` : app.callId],
      [t.labels.theme, themeLabel(t, app.project.theme, app.themeLabel)],
      [t.labels.lead, app.leadAuthority.name],
      [t.labels.partner, app.partnerAuthority.name],
      ...extra,
    ],
  };
}

const tracking = (t: Catalogue, trackingUrl: string): Block[] => [{ kind: 'link', text: t.tracking.intro, url: trackingUrl }];

/** Receipt of a submission; `round` > 1 when it is a new version after changes were requested. */
export function receivedEmail(app: Project, trackingUrl: string, round = 1): RenderedEmail {
  const values = { title: app.project.title, callId: app.callId };
  return forApplicants(app, app.project.title, (t, localize) => {
    const texts = round > 1 ? t.resubmitted : t.received;
    return {
      what: texts.subject,
      blocks: [
        paragraph(fill(texts.intro, values)),
        projectFacts(t, app, [[t.labels.requested, formatEuros(t, app.budget.requestedAmount)]]),
        paragraph(texts.next),
        ...tracking(t, localize(trackingUrl)),
      ],
    };
  });
}

/** Every failed eligibility rule, one per line (the reasons are the workflow's, in French). */
export function ineligibleEmail(app: Project, reasons: string[], trackingUrl: string): RenderedEmail {
  const values = { title: app.project.title, callId: app.callId };
  return forApplicants(app, app.project.title, (t, localize) => ({
    what: t.ineligible.subject,
    blocks: [
      paragraph(fill(t.ineligible.intro, values)),
      { kind: 'list', items: reasons },
      paragraph(t.ineligible.next),
      projectFacts(t, app),
      ...tracking(t, localize(trackingUrl)),
    ],
  }));
}

export function withdrawnEmail(app: Project, trackingUrl: string): RenderedEmail {
  const values = { title: app.project.title };
  return forApplicants(app, app.project.title, (t, localize) => ({
    what: t.withdrawn.subject,
    blocks: [paragraph(fill(t.withdrawn.intro, values)), paragraph(t.withdrawn.next), projectFacts(t, app), ...tracking(t, localize(trackingUrl))],
  }));
}

/** An award: the French side's grant in EUR and, when it granted something, the Moroccan side's in MAD. */
export type Decision = { outcome: 'APPROVED'; grantedAmount: number; grantedMA?: number } | { outcome: 'REJECTED'; reason: string };

export function decisionEmail(app: Project, decision: Decision, trackingUrl: string): RenderedEmail {
  return forApplicants(app, app.project.title, (t, localize) => {
    if (decision.outcome === 'APPROVED') {
      const amount = grantText(t, decision);
      return {
        what: t.approved.subject,
        blocks: [
          paragraph(fill(t.approved.intro, { title: app.project.title, amount })),
          projectFacts(t, app, [
            [t.labels.requested, formatEuros(t, app.budget.requestedAmount)],
            [t.labels.granted, amount],
          ]),
          paragraph(t.approved.next),
          ...tracking(t, localize(trackingUrl)),
        ],
      };
    }
    return {
      what: t.rejected.subject,
      blocks: [
        paragraph(fill(t.rejected.intro, { title: app.project.title })),
        paragraph(t.rejected.reason),
        { kind: 'quote', text: decision.reason },
        projectFacts(t, app),
        ...tracking(t, localize(trackingUrl)),
      ],
    };
  });
}

/** To one applicant contact: the reviewer's comment and that contact's own resubmission link. */
export function changesRequestedEmail(app: Project, comment: string, link: string, expiresAt: string, trackingUrl: string): RenderedEmail {
  const values = { title: app.project.title };
  return forApplicants(app, app.project.title, (t, localize) => ({
    what: t.changes.subject,
    blocks: [
      paragraph(fill(t.changes.intro, values)),
      { kind: 'quote', text: comment },
      paragraph(t.changes.action),
      button(t, t.changes.button, localize(link)),
      paragraph(fill(t.personalLink, { expires: formatDateTime(t, expiresAt) })),
      projectFacts(t, app),
      ...tracking(t, localize(trackingUrl)),
    ],
  }));
}

/** To the reviewer or a co-chair: the decision link; `reminders` > 0 makes it a reminder. */
export function decisionRequestEmail(
  app: Project,
  stage: Exclude<TaskStage, 'resubmission'>,
  link: string,
  expiresAt: string,
  reminders: number,
): RenderedEmail {
  const values = { title: app.project.title, callId: app.callId };
  return forStaff(app, app.project.title, (t, localize) => {
    const request = stage === 'review' ? t.reviewRequest : t.committeeRequest;
    const reminder = stage === 'review' ? t.reviewReminder : t.committeeReminder;
    const texts = reminders > 0 ? reminder : request;
    return {
      what: texts.subject,
      blocks: [
        paragraph(fill(texts.intro, values)),
        projectFacts(t, app, [
          [t.labels.requested, formatEuros(t, app.budget.requestedAmount)],
          [t.labels.duration, formatMonths(t, app.project.durationMonths)],
        ]),
        paragraph(request.action),
        button(t, request.button, localize(link)),
        paragraph(fill(t.personalLink, { expires: formatDateTime(t, expiresAt) })),
      ],
    };
  });
}

/** To the admins, when a decision is still awaited after several reminders. French only. */
export function escalationEmail(app: ApplicationRecord, stage: TaskStage, reminders: number): RenderedEmail {
  const t = fr;
  const values = { title: app.project.title, id: app.id, callId: app.callId, stage: t.stages[stage], count: reminders };
  return compose('fr', undefined, app.project.title, () => ({
    what: fill(t.escalation.subject, values),
    blocks: [
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
    ],
  }));
}

/** To the admins, when the workflow failed: ids and the error name only, no personal data. French only. */
export function workflowFailureEmail(applicationId: string, callId: string | undefined, errorName: string): RenderedEmail {
  const t = fr;
  const values = { id: applicationId, callId: callId ?? t.failure.unknownCall };
  return compose('fr', undefined, fill(t.failure.about, values), () => ({
    what: t.failure.subject,
    blocks: [
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
    ],
  }));
}

/** A draft as its emails name it: its project's title when it has one, its call, its language. */
export interface DraftAbout {
  id: string;
  callId: string;
  language: Language;
  title?: string | undefined;
  callTitle?: Localized;
}

function draftFacts(t: Catalogue, draft: DraftAbout, title: string): Block {
  return {
    kind: 'facts',
    rows: [
      [t.labels.project, title],
      [t.labels.reference, draft.id],
      [t.labels.call, draft.callTitle ? `${localize(t, draft.callTitle)} (${draft.callId})` : draft.callId],
    ],
  };
}

/** A draft's email: in the draft's language then French, with the contact's own link where it acts. */
function draftEmail(draft: DraftAbout, build: (t: Catalogue, localize: Localize, title: string) => Version): RenderedEmail {
  const titleIn = (t: Catalogue) => draft.title ?? t.draft.untitled;
  return compose(draft.language, 'fr', draft.title ?? draft.id, (t, localize) => build(t, localize, titleIn(t)));
}

/** An edit link's blocks: what to do, the button, the link's expiry. */
const actOn = (t: Catalogue, action: string, label: string, link: string, expiresAt: Date): Block[] => [
  paragraph(action),
  button(t, label, link),
  paragraph(fill(t.personalLink, { expires: formatDateTime(t, expiresAt) })),
];

/** The texts of an email that asks a contact to act on the draft through its own link. */
interface ActionTexts {
  subject: string;
  intro: string;
  action: string;
  button: string;
}

/** A draft's email asking its recipient to act: why (`intro` with `values`), what to do, the link, the facts. */
function draftActionEmail(
  draft: DraftAbout,
  texts: (t: Catalogue) => ActionTexts,
  values: (title: string, t: Catalogue) => Record<string, string>,
  link: string,
  expiresAt: Date,
  action: (t: Catalogue, texts: ActionTexts) => string = (_t, x) => x.action,
): RenderedEmail {
  return draftEmail(draft, (t, localize, title) => {
    const x = texts(t);
    return {
      what: x.subject,
      blocks: [paragraph(fill(x.intro, values(title, t))), ...actOn(t, action(t, x), x.button, localize(link), expiresAt), draftFacts(t, draft, title)],
    };
  });
}

/** To the lead, when its draft is created: its edit link. */
export function draftCreatedEmail(draft: DraftAbout, link: string, expiresAt: Date): RenderedEmail {
  return draftActionEmail(
    draft,
    (t) => t.draft.created,
    () => ({ callId: draft.callId }),
    link,
    expiresAt,
  );
}

/** To the partner, invited by the lead: its own edit link. */
export function draftInvitationEmail(draft: DraftAbout, lead: string, link: string, expiresAt: Date): RenderedEmail {
  return draftActionEmail(
    draft,
    (t) => t.draft.invited,
    (title) => ({ lead, title, callId: draft.callId }),
    link,
    expiresAt,
  );
}

/** To the partner, when the lead asks to file: its link, to confirm or send back before `deadline`. */
export function confirmationRequestEmail(draft: DraftAbout, link: string, deadline: Date, expiresAt: Date): RenderedEmail {
  return draftActionEmail(
    draft,
    (t) => t.draft.confirm,
    (title) => ({ title, callId: draft.callId }),
    link,
    expiresAt,
    (t, x) => fill(x.action, { deadline: formatDateTime(t, deadline) }),
  );
}

/** To the lead, when its request to file went to the partner. */
export function filingRequestedEmail(draft: DraftAbout, deadline: Date): RenderedEmail {
  return draftEmail(draft, (t, _localize, title) => ({
    what: t.draft.requested.subject,
    blocks: [
      paragraph(fill(t.draft.requested.intro, { title, deadline: formatDateTime(t, deadline) })),
      paragraph(t.draft.requested.next),
      draftFacts(t, draft, title),
    ],
  }));
}

/** To the lead, when the partner sent the draft back: the comment and the lead's edit link. */
export function draftReturnedEmail(draft: DraftAbout, comment: string, link: string, expiresAt: Date): RenderedEmail {
  return draftEmail(draft, (t, localize, title) => ({
    what: t.draft.returned.subject,
    blocks: [
      paragraph(fill(t.draft.returned.intro, { title })),
      { kind: 'quote', text: comment },
      ...actOn(t, t.draft.returned.action, t.draft.returned.button, localize(link), expiresAt),
      draftFacts(t, draft, title),
    ],
  }));
}

/** How long before the close a deadline reminder goes: a week, then two days. */
export type DeadlineReminder = '7d' | '48h';

/** To one contact of a draft not filed as the call's close nears: where it stands, and that contact's own link. */
export function draftDeadlineEmail(
  draft: DraftAbout & { status: 'DRAFT' | 'AWAITING_PARTNER' },
  role: 'lead' | 'partner',
  reminder: DeadlineReminder,
  closesAt: string,
  link: string,
  expiresAt: Date,
): RenderedEmail {
  const texts = (t: Catalogue): ActionTexts => {
    const d = t.draft.deadline;
    const action = draft.status === 'DRAFT' ? (role === 'lead' ? d.leadDraft : d.partnerDraft) : role === 'lead' ? d.leadAwaiting : d.partnerAwaiting;
    return { subject: reminder === '7d' ? d.subject7d : d.subject48h, intro: d.intro, action, button: d.button };
  };
  return draftActionEmail(draft, texts, (title, t) => ({ title, callId: draft.callId, closes: formatDateTime(t, closesAt) }), link, expiresAt);
}
