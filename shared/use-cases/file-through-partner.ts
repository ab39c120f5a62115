import type { CallRecord, Language } from '../domain/application.ts';
import { legacyBudget } from '../domain/budget.ts';
import { partnerConfirmationDeadline } from '../domain/call-rules.ts';
import type { DraftContact, DraftEvent, DraftRecord } from '../domain/draft.ts';
import { DraftStateError } from '../domain/errors.ts';
import { confirmationRequestEmail, filingRequestedEmail } from '../emails/templates.ts';
import { draftLink, trackingUrl } from '../links/links.ts';
import type { Clock, Mailer, Repository, Signer } from '../ports/index.ts';
import type { ApplicationInput } from '../schemas/application.ts';
import { type Dossier, dossierSchema } from '../schemas/dossier.ts';
import { newDraftRecord } from './draft-access.ts';
import { about, linkExpiry } from './drafts.ts';
import { parseOrThrow } from './validate.ts';
import { sendOnce } from './workflow-support.ts';

/**
 * `POST /applications` with its one-page body, on a call where the Moroccan partner confirms
 * before anything is filed: the body becomes a joint dossier awaiting the partner, exactly as if
 * the lead had built it as a draft and asked to file it. The partner confirms it (then it is filed
 * as the application of the same id) or sends it back to the lead, through its own link.
 */

export interface FileThroughPartnerPorts {
  repository: Repository;
  mailer: Mailer;
  signer: Signer;
  clock: Clock;
}

/** What the request asks: the valid body, the call (open), the id the request owns or replays. */
export interface FileThroughPartnerRequest {
  input: ApplicationInput;
  call: CallRecord;
  id: string;
  language: Language;
  baseUrl: string;
}

export type ThroughPartnerResult =
  /** The lead's own edit link (where a browser is sent); JSON clients are answered `{ id, status }` only. */
  | { id: string; status: 'AWAITING_PARTNER'; editUrl: string }
  /** A replay after the partner confirmed: the application is filed. */
  | { id: string; status: 'SUBMITTED'; trackingUrl: string };

/**
 * The dossier of a one-page body: its project and both authorities as given, its budget as an
 * application stored with only its two totals reads (one cost line, the request as the French side
 * of the fund, the rest the lead's cash). Complete by construction: the partner can confirm it.
 */
function dossierOf(input: ApplicationInput): Dossier {
  const { project, leadAuthority, partnerAuthority, budget } = input;
  return parseOrThrow(dossierSchema, { project, leadAuthority, partnerAuthority, budget: legacyBudget(budget) }, 'La candidature est invalide.');
}

const contactIn = (authority: ApplicationInput['leadAuthority']): DraftContact => ({ name: authority.contact.name, email: authority.contact.email });

/**
 * 1. Store the draft under `id` (the lead's, created now, its dossier complete) — a replay finds it.
 * 2. Unless it was already asked (a replay), move it to AWAITING_PARTNER at its first version, with
 *    the partner's contact and the time of the request (the partner's window runs from it).
 * 3. Email the partner its link to confirm or send back, and the lead that the request went to the
 *    partner; each once, even over a client's retries after a failure.
 * A replay answers what the draft became: awaiting the partner, or filed (the partner confirmed);
 * sent back meanwhile → 409 (the lead acts through its own link now).
 */
export async function fileThroughPartner(ports: FileThroughPartnerPorts, request: FileThroughPartnerRequest): Promise<ThroughPartnerResult> {
  const { repository, signer } = ports;
  const { input, call, id, baseUrl } = request;
  // A replay after the partner confirmed: the application exists under the same id.
  if (await repository.getApplication(id)) return { id, status: 'SUBMITTED', trackingUrl: await trackingUrl(signer, baseUrl, id) };

  const at = ports.clock.now().toISOString();
  const lead = contactIn(input.leadAuthority);
  const partner = contactIn(input.partnerAuthority);
  const draft = await newDraftRecord(signer, { id, call, language: request.language, dossier: dossierOf(input), lead, partner, at });
  const event = (action: DraftEvent['action']): DraftEvent => ({ at, role: 'lead', email: lead.email, action });
  const created = (await repository.createDraft(draft, event('created'))) === 'created';
  // A replay finds the draft: asked already (answered as it is now), or not yet (the first request
  // stopped between its two writes: this one asks).
  let current: DraftRecord | undefined;
  if (created || !(await repository.getDraftHistory(id)).some((e) => e.action === 'submit-requested')) {
    // The partner and its links' tag are on the draft since its creation.
    const changed = await repository.changeDraftStatus(id, { from: 'DRAFT', to: 'AWAITING_PARTNER', version: 1 }, event('submit-requested'), {
      submitRequestedAt: at,
    });
    if (changed.outcome === 'changed') current = { ...draft, status: 'AWAITING_PARTNER', submitRequestedAt: at };
    if (changed.outcome === 'refused') current = changed.current;
  }
  current ??= await repository.getDraft(id);
  if (current?.status === 'SUBMITTED') return { id, status: 'SUBMITTED', trackingUrl: await trackingUrl(signer, baseUrl, id) };
  if (current?.status !== 'AWAITING_PARTNER') throw sentBack();

  const expires = linkExpiry(call);
  await requestConfirmation(ports, current, call, baseUrl, expires);
  return { id, status: 'AWAITING_PARTNER', editUrl: await draftLink(signer, baseUrl, id, 'lead', current.lead.email, expires) };
}

const sentBack = () => new DraftStateError('La collectivité partenaire a renvoyé le dossier : modifiez-le avec votre lien, puis demandez à nouveau son dépôt.');

/**
 * The partner's request to confirm (its own link) and the lead's notice, as when the lead asks to
 * file a draft; each sent once per draft, so that a retry after a failed send sends what is missing.
 */
async function requestConfirmation(ports: FileThroughPartnerPorts, draft: DraftRecord, call: CallRecord, baseUrl: string, expires: Date): Promise<void> {
  const deadline = partnerConfirmationDeadline(call, new Date(draft.submitRequestedAt ?? draft.updatedAt));
  const partner = draft.partner as DraftContact;
  const link = await draftLink(ports.signer, baseUrl, draft.id, 'partner', partner.email, expires);
  await sendOnce(ports, `draft-confirm:${draft.id}`, [partner.email], confirmationRequestEmail(about(draft, call), link, deadline, expires));
  await sendOnce(ports, `draft-requested:${draft.id}`, [draft.lead.email], filingRequestedEmail(about(draft, call), deadline));
}
