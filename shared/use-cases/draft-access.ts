import type { CallRecord } from '../domain/application.ts';
import type { Language } from '../domain/application.ts';
import { contactOf, type DraftContact, type DraftRecord, type DraftRole, type DraftStatus, isBeforeClose } from '../domain/draft.ts';
import { BadSignatureError, DraftGoneError, DraftStateError, NotFoundError } from '../domain/errors.ts';
import { checkDraftLink, contactTag } from '../links/links.ts';
import { sameMac } from '../links/signing.ts';
import type { Clock, Repository, Signer } from '../ports/index.ts';
import type { DossierDraft } from '../schemas/dossier.ts';

/**
 * Opening a draft through an edit link, and the rules every action on it starts from: what the
 * draft's actions (shared/use-cases/drafts.ts) and its documents' (documents.ts) share.
 */

/** What opening a draft through its edit link needs. */
export interface DraftReadPorts {
  repository: Repository;
  signer: Signer;
  clock: Clock;
}

/** A request made through an edit link: the draft's id and the link's `sig`. */
export interface DraftRequest {
  id: string;
  sig: string | undefined;
  baseUrl: string;
}

const DRAFT_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * Who an edit link speaks for (role and contact tag), checked without any read: 404 for an id of
 * the wrong shape, 403 forged, 410 lapsed.
 */
export async function checkLink(ports: DraftReadPorts, request: Pick<DraftRequest, 'id' | 'sig'>): Promise<{ role: DraftRole; tag: string }> {
  // Checked by shape before anything is read: a forged id costs no read.
  if (!DRAFT_ID.test(request.id)) throw new NotFoundError('Ce dossier n’existe pas.');
  const check = await checkDraftLink(ports.signer, request.id, request.sig, ports.clock.now());
  if (!check.ok && check.reason === 'bad-signature') throw new BadSignatureError('Ce lien n’est pas valide.');
  if (!check.ok) throw new DraftGoneError('Ce lien a expiré.');
  return check;
}

/** The draft, its call and who acts, from an edit link: 403 forged or for a replaced contact, 404 unknown, 410 lapsed. */
export async function openDraft(ports: DraftReadPorts, request: Pick<DraftRequest, 'id' | 'sig'>) {
  const { role, tag } = await checkLink(ports, request);
  const draft = await ports.repository.getDraft(request.id);
  if (!draft) throw new NotFoundError('Ce dossier n’existe pas.');
  const contact = contactOf(draft, role);
  if (!contact || !sameMac(await contactTag(ports.signer, draft.id, role, contact.email), tag)) throw new BadSignatureError('Ce lien n’est pas valide.');
  const call = await ports.repository.getCall(draft.callId);
  if (!call) throw new NotFoundError(`L’appel à projets « ${draft.callId} » n’existe plus.`);
  return { draft, call, role, contact };
}

/** 410 once filed; 409 for a status the action does not start from. */
export function requireStatus(draft: Pick<DraftRecord, 'status'>, status: DraftStatus): void {
  if (draft.status === status) return;
  if (draft.status === 'SUBMITTED') throw new DraftGoneError('Ce dossier est déjà déposé.');
  throw new DraftStateError(
    draft.status === 'AWAITING_PARTNER' ? 'Le dossier attend la confirmation de la collectivité partenaire.' : 'Le dossier est en cours de préparation.',
  );
}

export function beforeClose(call: CallRecord, now: Date): void {
  if (!isBeforeClose(call, now)) throw new DraftGoneError(`L’appel à projets « ${call.id} » est clos.`);
}

/**
 * A new draft, version 1, at `at`: with its call's close and the tag its contacts' edit links
 * carry (the partner's when it is known already), which a save checks in its one write.
 */
export async function newDraftRecord(
  signer: Signer,
  draft: { id: string; call: CallRecord; language: Language; dossier: DossierDraft; lead: DraftContact; partner?: DraftContact; at: string },
): Promise<DraftRecord> {
  const { id, call, lead, partner, at } = draft;
  return {
    id,
    callId: call.id,
    status: 'DRAFT',
    version: 1,
    language: draft.language,
    dossier: draft.dossier,
    lead,
    ...(partner ? { partner } : {}),
    createdAt: at,
    updatedAt: at,
    closesAt: new Date(call.closesAt).toISOString(),
    linkTags: {
      lead: await contactTag(signer, id, 'lead', lead.email),
      ...(partner ? { partner: await contactTag(signer, id, 'partner', partner.email) } : {}),
    },
  };
}
