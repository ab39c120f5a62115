import { createHash } from 'node:crypto';
import type { ApplicationRecord, Language } from '../domain/application.ts';
import { filingRulesOf } from '../domain/call-rules.ts';
import { isCallOpen } from '../domain/eligibility.ts';
import { CallClosedError, CallNotFoundError, IdempotencyConflictError, ValidationError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { trackingUrl } from '../links/links.ts';
import type { Clock, Mailer, Repository, Signer, Workflow } from '../ports/index.ts';
import { applicationInputSchema } from '../schemas/application.ts';
import { fileApplication } from './file-application.ts';
import { fileThroughPartner, type ThroughPartnerResult } from './file-through-partner.ts';
import { parseOrThrow } from './validate.ts';

export interface SubmitApplicationPorts {
  repository: Repository;
  workflow: Workflow;
  signer: Signer;
  /** Where the call needs the partner's confirmation: the partner's link, the lead's notice. */
  mailer: Mailer;
  clock: Clock;
  newId?: () => string;
  /** Called as soon as the application id is known (log correlation). */
  tagApplication?: (applicationId: string) => void;
  /**
   * The workflow did not start and the application could not be deleted either (two dependencies
   * failing at once): it waits for the client's retry. Told so that it is logged for the admins.
   */
  onUndoFailed?: (applicationId: string, error: unknown) => void;
}

export interface SubmitApplicationRequest {
  body: unknown;
  /** The raw `Idempotency-Key` header, if any. */
  idempotencyKey?: string | undefined;
  language: Language;
  baseUrl: string;
}

/** Filed (its workflow started), or, on a call where the partner confirms first, awaiting the partner. */
export type SubmitApplicationResult = { id: string; status: 'SUBMITTED'; trackingUrl: string } | ThroughPartnerResult;

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_\-:.]{1,128}$/;

/** JSON with object keys sorted at every level: the same body always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * POST /applications. Nothing is stored unless the application is valid and its call open, and
 * nothing stays half-done: an application exists only with its workflow started.
 * 1. Validate the Idempotency-Key header (if any) and the body (strict: no `status` from outside).
 * 2. The call must exist (404) and be open now (409).
 * 3. With a key: bind it to the body's SHA-256 and a new id, first writer wins; another body under
 *    the same key → 422; the same body → the id of the first request.
 * 4. Where the call needs the partner's confirmation, nothing is filed yet: the body becomes a
 *    joint dossier awaiting the partner, who is emailed its link to confirm it (file-through-partner.ts),
 *    and steps 5–7 are the partner's confirmation's. Otherwise:
 * 5. Create the application (SUBMITTED, the applicant's language, first history event) — a
 *    replay finds it created.
 * 6. Start its workflow (execution named after the id, so a replay starts nothing new).
 * 7. If 5 or 6 failed, the request that owns the id deletes the application and frees the key
 *    (retried briefly), and the caller gets 503 to retry. Should even that fail, the application
 *    waits, without workflow, for the retry with the same key, which starts it (`onUndoFailed`).
 */
export async function submitApplication(ports: SubmitApplicationPorts, request: SubmitApplicationRequest): Promise<SubmitApplicationResult> {
  const { repository, signer, clock } = ports;
  const key = request.idempotencyKey;
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError('En-tête Idempotency-Key invalide.', [
      { path: 'Idempotency-Key', message: '1 à 128 caractères parmi A–Z, a–z, 0–9, « _ », « - », « : » et « . »' },
    ]);
  }
  const input = parseOrThrow(applicationInputSchema, request.body, 'La candidature est invalide.');

  const call = await repository.getCall(input.callId);
  if (!call) throw new CallNotFoundError(`L’appel à projets « ${input.callId} » n’existe pas.`);
  const now = clock.now();
  if (!isCallOpen(call, now)) throw new CallClosedError(`L’appel à projets « ${input.callId} » n’est pas ouvert aux candidatures.`);

  const candidate = (ports.newId ?? newId)();
  let id = candidate;
  if (key !== undefined) {
    const bodyHash = createHash('sha256').update(canonicalJson(request.body)).digest('hex');
    const claimed = await repository.claimIdempotencyKey(key, bodyHash, candidate);
    if (claimed.bodyHash !== bodyHash) {
      throw new IdempotencyConflictError('Cette clé d’idempotence a déjà servi pour une autre candidature.');
    }
    id = claimed.applicationId;
  }
  // Only the request that chose the id undoes; a replay never deletes what another request made.
  const owner = id === candidate;
  ports.tagApplication?.(id);

  if (filingRulesOf(call).requirePartnerConfirmation) {
    return fileThroughPartner(ports, { input, call, id, language: request.language, baseUrl: request.baseUrl });
  }
  const at = now.toISOString();
  const record: ApplicationRecord = { ...input, id, status: 'SUBMITTED', language: request.language, createdAt: at, updatedAt: at };
  await fileApplication(ports, record, { at, status: 'SUBMITTED', actor: 'applicant' }, { owner, idempotencyKey: key });
  return { id, status: 'SUBMITTED', trackingUrl: await trackingUrl(signer, request.baseUrl, id) };
}
