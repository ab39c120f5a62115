/**
 * The French texts the workflow itself writes (eligibility reasons, which are the administration's,
 * in French): apart from the catalogue, so that a function that only checks eligibility does not
 * carry every page's text. `fr.ts` names these same objects.
 */

export const frMeta = {
  lang: 'fr',
  dir: 'ltr' as 'ltr' | 'rtl',
  locale: 'fr-FR',
  timeZone: 'Europe/Paris',
  timeZoneLabel: 'heure de Paris',
  /** The language's own name, for the language switcher. */
  name: 'Français',
};

export const frBudgetRules = {
  'budget-total': 'Le budget doit comporter des dépenses : son coût total déclaré est de {total}.',
  'budget-balance': 'Les ressources, {sources}, doivent équilibrer les dépenses, {costs} : l’écart est de {difference}.',
  'cofinancing-ceiling': 'La subvention demandée au dispositif, {requested}, dépasse {ceiling} du coût total de {total}, soit {max} au plus.',
  'lead-share': 'La contribution propre du porteur, {lead}, doit atteindre {minShare} du coût total de {total}, soit {min} au moins.',
  'in-kind-share': 'La contribution en nature du porteur, {inKind}, ne doit pas dépasser {maxShare} de sa contribution de {contribution}, soit {max} au plus.',
  'grant-bounds-fr': 'La subvention demandée au côté français, {requested}, doit être comprise entre {min} et {max}.',
  'grant-bounds-ma': 'La subvention demandée au côté marocain, {requested}, doit être comprise entre {min} et {max}.',
};

export const frDocumentShortfalls = {
  missing: 'Pièce manquante : {label}.',
  refused: 'Pièce refusée : {label}. Envoyez un nouveau fichier.',
  unchecked: 'Pièce non vérifiée : {label}. Terminez son envoi.',
};
