import type { Dossier, DossierDraft, DossierSection } from '../schemas/dossier.ts';
import { dossierSections } from '../schemas/dossier.ts';
import type { ApplicationRecord, Language } from './application.ts';
import { costTotal, requestedEur } from './budget.ts';
import { type DraftDocument, documentList } from './documents.ts';

/**
 * A draft: a dossier built on the server by both authorities before it is filed. Pure types and
 * rules, no I/O.
 *
 * `DRAFT` (being built, invisible to the fund) → `AWAITING_PARTNER` (the lead asked to file; the
 * partner must confirm) → `SUBMITTED` (filed: the same id is now the application). The partner may
 * send it back (`DRAFT`); a call that needs no confirmation files straight from `DRAFT`.
 */
export const draftStatuses = ['DRAFT', 'AWAITING_PARTNER', 'SUBMITTED'] as const;
export type DraftStatus = (typeof draftStatuses)[number];

/** Who holds an edit link: the French lead authority's contact or the Moroccan partner's. */
export const draftRoles = ['lead', 'partner'] as const;
export type DraftRole = (typeof draftRoles)[number];

export interface DraftContact {
  name: string;
  email: string;
}

export interface DraftRecord {
  id: string;
  callId: string;
  status: DraftStatus;
  /** 1 at creation, one more at every save of the dossier: a save names the version it started from. */
  version: number;
  /** The language emails about the draft are written in (then French). */
  language: Language;
  dossier: DossierDraft;
  lead: DraftContact;
  partner?: DraftContact;
  createdAt: string;
  updatedAt: string;
  /** When the lead asked to file (the partner's confirmation window runs from it). */
  submitRequestedAt?: string;
  /** The partner's comment when it sent the dossier back. */
  returnComment?: string;
  /** The call's close, copied from the call (and kept in step with it): a save checks it in its one write. */
  closesAt: string;
  /**
   * The tag the edit links of each role's current contact carry (shared/links/links.ts
   * `contactTag`): a save checks it in its one write, so a replaced contact's links stop saving.
   */
  linkTags: { lead: string; partner?: string };
  /** Its documents by id (shared/domain/documents.ts); none on a draft that never had one. */
  documents?: Record<string, DraftDocument>;
}

export const draftActions = ['created', 'saved', 'invited', 'submit-requested', 'returned', 'confirmed'] as const;
export type DraftAction = (typeof draftActions)[number];

/** One entry of a draft's history: who (role and address), when, what, and which sections a save changed. */
export interface DraftEvent {
  at: string;
  role: DraftRole;
  /** The contact who acted (empty only for a stored save whose contact tag is unknown). */
  email: string;
  action: DraftAction;
  sections?: DossierSection[];
  comment?: string;
}

const TRANSITIONS: Readonly<Record<DraftStatus, readonly DraftStatus[]>> = {
  DRAFT: ['AWAITING_PARTNER', 'SUBMITTED'],
  AWAITING_PARTNER: ['SUBMITTED', 'DRAFT'],
  SUBMITTED: [],
};

export function canDraftTransition(from: DraftStatus, to: DraftStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The top-level sections whose content differs between two dossiers (order-sensitive for lists). */
export function changedSections(before: DossierDraft, after: DossierDraft): DossierSection[] {
  return dossierSections.filter((section) => JSON.stringify(before[section] ?? null) !== JSON.stringify(after[section] ?? null));
}

const DAY_MS = 24 * 3600 * 1000;

/** Whether a draft may still be saved, invited to or asked to be filed: only before the call closes. */
export function isBeforeClose(call: { closesAt: string }, now: Date): boolean {
  return now.getTime() < Date.parse(call.closesAt);
}

/**
 * Whether the partner may still confirm: while the call is open, or after its close when the lead
 * asked to file before it and the partner's window (`partnerConfirmationDays` after that request)
 * has not run out.
 */
export function canConfirmAt(call: { closesAt: string }, submitRequestedAt: string | undefined, partnerConfirmationDays: number, now: Date): boolean {
  if (isBeforeClose(call, now)) return true;
  if (submitRequestedAt === undefined) return false;
  const requested = Date.parse(submitRequestedAt);
  return requested < Date.parse(call.closesAt) && now.getTime() <= requested + partnerConfirmationDays * DAY_MS;
}

/**
 * When a draft's edit links lapse: the end of the last window in which anyone may act on it (the
 * close, then the partner's confirmation days).
 */
export function draftLinkExpiry(call: { closesAt: string }, partnerConfirmationDays: number): Date {
  return new Date(Date.parse(call.closesAt) + partnerConfirmationDays * DAY_MS);
}

/** The contact of a role (the partner's is the invited one, else the dossier's own). */
export function contactOf(draft: Pick<DraftRecord, 'lead' | 'partner' | 'dossier'>, role: DraftRole): DraftContact | undefined {
  if (role === 'lead') return draft.lead;
  if (draft.partner) return draft.partner;
  const contact = draft.dossier.partnerAuthority?.contact;
  return contact?.name && contact.email ? { name: contact.name, email: contact.email } : undefined;
}

/**
 * The application a confirmed dossier becomes, under the draft's id, with the draft's documents
 * (their objects stay under the same prefix): its budget keeps the cost lines and sources, and carries the two figures everything downstream reads, in euros — the total
 * cost (every line) and the request (both sides of the fund, the Moroccan one at the call's rate).
 */
export function applicationFromDossier(
  draft: Pick<DraftRecord, 'id' | 'callId' | 'language' | 'documents'>,
  dossier: Dossier,
  madPerEur: number,
  at: string,
): ApplicationRecord {
  const { project, leadAuthority, partnerAuthority, budget } = dossier;
  return {
    id: draft.id,
    callId: draft.callId,
    status: 'SUBMITTED',
    language: draft.language,
    createdAt: at,
    updatedAt: at,
    project,
    leadAuthority,
    partnerAuthority,
    budget: { totalCost: costTotal(budget), requestedAmount: requestedEur(budget, madPerEur), lines: budget.lines, funding: budget.funding },
    ...(draft.documents && Object.keys(draft.documents).length > 0 ? { documents: documentList(draft.documents) } : {}),
  };
}
