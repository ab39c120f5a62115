import { frenchKinds, moroccanKinds } from '../schemas/application.ts';
import { reviewCriteria } from '../schemas/decisions.ts';
import type { DecideTaskResult } from '../use-cases/decide-task.ts';
import type { ApplicationSummary, TaskPageModel } from '../use-cases/show-task.ts';
import { html, type SafeHtml } from './html.ts';
import { criterionLabels, formatDate, formatDateTime, formatEuros, formatPercent, kindLabels, stageLabels } from './labels.ts';
import { renderPage } from './layout.ts';

const countryLabel = (c: string) => (c === 'FR' ? 'France' : c === 'MA' ? 'Maroc' : c);

function summary(app: ApplicationSummary): SafeHtml {
  const authority = (a: ApplicationSummary['leadAuthority']) =>
    html`${a.name} <span class="muted">(${kindLabels[a.kind] ?? a.kind}, ${countryLabel(a.country)})</span>`;
  return html`<h2>Le dossier</h2>
<dl>
<dt>Appel</dt><dd>${app.callTitle ?? app.callId}</dd>
<dt>Projet</dt><dd><strong>${app.project.title}</strong></dd>
<dt>Thème</dt><dd>${app.themeLabel}</dd>
<dt>Porteur</dt><dd>${authority(app.leadAuthority)}</dd>
<dt>Partenaire</dt><dd>${authority(app.partnerAuthority)}</dd>
<dt>Début, durée</dt><dd>${formatDate(app.project.startDate)}, ${app.project.durationMonths} mois</dd>
<dt>Coût total</dt><dd>${formatEuros(app.budget.totalCost)}</dd>
<dt>Montant demandé</dt><dd>${formatEuros(app.budget.requestedAmount)}</dd>
<dt>Part cofinancée</dt><dd>${formatPercent(app.cofinancingShare)} du coût total</dd>
</dl>
<h3>Résumé</h3>
<blockquote>${app.project.summary}</blockquote>`;
}

const radio = (name: string, value: string, label: string, required = true) =>
  html`<span class="choice"><input type="radio" id="${name}-${value}" name="${name}" value="${value}"${required ? html` required` : ''}><label for="${name}-${value}">${label}</label></span>`;

function reviewFields(): SafeHtml {
  return html`<fieldset><legend>Votre avis</legend>
${radio('decision', 'favorable', 'Favorable')}
${radio('decision', 'unfavorable', 'Défavorable')}
${radio('decision', 'changes', 'Modifications à demander aux porteurs')}
</fieldset>
<fieldset><legend>Notes (1 = insuffisant, 5 = excellent)</legend>
${reviewCriteria.map(
    (c) => html`<label for="${c}">${criterionLabels[c]}</label><input type="number" id="${c}" name="${c}" min="1" max="5" step="1" required>
`,
  )}</fieldset>
<label for="comment">Commentaire (obligatoire sauf avis favorable ; transmis aux porteurs si vous demandez des modifications)</label>
<textarea id="comment" name="comment" maxlength="5000"></textarea>`;
}

function committeeFields(requested: number): SafeHtml {
  return html`<fieldset><legend>Votre décision</legend>
${radio('decision', 'approve', 'Accorder la subvention')}
${radio('decision', 'reject', 'Refuser')}
</fieldset>
<label for="grantedAmount">Montant accordé en euros (si accord ; au plus ${formatEuros(requested)})</label>
<input type="number" id="grantedAmount" name="grantedAmount" min="1" max="${requested}" step="1" value="${requested}">
<label for="comment">Commentaire (obligatoire en cas de refus)</label>
<textarea id="comment" name="comment" maxlength="5000"></textarea>`;
}

const input = (name: string, label: string, value: string | number | undefined, type = 'text', extra: SafeHtml | string = '') =>
  html`<label for="${name}">${label}</label><input type="${type}" id="${name}" name="${name}" value="${value ?? ''}"${extra}>
`;

const select = (name: string, label: string, options: readonly (readonly [string, string])[], current: string) =>
  html`<label for="${name}">${label}</label><select id="${name}" name="${name}" required>${options.map(
    ([value, text]) => html`<option value="${value}"${value === current ? html` selected` : ''}>${text}</option>`,
  )}</select>
`;

function resubmissionFields(model: NonNullable<TaskPageModel['resubmission']>): SafeHtml {
  const v = model.values;
  const kinds = [...new Set([...frenchKinds, ...moroccanKinds])].map((k) => [k, kindLabels[k] ?? k] as const);
  const countries = [['FR', 'France'], ['MA', 'Maroc']] as const;
  const themes = model.themes.length > 0 ? model.themes.map((t) => [t.code, t.label] as const) : [[v.project.theme, v.project.theme] as const];
  const authority = (key: 'leadAuthority' | 'partnerAuthority', legend: string) => {
    const a = v[key];
    return html`<fieldset><legend>${legend}</legend>
${input(`${key}.name`, 'Nom de la collectivité', a.name, 'text', html` required maxlength="200"`)}
${select(`${key}.country`, 'Pays', countries, a.country)}
${select(`${key}.kind`, 'Type de collectivité', kinds, a.kind)}
${input(`${key}.contact.name`, 'Contact : nom', a.contact.name, 'text', html` required maxlength="120"`)}
${input(`${key}.contact.email`, 'Contact : courriel', a.contact.email, 'email', html` required maxlength="254"`)}
${input(`${key}.contact.phone`, 'Contact : téléphone (facultatif)', a.contact.phone, 'tel')}
</fieldset>`;
  };
  return html`${model.reviewComment ? html`<h2>Modifications demandées par l’instructeur</h2><blockquote>${model.reviewComment}</blockquote>` : ''}
<fieldset><legend>Projet</legend>
${input('project.title', 'Titre', v.project.title, 'text', html` required maxlength="200"`)}
<label for="project.summary">Résumé</label><textarea id="project.summary" name="project.summary" required maxlength="5000">${v.project.summary}</textarea>
${select('project.theme', 'Thème', themes, v.project.theme)}
${input('project.startDate', 'Début prévu', v.project.startDate, 'date', html` required`)}
${input('project.durationMonths', 'Durée (mois)', v.project.durationMonths, 'number', html` required min="1" max="120" step="1"`)}
</fieldset>
${authority('leadAuthority', 'Collectivité porteuse (France)')}
${authority('partnerAuthority', 'Collectivité partenaire (Maroc)')}
<fieldset><legend>Budget (euros)</legend>
${input('budget.totalCost', 'Coût total', v.budget.totalCost, 'number', html` required min="1" step="1"`)}
${input('budget.requestedAmount', 'Montant demandé', v.budget.requestedAmount, 'number', html` required min="1" step="1"`)}
</fieldset>`;
}

/**
 * The decision page of a task link: the application, and a form that POSTs to the same path with
 * the link's signature. Showing it changes nothing.
 */
export function decisionPage(model: TaskPageModel): string {
  const title = stageLabels[model.stage];
  const fields =
    model.stage === 'review'
      ? reviewFields()
      : model.stage === 'resubmission' && model.resubmission
        ? resubmissionFields(model.resubmission)
        : committeeFields(model.application.budget.requestedAmount);
  const button = model.stage === 'resubmission' ? 'Déposer le dossier modifié' : 'Enregistrer ma décision';
  const body = html`<h1>${title}</h1>
<p class="muted">Ce lien vous est personnel et ne sert qu’une fois ; il est valable jusqu’au ${formatDateTime(model.expiresAt)}.</p>
${summary(model.application)}
<h2>${model.stage === 'resubmission' ? 'Modifier le dossier' : 'Votre décision'}</h2>
<form method="post" action="${encodeURIComponent(model.taskId)}" accept-charset="utf-8">
<input type="hidden" name="sig" value="${model.sig}">
${fields}
<button type="submit">${button}</button>
</form>`;
  return renderPage({ title, body });
}

const nextSteps: Readonly<Record<string, string>> = {
  favorable: 'Le dossier passe maintenant devant le comité conjoint, dont les deux coprésidents décideront.',
  unfavorable: 'Le dossier passe maintenant devant le comité conjoint, dont les deux coprésidents décideront.',
  changes: 'Les porteurs du projet reçoivent votre demande de modifications par courriel, avec un lien pour modifier leur dossier.',
  approve: 'La subvention est accordée lorsque les deux coprésidents l’ont approuvée, dans la limite de l’enveloppe de l’appel ; les porteurs en seront informés par courriel.',
  reject: 'Les porteurs du projet seront informés de la décision du comité par courriel.',
  resubmitted: 'Le dossier modifié va être vérifié de nouveau (recevabilité), puis instruit. Vous serez informés par courriel de chaque étape.',
};

const decisionWords: Readonly<Record<string, string>> = {
  favorable: 'avis favorable',
  unfavorable: 'avis défavorable',
  changes: 'demande de modifications',
  approve: 'accord',
  reject: 'refus',
};

/** The answer to a decision: what was recorded and what happens next. */
export function confirmationPage(result: DecideTaskResult): string {
  const resubmitted = result.stage === 'resubmission';
  const title = resubmitted ? 'Dossier modifié transmis' : 'Décision enregistrée';
  const body = html`<h1>${title}</h1>
${resubmitted
    ? html`<p>Merci : votre dossier modifié a bien été déposé.</p>`
    : html`<p>Merci. Décision enregistrée : <strong>${decisionWords[result.decision] ?? result.decision}${result.grantedAmount !== undefined ? html` de ${formatEuros(result.grantedAmount)}` : ''}</strong>.</p>`}
<p>${nextSteps[result.decision] ?? ''}</p>
${result.trackingUrl ? html`<p><a href="${result.trackingUrl}">Suivre la candidature</a></p>` : ''}
<p class="muted">Vous pouvez fermer cette page.</p>`;
  return renderPage({ title, body });
}
