import type { TrackingView } from '../use-cases/track-application.ts';
import { html } from './html.ts';
import { actorLabels, formatDate, formatDateTime, formatEuros, statusLabels } from './labels.ts';
import { renderPage } from './layout.ts';

/** The applicants' tracking page (French): status, decision, and the dated history. */
export function trackingPage(view: TrackingView): string {
  const decision = view.decision;
  const body = html`<h1>Suivi de votre candidature</h1>
<p><strong>${view.project.title}</strong> — appel ${view.callId}</p>
<p>Statut : <span class="status">${statusLabels[view.status]}</span></p>
${decision
    ? html`<h2>Décision</h2>
<p>${decision.outcome === 'APPROVED'
        ? html`Subvention accordée${decision.grantedAmount !== undefined ? html` : <strong>${formatEuros(decision.grantedAmount)}</strong>` : ''}.`
        : 'Candidature non retenue.'}
${decision.reason ? html`<br>${decision.reason}` : ''} <span class="muted">(${formatDateTime(decision.at)})</span></p>`
    : ''}
<h2>Le projet</h2>
<dl>
<dt>Début prévu</dt><dd>${formatDate(view.project.startDate)}</dd>
<dt>Durée</dt><dd>${view.project.durationMonths} mois</dd>
<dt>Coût total</dt><dd>${formatEuros(view.budget.totalCost)}</dd>
<dt>Montant demandé</dt><dd>${formatEuros(view.budget.requestedAmount)}</dd>
</dl>
<h2>Historique</h2>
<ol class="history">
${view.history.map(
    (e) => html`<li><time datetime="${e.at}">${formatDateTime(e.at)}</time> — <strong>${statusLabels[e.status]}</strong> <span class="muted">(${actorLabels[e.actor] ?? e.actor})</span>${e.reason ? html`<br>${e.reason}` : ''}</li>
`,
  )}</ol>`;
  return renderPage({ title: 'Suivi de votre candidature', body });
}
