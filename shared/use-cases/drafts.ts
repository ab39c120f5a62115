import type { CallRecord, Language } from '../domain/application.ts';
import { budgetRulesOf, filingRulesOf } from '../domain/call-rules.ts';
import {
  applicationFromDossier,
  canConfirmAt,
  changedSections,
  contactOf,
  type DraftContact,
  type DraftEvent,
  type DraftRecord,
  type DraftRole,
  type DraftStatus,
  draftLinkExpiry,
} from '../domain/draft.ts';
import { type DraftDocument, documentList } from '../domain/documents.ts';
import { documentIssues, isCallOpen } from '../domain/eligibility.ts';
import {
  BadSignatureError,
  CallClosedError,
  CallNotFoundError,
  DossierIncompleteError,
  DraftGoneError,
  DraftStateError,
  NotFoundError,
  ValidationError,
  WrongRoleError,
} from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import {
  confirmationRequestEmail,
  type DraftAbout,
  draftCreatedEmail,
  draftInvitationEmail,
  draftReturnedEmail,
  filingRequestedEmail,
} from '../emails/templates.ts';
import { contactTag, draftLink, trackingUrl } from '../links/links.ts';
import type { Clock, Mailer, Repository, Signer, Workflow } from '../ports/index.ts';
import {
  type DossierDraft,
  type DossierSection,
  dossierDraftSchema,
  dossierSchema,
  inviteSchema,
  missingFields,
  newDraftSchema,
  returnSchema,
} from '../schemas/dossier.ts';
import { beforeClose, checkLink, type DraftRequest, newDraftRecord, openDraft, requireStatus } from './draft-access.ts';
import { fileApplication } from './file-application.ts';
import { parseOrThrow } from './validate.ts';

/**
 * The joint dossier before it is filed: a draft both authorities build through their own signed
 * edit links (no account), which the lead asks to file and the partner confirms. Each function is
 * one request of the API; none writes unless the link, the role, the body and the draft's status
 * all allow it, and each write is one conditional write on the draft.
 */

export interface DraftPorts {
  repository: Repository;
  mailer: Mailer;
  signer: Signer;
  workflow: Workflow;
  clock: Clock;
  newId?: () => string;
  /** The application was filed but its workflow did not start and its undo failed too (logged for the admins). */
  onUndoFailed?: (applicationId: string, error: unknown) => void;
}

/** What a contact sees of a draft (`GET`, and a stale save's `current`). */
export interface DraftView {
  id: string;
  version: number;
  status: DraftStatus;
  callId: string;
  role: DraftRole;
  dossier: DossierDraft;
  /** Its documents, oldest first (shared/domain/documents.ts). */
  documents: DraftDocument[];
  history: DraftEvent[];
  returnComment?: string;
}

function only(role: DraftRole, actual: DraftRole, what: string): void {
  if (actual !== role)
    throw new WrongRoleError(role === 'lead' ? `Seule la collectivité française peut ${what}.` : `Seule la collectivité partenaire peut ${what}.`);
}

/** Until when a draft's edit links work: the call's close, plus the partner's confirmation window. */
export const linkExpiry = (call: CallRecord) => draftLinkExpiry(call, filingRulesOf(call).partnerConfirmationDays);

/** A draft as its emails name it. */
export const about = (draft: DraftRecord, call: CallRecord): DraftAbout => ({
  id: draft.id,
  callId: draft.callId,
  language: draft.language,
  title: draft.dossier.project?.title,
  callTitle: call.title,
});

const eventBy = (role: DraftRole, contact: DraftContact, at: string, action: DraftEvent['action'], extra: Partial<DraftEvent> = {}): DraftEvent => ({
  at,
  role,
  email: contact.email,
  action,
  ...extra,
});

async function viewOf(ports: DraftPorts, draft: DraftRecord, role: DraftRole): Promise<DraftView> {
  const history = await ports.repository.getDraftHistory(draft.id);
  return {
    id: draft.id,
    version: draft.version,
    status: draft.status,
    callId: draft.callId,
    role,
    dossier: draft.dossier,
    documents: documentList(draft.documents),
    history,
    ...(draft.returnComment === undefined ? {} : { returnComment: draft.returnComment }),
  };
}

/**
 * POST /drafts. 1. Validate the call and the lead (at least its contact). 2. The call must exist
 * (404) and be open (409). 3. Store a version-1 draft with the lead's authority. 4. Email the lead
 * its edit link, also answered.
 */
export async function createDraft(
  ports: DraftPorts,
  request: { body: unknown; language: Language; baseUrl: string },
): Promise<{ id: string; version: number; status: 'DRAFT'; editUrl: string }> {
  const input = parseOrThrow(newDraftSchema, request.body, 'Le dossier est invalide.');
  const call = await ports.repository.getCall(input.callId);
  if (!call) throw new CallNotFoundError(`L’appel à projets « ${input.callId} » n’existe pas.`);
  const now = ports.clock.now();
  if (!isCallOpen(call, now)) throw new CallClosedError(`L’appel à projets « ${input.callId} » n’est pas ouvert aux candidatures.`);
  const at = now.toISOString();
  const lead = { name: input.leadAuthority.contact.name, email: input.leadAuthority.contact.email };
  const id = (ports.newId ?? newId)();
  const draft = await newDraftRecord(ports.signer, { id, call, language: request.language, dossier: { leadAuthority: input.leadAuthority }, lead, at });
  await ports.repository.createDraft(draft, eventBy('lead', lead, at, 'created'));
  const expires = linkExpiry(call);
  const editUrl = await draftLink(ports.signer, request.baseUrl, draft.id, 'lead', lead.email, expires);
  await ports.mailer.send({ to: [lead.email], ...draftCreatedEmail(about(draft, call), editUrl, expires) });
  return { id: draft.id, version: 1, status: 'DRAFT', editUrl };
}

/** GET /drafts/{id}: reads only (mail scanners follow links). */
export async function showDraft(ports: DraftPorts, request: Pick<DraftRequest, 'id' | 'sig'>): Promise<DraftView> {
  const { draft, role } = await openDraft(ports, request);
  return viewOf(ports, draft, role);
}

/** What the draft's page shows besides the draft: its call (title, deadline, themes), the call's rate, the draft's language. */
export interface DraftPageModel {
  view: DraftView;
  call: CallRecord;
  /** Dirhams for one euro, frozen by the call. */
  madPerEur: number;
  /** The page's language when the request names none. */
  language: Language;
}

/** GET /drafts/{id} for a browser: the draft and its call. Reads only. */
export async function showDraftPage(ports: DraftPorts, request: Pick<DraftRequest, 'id' | 'sig'>): Promise<DraftPageModel> {
  const { draft, call, role } = await openDraft(ports, request);
  return { view: await viewOf(ports, draft, role), call, madPerEur: budgetRulesOf(call).madPerEur, language: draft.language };
}

const IF_MATCH = /^\s*(?:W\/)?"([1-9]\d{0,8})"\s*$/;

export type SaveDraftResult = { outcome: 'saved'; version: number } | { outcome: 'stale'; current: DraftView };

/**
 * PUT /drafts/{id}. 1. The link, checked without a read (403/404/410). 2. `If-Match: "<version>"`
 * and the dossier, which may be incomplete, never malformed (400, nothing written); each top-level
 * section it holds replaces the stored one, the others are kept, and the history records the
 * sections it holds. 3. ONE conditional write, with no read before it: a DRAFT (410 filed, 409
 * awaiting the partner) of a call still open (410), still at that version — else `stale` (409,
 * with the current draft) — whose contact of the link's role is still the link's (403).
 *
 * `onlyChanged` (the page's form without JavaScript, which sends every field): the draft is read
 * first and only the sections that differ from it are written and recorded.
 */
export async function saveDraft(
  ports: DraftPorts,
  request: Pick<DraftRequest, 'id' | 'sig'> & { ifMatch: string | undefined; body: unknown; onlyChanged?: boolean },
): Promise<SaveDraftResult> {
  const by = await checkLink(ports, request);
  const version = IF_MATCH.exec(request.ifMatch ?? '')?.[1];
  if (version === undefined) {
    throw new ValidationError('En-tête If-Match invalide.', [{ path: 'If-Match', message: 'la version du dossier lue, entre guillemets : "3"' }]);
  }
  let sections = parseOrThrow(dossierDraftSchema, request.body, 'Le dossier est invalide.');
  const expectedVersion = Number(version);
  if (request.onlyChanged) {
    const { draft, role } = await openDraft(ports, request);
    if (draft.status === 'DRAFT' && draft.version !== expectedVersion) return { outcome: 'stale', current: await viewOf(ports, draft, role) };
    const changed = new Set(changedSections(draft.dossier, { ...draft.dossier, ...sections }));
    sections = Object.fromEntries(Object.entries(sections).filter(([section]) => changed.has(section as DossierSection)));
  }
  const result = await ports.repository.saveDraft(request.id, { expectedVersion, sections, by, at: ports.clock.now().toISOString() });
  if (result.outcome === 'saved') return result;
  if (result.outcome === 'stale') return { outcome: 'stale', current: await viewOf(ports, result.current, by.role) };
  switch (result.reason) {
    case 'missing':
      throw new NotFoundError('Ce dossier n’existe pas.');
    case 'contact':
      throw new BadSignatureError('Ce lien n’est pas valide.');
    case 'closed':
      throw new DraftGoneError(`L’appel à projets « ${result.current?.callId ?? ''} » est clos.`);
    default:
      requireStatus(result.current ?? { status: 'SUBMITTED' }, 'DRAFT');
      throw new DraftGoneError('Ce dossier ne peut plus être modifié.');
  }
}

/** POST /drafts/{id}/invite (the lead): stores the partner's contact and emails it its own edit link. */
export async function invitePartner(ports: DraftPorts, request: DraftRequest & { body: unknown }): Promise<{ id: string; partner: DraftContact }> {
  const { draft, call, role, contact } = await openDraft(ports, request);
  only('lead', role, 'inviter la collectivité partenaire');
  const { contact: partner } = parseOrThrow(inviteSchema, request.body, 'Le contact est invalide.');
  requireStatus(draft, 'DRAFT');
  const now = ports.clock.now();
  beforeClose(call, now);
  const tagged = { contact: partner, tag: await contactTag(ports.signer, draft.id, 'partner', partner.email) };
  if (!(await ports.repository.setDraftPartner(draft.id, tagged, eventBy(role, contact, now.toISOString(), 'invited')))) {
    requireStatus((await ports.repository.getDraft(draft.id)) ?? { status: 'SUBMITTED' }, 'DRAFT');
  }
  const expires = linkExpiry(call);
  const link = await draftLink(ports.signer, request.baseUrl, draft.id, 'partner', partner.email, expires);
  const lead = draft.dossier.leadAuthority?.name ?? draft.lead.name;
  await ports.mailer.send({ to: [partner.email], ...draftInvitationEmail(about(draft, call), lead, link, expires) });
  return { id: draft.id, partner };
}

export interface FiledDraft {
  id: string;
  status: 'SUBMITTED';
  trackingUrl: string;
}

/**
 * The dossier becomes the application under the draft's id, through the path of
 * `POST /applications`: the draft is marked filed (one conditional write from its status: a
 * concurrent return or save makes it refuse) while the application is created, and its workflow
 * starts once both hold — two round trips. Should the filing fail after the draft was marked, the
 * application is undone and a retry finds the draft filed without its application: it files it
 * again (`unfinished`), without marking anything twice.
 */
async function file(ports: DraftPorts, draft: DraftRecord, call: CallRecord, event: DraftEvent, baseUrl: string, unfinished = false): Promise<FiledDraft> {
  const dossier = parseOrThrow(dossierSchema, draft.dossier, 'Le dossier est incomplet.');
  // Checked again here: a document removed between the request to file and this filing must not slip through.
  const missingDocuments = documentIssues(call, documentList(draft.documents));
  if (missingDocuments.length > 0) throw new DossierIncompleteError('Des pièces du dossier manquent ou ont été refusées.', missingDocuments);
  const record = applicationFromDossier(draft, dossier, budgetRulesOf(call).madPerEur, event.at);
  const mark = async () => {
    const changed = await ports.repository.changeDraftStatus(draft.id, { from: draft.status, to: 'SUBMITTED' }, event);
    if (changed.outcome === 'refused') requireStatus(changed.current ?? { status: 'SUBMITTED' }, draft.status);
  };
  await fileApplication(
    ports,
    record,
    { at: event.at, status: 'SUBMITTED', actor: 'applicant' },
    { owner: 'if-created', ...(unfinished ? {} : { alongside: mark }) },
  );
  return { id: draft.id, status: 'SUBMITTED', trackingUrl: await trackingUrl(ports.signer, baseUrl, draft.id) };
}

/** A draft marked filed whose application is not there: its filing failed after the mark (see `file`). */
async function filedWithoutApplication(ports: DraftPorts, draft: DraftRecord): Promise<boolean> {
  return draft.status === 'SUBMITTED' && !(await ports.repository.getApplication(draft.id));
}

/**
 * POST /drafts/{id}/submit (the lead). 1. A DRAFT of a call still open (410 otherwise). 2. Complete
 * (422 with every missing field, and every required document not yet accepted, `documents.<type>`). 3. A call that needs no confirmation files it at once; otherwise
 * the draft awaits the partner (at the version that was checked: 409 if a save came between), who
 * is emailed its link to confirm, and the lead is told.
 */
export async function requestFiling(ports: DraftPorts, request: DraftRequest): Promise<{ id: string; status: 'AWAITING_PARTNER' } | FiledDraft> {
  const { draft, call, role, contact } = await openDraft(ports, request);
  only('lead', role, 'demander le dépôt du dossier');
  if (draft.status === 'AWAITING_PARTNER') return { id: draft.id, status: 'AWAITING_PARTNER' };
  if (!filingRulesOf(call).requirePartnerConfirmation && (await filedWithoutApplication(ports, draft))) {
    return file(ports, draft, call, eventBy(role, contact, ports.clock.now().toISOString(), 'confirmed'), request.baseUrl, true);
  }
  requireStatus(draft, 'DRAFT');
  const now = ports.clock.now();
  beforeClose(call, now);
  const issues = [...missingFields(draft.dossier), ...documentIssues(call, documentList(draft.documents))];
  if (issues.length > 0) throw new DossierIncompleteError('Le dossier est incomplet.', issues);
  const at = now.toISOString();
  const rules = filingRulesOf(call);
  if (!rules.requirePartnerConfirmation) return file(ports, draft, call, eventBy(role, contact, at, 'confirmed'), request.baseUrl);

  const partner = contactOf(draft, 'partner') as DraftContact;
  const changed = await ports.repository.changeDraftStatus(
    draft.id,
    { from: 'DRAFT', to: 'AWAITING_PARTNER', version: draft.version },
    eventBy(role, contact, at, 'submit-requested'),
    { submitRequestedAt: at, partner: { contact: partner, tag: await contactTag(ports.signer, draft.id, 'partner', partner.email) } },
  );
  if (changed.outcome === 'refused') throw new DraftStateError('Le dossier a changé entre-temps : relisez-le, puis demandez à nouveau son dépôt.');
  if (changed.outcome === 'unchanged') return { id: draft.id, status: 'AWAITING_PARTNER' };
  const expires = linkExpiry(call);
  // While the call is open, then for the partner's days after this request (see canConfirmAt).
  const confirmAt = new Date(Math.max(Date.parse(call.closesAt), now.getTime() + rules.partnerConfirmationDays * 24 * 3600 * 1000));
  const link = await draftLink(ports.signer, request.baseUrl, draft.id, 'partner', partner.email, expires);
  await ports.mailer.send({ to: [partner.email], ...confirmationRequestEmail(about(draft, call), link, confirmAt, expires) });
  await ports.mailer.send({ to: [draft.lead.email], ...filingRequestedEmail(about(draft, call), confirmAt) });
  return { id: draft.id, status: 'AWAITING_PARTNER' };
}

/**
 * POST /drafts/{id}/confirm (the partner). An AWAITING_PARTNER draft, within the partner's window
 * (410 after it): filed as the application of the same id, its workflow started. A replay after
 * it was filed gets the same answer.
 */
export async function confirmDraft(ports: DraftPorts, request: DraftRequest): Promise<FiledDraft> {
  const { draft, call, role, contact } = await openDraft(ports, request);
  only('partner', role, 'confirmer le dépôt du dossier');
  if (draft.status === 'SUBMITTED') {
    if (await filedWithoutApplication(ports, draft)) {
      return file(ports, draft, call, eventBy(role, contact, ports.clock.now().toISOString(), 'confirmed'), request.baseUrl, true);
    }
    return { id: draft.id, status: 'SUBMITTED', trackingUrl: await trackingUrl(ports.signer, request.baseUrl, draft.id) };
  }
  requireStatus(draft, 'AWAITING_PARTNER');
  const now = ports.clock.now();
  if (!canConfirmAt(call, draft.submitRequestedAt, filingRulesOf(call).partnerConfirmationDays, now)) {
    throw new DraftGoneError('Le délai de confirmation du dépôt est dépassé.');
  }
  return file(ports, draft, call, eventBy(role, contact, now.toISOString(), 'confirmed'), request.baseUrl);
}

/** POST /drafts/{id}/return (the partner): back to DRAFT with a comment, which the lead is emailed with its link. */
export async function returnDraft(ports: DraftPorts, request: DraftRequest & { body: unknown }): Promise<{ id: string; status: 'DRAFT' }> {
  const { draft, call, role, contact } = await openDraft(ports, request);
  only('partner', role, 'renvoyer le dossier');
  const { comment } = parseOrThrow(returnSchema, request.body, 'Le commentaire est invalide.');
  requireStatus(draft, 'AWAITING_PARTNER');
  const at = ports.clock.now().toISOString();
  const changed = await ports.repository.changeDraftStatus(
    draft.id,
    { from: 'AWAITING_PARTNER', to: 'DRAFT' },
    eventBy(role, contact, at, 'returned', { comment }),
    { returnComment: comment },
  );
  if (changed.outcome === 'refused') requireStatus(changed.current ?? { status: 'SUBMITTED' }, 'AWAITING_PARTNER');
  if (changed.outcome === 'changed') {
    const expires = linkExpiry(call);
    const link = await draftLink(ports.signer, request.baseUrl, draft.id, 'lead', draft.lead.email, expires);
    await ports.mailer.send({ to: [draft.lead.email], ...draftReturnedEmail(about(draft, call), comment, link, expires) });
  }
  return { id: draft.id, status: 'DRAFT' };
}
