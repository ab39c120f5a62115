import type { TaskStage } from '../domain/application.ts';
import type { Status } from '../domain/status.ts';

export const statusLabels: Readonly<Record<Status, string>> = {
  SUBMITTED: 'Déposée',
  INELIGIBLE: 'Non recevable',
  IN_REVIEW: 'En instruction',
  CHANGES_REQUESTED: 'Modifications demandées',
  WITHDRAWN: 'Retirée (délai dépassé)',
  IN_COMMITTEE: 'En comité',
  APPROVED: 'Accordée',
  REJECTED: 'Refusée',
  ERROR: 'Incident technique (les administrateurs sont prévenus)',
};

export const stageLabels: Readonly<Record<TaskStage, string>> = {
  review: 'Avis d’instruction',
  'committee-FR': 'Décision du coprésident français',
  'committee-MA': 'Décision du coprésident marocain',
  resubmission: 'Modification du dossier',
};

export const kindLabels: Readonly<Record<string, string>> = {
  commune: 'commune',
  epci: 'EPCI',
  departement: 'département',
  region: 'région',
  province_prefecture: 'province / préfecture',
};

export const criterionLabels = {
  relevance: 'Pertinence',
  feasibility: 'Faisabilité',
  partnership: 'Qualité du partenariat',
  impact: 'Impact',
} as const;

export const actorLabels: Readonly<Record<string, string>> = {
  applicant: 'porteurs du projet',
  workflow: 'traitement automatique',
  reviewer: 'instructeur',
  committee: 'comité conjoint',
  admin: 'administrateur',
};

const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });
const date = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' });

export const formatEuros = (n: number): string => euros.format(n);
export const formatPercent = (share: number): string => percent.format(share);
/** An instant, in Paris time (the fund's secretariat). */
export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso));
/** A calendar date (`2027-09-01`). */
export const formatDate = (isoDate: string): string => date.format(new Date(`${isoDate}T00:00:00Z`));
