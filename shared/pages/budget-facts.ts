import { requestsBySide } from '../domain/budget.ts';
import type { ApplicationRecord } from '../domain/application.ts';
import { formatEuros, type Catalogue } from '../i18n/index.ts';
import { formatBoth, formatSide } from '../i18n/money.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * The budget's rows of a facts list (`<dl class="facts">`): the total cost and what is requested.
 * On a call with a Moroccan side (`madPerEur`), every amount in both currencies and the request
 * per side (France in EUR, Morocco in MAD); otherwise in euros, as one request.
 */
export function budgetFacts(t: Catalogue, budget: ApplicationRecord['budget'], madPerEur: number | undefined): SafeHtml {
  if (madPerEur === undefined) {
    return html`<dt>${t.summary.totalCost}</dt><dd>${formatEuros(t, budget.totalCost)}</dd>
<dt>${t.summary.requested}</dt><dd>${formatEuros(t, budget.requestedAmount)}</dd>`;
  }
  const requests = requestsBySide(budget);
  return html`<dt>${t.summary.totalCost}</dt><dd>${formatBoth(t, budget.totalCost, madPerEur)}</dd>
<dt>${t.summary.requestedFR}</dt><dd>${formatSide(t, 'FR', requests.FR, madPerEur)}</dd>
<dt>${t.summary.requestedMA}</dt><dd>${formatSide(t, 'MA', requests.MA, madPerEur)}</dd>`;
}
