import type { Issue } from '../domain/errors.ts';
import { html } from './html.ts';
import { renderPage } from './layout.ts';

export interface Problem {
  status: number;
  code: string;
  message: string;
  issues?: Issue[];
}

const titles: Readonly<Record<number, string>> = {
  400: 'Le formulaire contient des erreurs',
  403: 'Lien non valide',
  404: 'Page introuvable',
  409: 'Décision déjà enregistrée',
  410: 'Ce lien n’est plus actif',
  413: 'Envoi trop volumineux',
  415: 'Envoi non reconnu',
  503: 'Service momentanément indisponible',
};

const advice: Readonly<Record<number, string>> = {
  400: 'Rien n’a été enregistré. Revenez à la page précédente pour corriger les champs signalés, puis envoyez de nouveau.',
  409: 'Une décision a déjà été enregistrée avec ce lien ; elle ne peut pas être modifiée par ce moyen.',
  410: 'Aucune décision ne peut plus être enregistrée avec ce lien.',
  503: 'Rien n’a été enregistré. Réessayez dans quelques instants avec le même lien.',
};

/** The page for an error on an HTML route: what happened, what to do, whom to write to. */
export function problemPage(problem: Problem, options: { contact?: string | undefined } = {}): string {
  const title = titles[problem.status] ?? (problem.status >= 500 ? 'Erreur interne' : 'Requête refusée');
  const body = html`<h1>${title}</h1>
<p>${problem.message}</p>
${problem.issues && problem.issues.length > 0
    ? html`<div class="errors"><ul>${problem.issues.map((i) => html`<li>${i.path ? html`<strong>${i.path}</strong> : ` : ''}${i.message}</li>`)}</ul></div>`
    : ''}
${advice[problem.status] ? html`<p>${advice[problem.status]}</p>` : ''}
${options.contact && problem.status !== 400
    ? html`<p>Pour toute question, écrivez au secrétariat du dispositif : <a href="mailto:${options.contact}">${options.contact}</a>.</p>`
    : ''}`;
  return renderPage({ title, body });
}
