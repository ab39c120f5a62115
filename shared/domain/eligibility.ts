import type { ApplicationInput } from '../schemas/application.ts';
import type { Call } from '../schemas/call.ts';

/** A failed eligibility rule: a stable code for machines and a French reason for people. */
export interface Ineligibility {
  rule: string;
  reason: string;
}

type Rule = (a: ApplicationInput, c: Call) => Ineligibility | undefined;

const fmt = (n: number) => new Intl.NumberFormat('fr-FR').format(n);

const rules: Rule[] = [
  (a) =>
    a.leadAuthority.country === 'FR' ? undefined : { rule: 'lead-french', reason: 'Le porteur de projet doit être une collectivité territoriale française.' },
  (a) =>
    a.partnerAuthority.country === 'MA'
      ? undefined
      : { rule: 'partner-moroccan', reason: 'La collectivité partenaire doit être une collectivité territoriale marocaine.' },
  (a, c) =>
    c.themes.some((t) => t.code === a.project.theme)
      ? undefined
      : {
          rule: 'theme',
          reason: `Le thème « ${a.project.theme} » ne fait pas partie des thèmes de l’appel (${c.themes.map((t) => t.label.fr).join(', ')}).`,
        },
  (a, c) =>
    a.project.durationMonths >= c.durationMonths.min && a.project.durationMonths <= c.durationMonths.max
      ? undefined
      : {
          rule: 'duration',
          reason: `La durée du projet (${a.project.durationMonths} mois) doit être comprise entre ${c.durationMonths.min} et ${c.durationMonths.max} mois.`,
        },
  (a, c) =>
    a.budget.requestedAmount <= Math.floor(a.budget.totalCost * c.cofinancingCeiling)
      ? undefined
      : {
          rule: 'cofinancing-ceiling',
          reason: `Le montant demandé (${fmt(a.budget.requestedAmount)} €) dépasse ${Math.round(c.cofinancingCeiling * 100)} % du coût total (${fmt(Math.floor(a.budget.totalCost * c.cofinancingCeiling))} €).`,
        },
  (a, c) =>
    a.budget.requestedAmount >= c.grant.min && a.budget.requestedAmount <= c.grant.max
      ? undefined
      : {
          rule: 'grant-bounds',
          reason: `Le montant demandé (${fmt(a.budget.requestedAmount)} €) doit être compris entre ${fmt(c.grant.min)} € et ${fmt(c.grant.max)} €.`,
        },
  (a, c) =>
    Date.parse(`${a.project.startDate}T00:00:00Z`) > Date.parse(c.closesAt)
      ? undefined
      : {
          rule: 'start-date',
          reason: `Le projet doit commencer après la clôture de l’appel (${c.closesAt.slice(0, 10)}).`,
        },
];

/** Every failed rule, in a stable order; an empty list means eligible. Pure. */
export function checkEligibility(application: ApplicationInput, call: Call): Ineligibility[] {
  return rules.map((rule) => rule(application, call)).filter((r): r is Ineligibility => r !== undefined);
}

/** Whether a call accepts submissions at `now` (refused at the API otherwise, nothing stored). */
export function isCallOpen(call: Call, now: Date): boolean {
  const t = now.getTime();
  return t >= Date.parse(call.opensAt) && t < Date.parse(call.closesAt);
}

/** The co-financing share of the total cost the application asks for (0..1). */
export function cofinancingShare(budget: ApplicationInput['budget']): number {
  return budget.requestedAmount / budget.totalCost;
}
