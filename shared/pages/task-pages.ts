import { countryLabel, fill, formatDate, formatDateTime, formatMonths, formatPercent, kindLabel, localize, themeLabel, type Catalogue } from '../i18n/index.ts';
import type { FieldIssue } from '../i18n/issues.ts';
import { formatSide } from '../i18n/money.ts';
import type { CoChairSide } from '../schemas/call.ts';
import { grantField, reviewCriteria } from '../schemas/decisions.ts';
import type { DecideTaskResult } from '../use-cases/decide-task.ts';
import type { ApplicationSummary, TaskPageModel } from '../use-cases/show-task.ts';
import { applicationFields, applicationLabels } from './application-fields.ts';
import { budgetFacts } from './budget-facts.ts';
import { documentTable } from './document-table.ts';
import { emptyState, errorSummary, flatten, formState, inputField, radioGroup, textareaField, type FormState } from './fields.ts';
import { fillHtml, html, trusted, type SafeHtml } from './html.ts';
import { langQuery, renderPage, type PageFrame } from './layout.ts';

const colon = (t: Catalogue) => (t.meta.lang === 'fr' ? ' : ' : ': ');

function summary(t: Catalogue, app: ApplicationSummary, ceiling: number | undefined, madPerEur: number | undefined): SafeHtml {
  const s = t.summary;
  const authority = (a: ApplicationSummary['leadAuthority']) =>
    html`<bdi>${a.name}</bdi> <span class="muted">(${kindLabel(t, a.kind)}${t.common.separator}${countryLabel(t, a.country)})</span>`;
  const share = formatPercent(t, app.cofinancingShare);
  return html`<h2>${s.heading}</h2>
<dl class="facts">
<dt>${s.call}</dt><dd><bdi>${app.callTitle ? localize(t, app.callTitle) : app.callId}</bdi></dd>
<dt>${s.project}</dt><dd><strong><bdi>${app.project.title}</bdi></strong></dd>
<dt>${s.reference}</dt><dd>${app.id}</dd>
<dt>${s.theme}</dt><dd>${themeLabel(t, app.project.theme, app.themeLabel)}</dd>
<dt>${s.lead}</dt><dd>${authority(app.leadAuthority)}</dd>
<dt>${s.partner}</dt><dd>${authority(app.partnerAuthority)}</dd>
<dt>${s.start}</dt><dd>${formatDate(t, app.project.startDate)}</dd>
<dt>${s.duration}</dt><dd>${formatMonths(t, app.project.durationMonths)}</dd>
${budgetFacts(t, app.budget, madPerEur)}
<dt>${s.share}</dt><dd>${ceiling === undefined ? share : fill(s.shareValue, { share, ceiling: formatPercent(t, ceiling) })}</dd>
</dl>
${app.project.summary ? html`<h3>${s.summary}</h3><blockquote dir="auto">${app.project.summary}</blockquote>` : ''}`;
}

/** Labels of the decision forms' fields, for the error summary. */
function decisionLabels(t: Catalogue, review: boolean): Record<string, string> {
  return {
    decision: review ? t.task.reviewLegend : t.task.committeeLegend,
    ...Object.fromEntries(reviewCriteria.map((c) => [c, t.criteria[c]])),
    comment: t.task.comment,
    grantedFR: t.task.granted.FR,
    grantedMA: t.task.granted.MA,
  };
}

function reviewFields(t: Catalogue, state: FormState): SafeHtml {
  const error = (name: string) => state.errors.get(name);
  return html`${radioGroup(state, {
    name: 'decision',
    legend: t.task.reviewLegend,
    options: (['favorable', 'unfavorable', 'changes'] as const).map((d) => [d, t.decisions[d]] as const),
  })}
<fieldset>
<legend>${t.task.scoresLegend}</legend>
<table class="grid">
<thead><tr><th scope="col">${t.task.criterionColumn}</th><th scope="col">${t.task.scoreColumn}</th></tr></thead>
<tbody>
${reviewCriteria.map((c) => {
  const message = error(c);
  const ids = [`${c}-hint`, ...(message ? [`${c}-error`] : [])].join(' ');
  return html`<tr><th scope="row"><label for="${c}">${t.criteria[c]}</label><span class="hint" id="${c}-hint">${t.criteriaHelp[c]}</span></th>
<td>${message ? html`<span class="field-error" id="${c}-error">${message}</span>` : ''}<input type="number" id="${c}" name="${c}" value="${state.values[c] ?? ''}" min="1" max="5" step="1" inputmode="numeric" required aria-describedby="${ids}"${message ? trusted(' aria-invalid="true"') : ''}></td></tr>
`;
})}</tbody>
</table>
</fieldset>
${textareaField(state, { name: 'comment', label: t.task.comment, hint: t.task.commentReviewHelp, attrs: trusted(' maxlength="5000" rows="6" dir="auto"') })}`;
}

/** A co-chair grants from their own side, in its currency: France 1 € at least, Morocco possibly 0. */
function committeeFields(t: Catalogue, state: FormState, side: CoChairSide, requested: number, madPerEur: number | undefined): SafeHtml {
  return html`${radioGroup(state, {
    name: 'decision',
    legend: t.task.committeeLegend,
    options: (['approve', 'reject'] as const).map((d) => [d, t.decisions[d]] as const),
  })}
${inputField(state, {
  name: grantField[side],
  label: t.task.granted[side],
  hint: fill(t.task.grantedHelp[side], { max: formatSide(t, side, requested, madPerEur) }),
  type: 'number',
  value: requested,
  attrs: html` min="${side === 'FR' ? 1 : 0}" max="${requested}" step="1" inputmode="numeric"`,
  className: 'short',
})}
${textareaField(state, { name: 'comment', label: t.task.comment, hint: t.task.commentCommitteeHelp, attrs: trusted(' maxlength="5000" rows="6" dir="auto"') })}`;
}

/** For a co-chair: what the reviewer said, where the other co-chair stands, what is left to award. */
function committeeContext(t: Catalogue, model: TaskPageModel): SafeHtml | string {
  const c = model.committee;
  if (!c) return '';
  const review = c.review;
  const other = c.otherCoChair;
  const otherText =
    other.status === 'waiting'
      ? t.task.otherWaiting
      : other.status === 'decided'
        ? fill(t.task.otherDecided, { date: other.at ? formatDateTime(t, other.at) : '' })
        : other.status === 'closed'
          ? t.task.otherClosed
          : t.task.otherUnknown;
  const envelope = c.envelope;
  const amount = (value: number) => formatSide(t, c.side, value, model.madPerEur);
  return html`${
    review
      ? html`<h2>${t.task.reviewerHeading}</h2>
<p>${t.task.reviewerRecommendation}${colon(t)}<strong>${t.decisions[review.decision]}</strong></p>
<table class="grid">
<thead><tr><th scope="col">${t.task.criterionColumn}</th><th scope="col">${t.task.scoreColumn}</th></tr></thead>
<tbody>${reviewCriteria.map((k) => html`<tr><th scope="row">${t.criteria[k]}</th><td>${review.scores[k]} / 5</td></tr>`)}</tbody>
</table>
<h3>${t.task.reviewerComment}</h3>
${review.comment ? html`<blockquote dir="auto">${review.comment}</blockquote>` : html`<p class="muted">${t.task.noReviewerComment}</p>`}`
      : ''
  }
<h2>${t.task.otherCoChairHeading}</h2>
<p><strong>${t.task.otherCoChair[other.side]}</strong> ${otherText}</p>
${
  envelope
    ? html`<h2>${t.task.envelopeHeading[c.side]}</h2>
<dl class="facts">
<dt>${t.task.envelopeTotal}</dt><dd>${amount(envelope.total)}</dd>
<dt>${t.task.envelopeCommitted}</dt><dd>${amount(envelope.committed)}</dd>
<dt>${t.task.envelopeAvailable}</dt><dd><strong>${amount(envelope.available)}</strong></dd>
</dl>
${c.requested > envelope.available ? html`<p class="field-warning">${t.task.envelopeShort}</p>` : ''}`
    : ''
}`;
}

export interface DecisionFormState {
  /** What was posted, put back in the form. */
  values: Readonly<Record<string, string>>;
  issues: readonly FieldIssue[];
}

/**
 * The decision page of a task link: the application, what the decider needs to know, and a form
 * that POSTs to the same path with the link's signature. Showing it changes nothing. With
 * `posted`, the same page again with the errors of a refused decision beside their fields.
 */
export function decisionPage(model: TaskPageModel, frame: PageFrame, posted?: DecisionFormState): string {
  const { t } = frame;
  const title = t.task.title[model.stage];
  const resubmission = model.stage === 'resubmission' && model.resubmission ? model.resubmission : undefined;
  const state = posted ? formState(posted.values, posted.issues) : resubmission ? formState(flatten(resubmission.values)) : emptyState;
  const fields =
    model.stage === 'review'
      ? reviewFields(t, state)
      : resubmission
        ? applicationFields(t, state, resubmission.rules)
        : committeeFields(t, state, model.committee?.side ?? 'FR', model.committee?.requested ?? model.application.budget.requestedAmount, model.madPerEur);
  const labels = resubmission ? applicationLabels(t) : decisionLabels(t, model.stage === 'review');
  const issues = posted?.issues ?? [];
  const button = resubmission ? t.task.submitResubmission : t.task.submitDecision;
  const heading = resubmission ? t.task.resubmissionHeading : model.stage === 'review' ? t.task.reviewHeading : t.task.decisionHeading;
  const body = html`<h1>${title}</h1>
<p class="notice">${fill(t.task.personal, { date: formatDateTime(t, model.expiresAt) })}</p>
${
  issues.length > 0
    ? errorSummary(
        t,
        t.task.errorSummary,
        issues,
        (path) => labels[path] ?? path,
        (path) => (path === 'decision' ? `decision-group` : path),
        t.form.errorSummaryHelp,
      )
    : ''
}
${resubmission?.reviewComment ? html`<h2>${t.tracking.changesHeading}</h2><blockquote dir="auto">${resubmission.reviewComment}</blockquote>` : ''}
${summary(t, model.application, model.cofinancingCeiling, model.madPerEur)}
${
  // An application filed without a draft has none: nothing to list.
  model.documents.length > 0 ? documentTable(t, model.documents, { linksMinutes: Math.round(model.downloadExpirySeconds / 60) }) : ''
}
${committeeContext(t, model)}
<h2>${heading}</h2>
<form method="post" action="${model.taskId}${langQuery(frame)}" accept-charset="utf-8">
<input type="hidden" name="sig" value="${model.sig}">
${fields}
<button type="submit">${button}</button>
</form>`;
  return renderPage({ title, body, frame, hasErrors: issues.length > 0 });
}

/** The answer to a decision: what was recorded and what happens next. */
export function confirmationPage(result: DecideTaskResult, frame: PageFrame): string {
  const { t } = frame;
  const c = t.confirmation;
  const resubmitted = result.stage === 'resubmission';
  const title = resubmitted ? c.titleResubmitted : c.title;
  const words = (t.decisionWords as Record<string, string>)[result.decision] ?? result.decision;
  const next = (c.next as Record<string, string>)[result.decision] ?? '';
  const body = html`<h1>${title}</h1>
<div class="success" role="status"><p>${
    resubmitted
      ? c.thanksResubmitted
      : result.granted !== undefined
        ? fillHtml(c.thanksGranted, {
            decision: html`<strong>${words}</strong>`,
            amount: html`<strong>${formatSide(t, result.granted.side, result.granted.amount)}</strong>`,
          })
        : fillHtml(c.thanks, { decision: html`<strong>${words}</strong>` })
  }</p></div>
<h2>${t.tracking.nextHeading}</h2>
<p>${next}</p>
${result.trackingUrl ? html`<p><a href="${result.trackingUrl}${result.trackingUrl.includes('?') ? '&' : '?'}lang=${t.meta.lang}">${c.track}</a></p>` : ''}
<p class="muted">${c.close}</p>`;
  return renderPage({ title, body, frame });
}
