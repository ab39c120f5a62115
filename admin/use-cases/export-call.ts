import type { ApplicationRecord, CallRecord } from '../../shared/domain/application.ts';
import { cofinancingShare } from '../../shared/domain/eligibility.ts';
import { type Catalogue, fr, type Language, textsFor, themeLabel } from '../../shared/i18n/index.ts';
import { reviewCriteria } from '../../shared/schemas/decisions.ts';
import { applicationAmounts } from './amounts.ts';
import { allApplications, requireCall } from './applications.ts';
import type { AdminPorts, Progress } from './context.ts';

/** One line of the export: figures and decisions, no contact (the committee does not need them). */
export interface ExportRow {
  id: string;
  status: string;
  submittedAt: string;
  theme: string;
  themeLabel: string;
  title: string;
  leadAuthority: string;
  leadKind: string;
  partnerAuthority: string;
  partnerKind: string;
  durationMonths: number;
  startDate: string;
  totalCost: number;
  /** The whole request in EUR (for a dossier, the Moroccan side converted at the call's rate). */
  requestedAmount: number;
  /** What the French side is asked, in EUR (an old-budget application's whole request). */
  requestedFR: number;
  /** What the Moroccan side is asked, in MAD; absent for an application filed with the old budget. */
  requestedMA?: number;
  /** `requestedMA` in EUR at the call's frozen rate (absent when the call has no rate). */
  requestedMAInEur?: number;
  /** Requested / total cost, 0–1. */
  cofinancingShare: number;
  recommendation?: string;
  scores: Partial<Record<(typeof reviewCriteria)[number], number>>;
  /** Mean of the four scores, two decimals. */
  averageScore?: number;
  decision?: 'APPROVED' | 'REJECTED';
  /** What the French side granted, in EUR. */
  grantedFR?: number;
  /** What the Moroccan side granted, in MAD (0 for an award from the French envelope alone). */
  grantedMA?: number;
  decidedAt?: string;
  /** The file names of its accepted documents, oldest first (a refused or unchecked file is no paper of the dossier). */
  documents: string[];
}

export interface CallExport {
  call: CallRecord;
  rows: ExportRow[];
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export function exportRow(app: ApplicationRecord, call: Pick<CallRecord, 'themes' | 'madPerEur'>, t: Catalogue = fr): ExportRow {
  const review = app.review;
  const { requestedFR, requestedMA, requestedMAInEur } = applicationAmounts(app, call.madPerEur);
  const scores = review ? Object.fromEntries(reviewCriteria.map((c) => [c, review[c]])) : {};
  const values = Object.values(scores) as number[];
  const accepted = (app.documents ?? []).filter((d) => d.status === 'ACCEPTED');
  return {
    id: app.id,
    status: app.status,
    submittedAt: app.createdAt,
    theme: app.project.theme,
    themeLabel: themeLabel(t, app.project.theme, call.themes.find((th) => th.code === app.project.theme)?.label),
    title: app.project.title,
    leadAuthority: app.leadAuthority.name,
    leadKind: app.leadAuthority.kind,
    partnerAuthority: app.partnerAuthority.name,
    partnerKind: app.partnerAuthority.kind,
    durationMonths: app.project.durationMonths,
    startDate: app.project.startDate,
    totalCost: app.budget.totalCost,
    requestedAmount: app.budget.requestedAmount,
    requestedFR,
    ...(requestedMA !== undefined ? { requestedMA } : {}),
    ...(requestedMAInEur !== undefined ? { requestedMAInEur } : {}),
    cofinancingShare: round(cofinancingShare(app.budget), 4),
    ...(review ? { recommendation: review.decision } : {}),
    scores,
    ...(values.length > 0 ? { averageScore: round(values.reduce((a, b) => a + b, 0) / values.length, 2) } : {}),
    ...(app.decision
      ? {
          decision: app.decision.outcome,
          ...(app.decision.grantedAmount !== undefined ? { grantedFR: app.decision.grantedAmount, grantedMA: app.decision.grantedMA ?? 0 } : {}),
          decidedAt: app.decision.at,
        }
      : {}),
    documents: accepted.map((d) => d.filename),
  };
}

/**
 * `export`: a call's applications for the joint steering committee.
 * 1. The call must exist.
 * 2. Read every status's applications from the index (paginated), reporting progress.
 * 3. One row each, by submission date: partners, theme, amounts (each side's request in its
 *    currency, the Moroccan one in EUR too), co-financing share, the
 *    reviewer's scores, the committee's decision, the names of its accepted documents. No
 *    contact details. The theme's label in
 *    `language` (the call's own, else French).
 */
export async function exportCall(
  { repository }: Pick<AdminPorts, 'repository'>,
  callId: string,
  { language = 'fr', progress }: { language?: Language; progress?: Progress } = {},
): Promise<CallExport> {
  const call = await requireCall(repository, callId);
  const t = textsFor(language);
  const rows: ExportRow[] = [];
  for await (const app of allApplications(repository, callId, undefined, progress)) rows.push(exportRow(app, call, t));
  rows.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.id.localeCompare(b.id));
  return { call, rows };
}
