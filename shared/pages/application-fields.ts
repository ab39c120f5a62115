import { fill, formatDay, formatEuros, kindLabel, themeLabel, type Catalogue } from '../i18n/index.ts';
import { frenchKinds, moroccanKinds } from '../schemas/application.ts';
import { inputField, selectField, textareaField, type FormState } from './fields.ts';
import { html, trusted, type SafeHtml } from './html.ts';
import { shareText, type CallRules } from './share.ts';

export type { CallRules };

/**
 * The application's fields, shared by the application form (`GET /`) and the resubmission page
 * (the decision page of a `resubmission` task): the same names (dotted paths of the schema), the
 * same labels, the same checks.
 */

type Side = 'leadAuthority' | 'partnerAuthority';

/** Every field's label, by its name: the error summary names fields with them. */
export function applicationLabels(t: Catalogue): Record<string, string> {
  const f = t.form;
  const side = (key: Side, legend: string) => ({
    [`${key}.name`]: `${legend} — ${f.authorityName}`,
    [`${key}.country`]: `${legend} — ${f.country}`,
    [`${key}.kind`]: `${legend} — ${f.kind}`,
    [`${key}.contact.name`]: `${legend} — ${f.contactName}`,
    [`${key}.contact.email`]: `${legend} — ${f.contactEmail}`,
    [`${key}.contact.phone`]: `${legend} — ${f.contactPhone}`,
  });
  return {
    callId: f.call,
    'project.title': f.projectTitle,
    'project.summary': f.projectSummary,
    'project.theme': f.theme,
    'project.startDate': f.startDate,
    'project.durationMonths': f.duration,
    ...side('leadAuthority', t.summary.lead),
    ...side('partnerAuthority', t.summary.partner),
    'budget.totalCost': f.totalCost,
    'budget.requestedAmount': f.requestedAmount,
  };
}

function authority(t: Catalogue, state: FormState, key: Side, rules: { legend: string; country: 'FR' | 'MA'; example: string }): SafeHtml {
  const f = t.form;
  const kinds = rules.country === 'FR' ? frenchKinds : moroccanKinds;
  const section = key === 'leadAuthority' ? 'section-lead' : 'section-partner';
  return html`<fieldset>
<legend>${rules.legend}</legend>
<input type="hidden" name="${key}.country" value="${rules.country}">
${inputField(state, { name: `${key}.name`, label: f.authorityName, hint: rules.example, attrs: html` required maxlength="200" autocomplete="${section} organization" dir="auto"` })}
${selectField(state, {
  name: `${key}.kind`,
  label: f.kind,
  placeholder: f.kindChoose,
  options: kinds.map((k) => [k, kindLabel(t, k)] as const),
  attrs: trusted(' required'),
})}
${inputField(state, { name: `${key}.contact.name`, label: f.contactName, attrs: html` required maxlength="120" autocomplete="${section} name" dir="auto"` })}
${inputField(state, {
  name: `${key}.contact.email`,
  label: f.contactEmail,
  hint: f.contactEmailHelp,
  type: 'email',
  attrs: html` required maxlength="254" autocomplete="${section} email" dir="ltr"`,
})}
${inputField(state, { name: `${key}.contact.phone`, label: f.contactPhone, type: 'tel', attrs: html` maxlength="25" autocomplete="${section} tel" dir="ltr"` })}
</fieldset>`;
}

/**
 * The project, both authorities and the budget, with the live co-financing share. `rules` (the
 * call's) adds its bounds to the hints; without them the schema's own bounds apply.
 */
export function applicationFields(t: Catalogue, state: FormState, rules?: CallRules): SafeHtml {
  const f = t.form;
  const themes = (rules?.themes ?? []).map((th) => [th.code, themeLabel(t, th.code, th.label)] as const);
  const current = state.values['project.theme'];
  // A theme the call no longer lists (a resubmission) stays selectable, so nothing changes silently.
  if (current && !themes.some(([code]) => code === current)) themes.push([current, themeLabel(t, current)] as const);
  const share = shareText(t, state.values['budget.totalCost'], state.values['budget.requestedAmount'], rules);
  const amountHint = rules
    ? `${f.amountHelp} ${fill(f.grantOutside, { min: formatEuros(t, rules.grant.min), max: formatEuros(t, rules.grant.max) })}`
    : f.amountHelp;
  return html`<fieldset>
<legend>${f.projectLegend}</legend>
${inputField(state, { name: 'project.title', label: f.projectTitle, attrs: trusted(' required maxlength="200" dir="auto"') })}
${textareaField(state, { name: 'project.summary', label: f.projectSummary, hint: f.projectSummaryHelp, attrs: trusted(' required maxlength="5000" rows="8" dir="auto"') })}
${selectField(state, { name: 'project.theme', label: f.theme, placeholder: f.themeChoose, options: themes, attrs: trusted(' required') })}
${inputField(state, {
  name: 'project.startDate',
  label: f.startDate,
  hint: rules ? fill(f.startTooEarly, { date: formatDay(t, rules.closesAt) }) : f.startDateHelp,
  type: 'date',
  attrs: trusted(' required'),
  className: 'short',
})}
${inputField(state, {
  name: 'project.durationMonths',
  label: f.duration,
  hint: rules ? fill(f.durationHelp, { min: rules.durationMonths.min, max: rules.durationMonths.max }) : undefined,
  type: 'number',
  attrs: trusted(' required min="1" max="120" step="1" inputmode="numeric"'),
  className: 'short',
})}
</fieldset>
${authority(t, state, 'leadAuthority', { legend: f.leadLegend, country: 'FR', example: f.authorityNameHelpLead })}
${authority(t, state, 'partnerAuthority', { legend: f.partnerLegend, country: 'MA', example: f.authorityNameHelpPartner })}
<fieldset>
<legend>${f.budgetLegend}</legend>
${inputField(state, { name: 'budget.totalCost', label: f.totalCost, hint: f.amountHelp, attrs: trusted(' required inputmode="numeric" autocomplete="off"'), className: 'short' })}
${inputField(state, { name: 'budget.requestedAmount', label: f.requestedAmount, hint: amountHint, attrs: trusted(' required inputmode="numeric" autocomplete="off"'), className: 'short' })}
<div class="share" id="share">
<h3 id="share-title">${f.shareHeading}</h3>
<p id="share-text" aria-live="polite">${share.text}</p>
<meter id="share-meter" min="0" max="1" low="${rules?.cofinancingCeiling ?? 1}" high="${rules?.cofinancingCeiling ?? 1}" optimum="0" value="${share.share === undefined ? 0 : Math.min(1, share.share)}" aria-labelledby="share-title"></meter>
</div>
</fieldset>`;
}
