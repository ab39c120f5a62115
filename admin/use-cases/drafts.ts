import { type DraftStatus, contactOf } from '../../shared/domain/draft.ts';
import { costTotal } from '../../shared/domain/budget.ts';
import { dossierSections, missingFields } from '../../shared/schemas/dossier.ts';
import { draftRequests, type SideRequests } from './amounts.ts';
import { requireCall } from './applications.ts';
import type { AdminPorts } from './context.ts';

/** How far a draft is: what the secretariat follows before the close (no contact detail but the partner's being invited). */
export interface DraftProgress extends SideRequests {
  id: string;
  status: DraftStatus;
  title?: string;
  leadAuthority?: string;
  partnerAuthority?: string;
  /** Whether the partner has its own link (invited, or named in the dossier). */
  partnerInvited: boolean;
  /** Sections with nothing missing, of the four. */
  sectionsComplete: number;
  /** Fields still missing before the lead may ask to file. */
  missing: number;
  version: number;
  updatedAt: string;
  /** When the lead asked to file (AWAITING_PARTNER). */
  submitRequestedAt?: string;
  /** The budget as typed so far: the total cost (EUR), and each side's request (`SideRequests`). */
  totalCost: number;
  requestedMA: number;
}

/**
 * `drafts list`: a call's drafts (one Query of the index, never a Scan), by last change, oldest
 * first (those left aside show first), each with how far it is.
 */
export async function listCallDrafts({ repository }: Pick<AdminPorts, 'repository'>, callId: string, status?: DraftStatus): Promise<DraftProgress[]> {
  const call = await requireCall(repository, callId);
  const drafts = (await repository.listDrafts(callId)).filter((d) => status === undefined || d.status === status);
  return drafts
    .map((d): DraftProgress => {
      const missing = missingFields(d.dossier);
      const incomplete = new Set(missing.map((m) => m.path.split('.')[0]));
      return {
        id: d.id,
        status: d.status,
        ...(d.dossier.project?.title ? { title: d.dossier.project.title } : {}),
        ...(d.dossier.leadAuthority?.name ? { leadAuthority: d.dossier.leadAuthority.name } : {}),
        ...(d.dossier.partnerAuthority?.name ? { partnerAuthority: d.dossier.partnerAuthority.name } : {}),
        partnerInvited: contactOf(d, 'partner') !== undefined,
        sectionsComplete: dossierSections.filter((s) => !incomplete.has(s)).length,
        missing: missing.length,
        version: d.version,
        updatedAt: d.updatedAt,
        ...(d.submitRequestedAt ? { submitRequestedAt: d.submitRequestedAt } : {}),
        totalCost: costTotal(d.dossier.budget ?? {}),
        ...draftRequests(d.dossier.budget?.funding, call.madPerEur),
      };
    })
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
}
