import { budgetRuleCodes, type BudgetRuleCode } from '../domain/budget.ts';
import { cofinancingShare } from '../domain/eligibility.ts';
import { budgetReason } from '../i18n/budget-reasons.ts';
import { grantText } from '../i18n/money.ts';
import { budgetFacts } from './budget-facts.ts';
import { documentTable } from './document-table.ts';
import { fill, formatDate, formatDateTime, formatDay, formatMonths, formatPercent, localize, themeLabel } from '../i18n/index.ts';
import type { TrackingPageModel } from '../use-cases/track-application.ts';
import { fillHtml, html, type SafeHtml } from './html.ts';
import { renderPage, type PageFrame } from './layout.ts';

const isBudgetRule = (rule: string): rule is BudgetRuleCode => (budgetRuleCodes as readonly string[]).includes(rule);

/** Reasons the workflow writes are French; a translated page says so to screen readers (`lang`). */
const WORKFLOW_ACTORS: ReadonlySet<string> = new Set(['workflow', 'applicant']);

/**
 * The applicants' tracking page: the status in words, what happens next and until when, the
 * decision and its amount, the reviewer's request when changes are asked, the documents (names
 * and statuses, no link), and the dated history.
 */
export function trackingPage(model: TrackingPageModel, frame: PageFrame, options: { justSubmitted?: boolean } = {}): string {
  const { t } = frame;
  const french = t.meta.lang === 'fr';
  const actor = (name: string) => (t.actors as Record<string, string>)[name] ?? name;
  // Someone's own words or our French reasons inside a page that may be right to left: isolated.
  const frenchText = (text: string): SafeHtml => (french ? html`${text}` : html`<span lang="fr" dir="ltr">${text}</span>`);
  const decision = model.decision;
  const share = cofinancingShare(model.budget);

  const next = html`<h2>${t.tracking.nextHeading}</h2>
<p>${t.tracking.next[model.status]}</p>
${
  model.waiting.length > 0
    ? html`<ul>${model.waiting.map((w) => html`<li>${fill(t.tracking.deadline[w.stage], { date: formatDay(t, w.until) })}</li>`)}</ul>`
    : ''
}`;

  const changes =
    model.status === 'CHANGES_REQUESTED'
      ? html`<h2>${t.tracking.changesHeading}</h2>
${model.reviewComment ? html`<blockquote dir="auto">${model.reviewComment}</blockquote>` : ''}
<p class="notice">${t.tracking.changesEmailed}</p>`
      : '';

  const ineligible =
    model.status === 'INELIGIBLE' && model.ineligibility && model.ineligibility.length > 0
      ? html`<h2>${t.tracking.ineligibleHeading}</h2>
<ul>${model.ineligibility.map((i) => {
          // A budget rule keeps its figures: said again in the page's language, amounts in both currencies.
          if (i.values && isBudgetRule(i.rule)) return html`<li>${budgetReason(t, { rule: i.rule, values: i.values }, model.madPerEur)}</li>`;
          const general = (t.ineligibility as Record<string, string>)[i.rule];
          // The workflow's reason carries the figures (the call's bounds); in French it says it all.
          if (french || !general) return html`<li>${frenchText(i.reason)}</li>`;
          return html`<li>${general}<br><span class="muted">${t.common.frenchOriginal} ${frenchText(i.reason)}</span></li>`;
        })}</ul>`
      : '';

  const decided = decision
    ? html`<h2>${t.tracking.decisionHeading}</h2>
<p class="lead">${
        decision.outcome === 'APPROVED'
          ? fillHtml(t.tracking.approved, { amount: html`<strong>${grantText(t, decision, model.madPerEur)}</strong>` })
          : t.tracking.rejected
      }</p>
${decision.outcome === 'REJECTED' && decision.reason ? html`<p>${t.tracking.reason}</p><blockquote dir="auto">${decision.reason}</blockquote>` : ''}
<p class="muted">${fill(t.tracking.decidedAt, { date: formatDateTime(t, decision.at) })}</p>`
    : '';

  const body = html`${options.justSubmitted ? html`<div class="success" role="status"><p>${t.tracking.submitted}</p></div>` : ''}
<h1>${t.tracking.title}</h1>
<p class="lead"><strong><bdi>${model.project.title}</bdi></strong><br><span class="muted"><bdi>${model.callTitle ? localize(t, model.callTitle) : fill(t.tracking.call, { callId: model.callId })}</bdi></span></p>
<p>${t.tracking.statusLabel}${t.meta.lang === 'fr' ? ' : ' : ': '}<span class="status status-${model.status}">${t.status[model.status]}</span></p>
${decided}
${changes}
${ineligible}
${next}
<h2>${t.tracking.projectHeading}</h2>
<dl class="facts">
<dt>${t.summary.theme}</dt><dd>${themeLabel(t, model.project.theme, model.themeLabel)}</dd>
<dt>${t.summary.start}</dt><dd>${formatDate(t, model.project.startDate)}</dd>
<dt>${t.summary.duration}</dt><dd>${formatMonths(t, model.project.durationMonths)}</dd>
${budgetFacts(t, model.budget, model.madPerEur)}
<dt>${t.summary.share}</dt><dd>${formatPercent(t, share)}</dd>
</dl>
${
  // Names and statuses only: the applicants' own files are never offered back through this page.
  model.documents.length > 0
    ? documentTable(
        t,
        model.documents.map((d) => {
          const label = model.documentLabels?.[d.type];
          return label ? { ...d, label } : d;
        }),
      )
    : ''
}
<h2>${t.tracking.historyHeading}</h2>
<ol class="timeline">
${model.history.map(
  (
    e,
  ) => html`<li><time datetime="${e.at}">${formatDateTime(t, e.at)}</time><strong>${fill(t.tracking.historyEvent, { status: t.status[e.status], actor: actor(e.actor) })}</strong>${
    e.reason ? html`<br>${WORKFLOW_ACTORS.has(e.actor) ? frenchText(e.reason) : html`<span dir="auto">${e.reason}</span>`}` : ''
  }</li>
`,
)}</ol>
<p class="notice">${t.tracking.keepLink}</p>`;
  return renderPage({ title: t.tracking.title, body, frame });
}
