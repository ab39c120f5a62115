import type { Language, TaskStage } from '../domain/application.ts';

/**
 * Every text of every email, in one object per language. Texts are plain text with `{name}`
 * placeholders (see `fill`); the renderer escapes them for HTML. Adding a language is adding one
 * object of type `Catalogue` below (`dir: 'rtl'` for Arabic).
 */
export const fr = {
  lang: 'fr',
  dir: 'ltr' as 'ltr' | 'rtl',
  locale: 'fr-FR',
  timeZone: 'Europe/Paris',
  timeZoneLabel: 'heure de Paris',
  brand: 'Dispositif conjoint de soutien à la coopération décentralisée franco-marocaine',
  footer: 'Message envoyé automatiquement par la plateforme du dispositif. Merci de ne pas y répondre.',
  greeting: 'Bonjour,',
  linkFallback: 'Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :',
  personalLink: 'Ce lien vous est personnel : ne le transférez pas. Il est valable jusqu’au {expires}.',
  labels: {
    project: 'Projet',
    reference: 'Référence du dossier',
    call: 'Appel à projets',
    lead: 'Collectivité française (porteur)',
    partner: 'Collectivité marocaine (partenaire)',
    requested: 'Montant demandé',
    granted: 'Montant accordé',
    duration: 'Durée',
    stage: 'Étape en attente',
    since: 'Dossier déposé le',
    reminders: 'Relances sans réponse',
    error: 'Erreur',
  },
  months: '{count} mois',
  stages: {
    review: 'avis de l’instructeur',
    'committee-FR': 'décision de la coprésidence française du comité mixte',
    'committee-MA': 'décision de la coprésidence marocaine du comité mixte',
    resubmission: 'nouvelle version du dossier',
  } satisfies Record<TaskStage, string>,
  tracking: {
    intro: 'Suivez l’avancement du dossier à tout moment à cette adresse (gardez-la : elle donne accès au dossier) :',
  },
  received: {
    subject: 'Dossier reçu — {title}',
    intro: 'Le dossier « {title} » déposé au titre de l’appel à projets {callId} a bien été reçu.',
    next: 'Sa recevabilité va être vérifiée, puis il sera confié à un instructeur. Les deux collectivités seront informées par courriel à chaque étape.',
  },
  resubmitted: {
    subject: 'Nouvelle version reçue — {title}',
    intro: 'La nouvelle version du dossier « {title} » a bien été reçue.',
    next: 'Sa recevabilité va être vérifiée à nouveau, puis elle sera instruite. Les deux collectivités seront informées par courriel à chaque étape.',
  },
  ineligible: {
    subject: 'Dossier non recevable — {title}',
    intro: 'Le dossier « {title} » ne remplit pas les conditions de l’appel à projets {callId}, pour les raisons suivantes :',
    next: 'Le dossier est clos et ne sera pas instruit.',
  },
  withdrawn: {
    subject: 'Dossier clos sans suite — {title}',
    intro: 'Aucune nouvelle version du dossier « {title} » n’a été déposée dans le délai fixé après la demande de modifications de l’instructeur.',
    next: 'Le dossier est donc clos sans suite.',
  },
  approved: {
    subject: 'Subvention accordée — {title}',
    intro: 'Le comité mixte a retenu le projet « {title} ». Une subvention de {amount} lui est accordée.',
    next: 'La suite de la procédure vous sera communiquée par le secrétariat du dispositif.',
  },
  rejected: {
    subject: 'Dossier non retenu — {title}',
    intro: 'Le comité mixte n’a pas retenu le projet « {title} ».',
    reason: 'Motif :',
  },
  changes: {
    subject: 'Modifications demandées — {title}',
    intro: 'L’instructeur du dossier « {title} » demande des modifications avant de poursuivre l’instruction :',
    action: 'Déposez une nouvelle version du dossier avec le lien ci-dessous. Sans nouvelle version dans le délai fixé, le dossier sera clos sans suite.',
    button: 'Déposer une nouvelle version',
  },
  reviewRequest: {
    subject: 'Avis d’instruction attendu — {title}',
    intro: 'Le dossier « {title} » (appel à projets {callId}) vous est confié pour instruction.',
    action: 'Consultez le dossier et donnez votre avis (favorable, défavorable ou demande de modifications) avec le lien ci-dessous.',
    button: 'Instruire le dossier',
  },
  reviewReminder: {
    subject: 'Rappel : avis d’instruction attendu — {title}',
    intro: 'Le dossier « {title} » (appel à projets {callId}) attend toujours votre avis d’instruction.',
  },
  committeeRequest: {
    subject: 'Décision du comité mixte attendue — {title}',
    intro: 'L’instruction du dossier « {title} » (appel à projets {callId}) est terminée : votre décision de coprésidence du comité mixte est attendue.',
    action: 'Consultez le dossier et l’avis de l’instructeur, puis accordez la subvention (avec son montant) ou refusez-la avec le lien ci-dessous.',
    button: 'Prendre la décision',
  },
  committeeReminder: {
    subject: 'Rappel : décision du comité mixte attendue — {title}',
    intro: 'Le dossier « {title} » (appel à projets {callId}) attend toujours votre décision de coprésidence du comité mixte.',
  },
  escalation: {
    subject: 'Décision en attente après {count} relances — {title}',
    intro: 'Le dossier {id} (appel à projets {callId}) attend toujours : {stage}. {count} relances sont restées sans réponse.',
    next: 'L’attente continue. Vérifiez la disponibilité de la personne sollicitée ou réaffectez la décision.',
  },
  failure: {
    subject: 'Échec du traitement — dossier {id}',
    intro: 'Le traitement automatique du dossier {id} (appel à projets {callId}) a échoué. Le dossier est au statut ERROR et n’avancera plus sans intervention.',
    next: 'Consultez l’exécution de la machine à états de ce dossier et les journaux des fonctions pour en trouver la cause, puis relancez-le.',
    unknownCall: 'inconnu',
  },
};

export type Catalogue = typeof fr;

/** Applicants get their own language once it is translated; staff emails are in French. */
const catalogues: Readonly<Record<Language, Catalogue>> = { fr, ar: fr, en: fr };

export function catalogueFor(language: Language | undefined): Catalogue {
  return catalogues[language ?? 'fr'] ?? fr;
}

/** Whole euros in the catalogue's locale, e.g. « 45 000 € ». */
export function formatEuros(t: Catalogue, amount: number): string {
  return new Intl.NumberFormat(t.locale, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(amount);
}

/** A date and time in the catalogue's time zone, naming it, e.g. « 3 mars 2027 à 14:05 (heure de Paris) ». */
export function formatDateTime(t: Catalogue, at: Date | string): string {
  const formatted = new Intl.DateTimeFormat(t.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: t.timeZone }).format(
    new Date(at),
  );
  return `${formatted} (${t.timeZoneLabel})`;
}
