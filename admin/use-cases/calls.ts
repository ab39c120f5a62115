import type { CallRecord } from '../../shared/domain/application.ts';
import { budgetRulesOf, envelopesOf, type Envelopes, filingRulesOf } from '../../shared/domain/call-rules.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import type { BudgetRules } from '../../shared/schemas/budget.ts';
import { callSchema } from '../../shared/schemas/call.ts';
import { parseOrThrow } from '../../shared/use-cases/validate.ts';
import { requireCall } from './applications.ts';
import type { AdminPorts } from './context.ts';

export interface PutCallResult {
  call: CallRecord;
  created: boolean;
}

/**
 * `calls put`: opens a call, or changes one.
 * 1. Validate the definition with the call schema (the one the API and the form use); the
 *    bookkeeping fields of `calls list --json` (`committed`, `awarded`, `committedMA`,
 *    `awardedMA`) are ignored.
 * 2. A change may not bring either envelope under what the call has already awarded on that side.
 * 3. Write it; the envelope's bookkeeping (committed total, awarded ids) is kept. A moved close
 *    moves the close every draft of the call keeps.
 */
export async function putCall({ repository }: Pick<AdminPorts, 'repository'>, definition: unknown): Promise<PutCallResult> {
  // What `calls list --json` prints may be edited and put back: its bookkeeping is the store's own.
  const { committed: _c, awarded: _a, committedMA: _cm, awardedMA: _am, ...fields } = (definition ?? {}) as Record<string, unknown>;
  const call = parseOrThrow(callSchema, Array.isArray(definition) ? definition : fields, 'invalid call definition');
  const existing = await repository.getCall(call.id);
  if (existing && call.envelope < existing.committed) {
    throw new ValidationError(`call ${call.id}: the envelope may not go under what is already awarded`, [
      { path: 'envelope', message: `${call.envelope} < ${existing.committed} EUR already committed` },
    ]);
  }
  const moroccan = call.envelopes?.MA.amount ?? 0;
  if (existing && moroccan < existing.committedMA) {
    throw new ValidationError(`call ${call.id}: the Moroccan envelope may not go under what is already awarded`, [
      { path: 'envelopes.MA.amount', message: `${moroccan} < ${existing.committedMA} MAD already committed` },
    ]);
  }
  await repository.putCall(call);
  // A draft checks its call's close in its own write (no read of the call): a moved deadline moves theirs.
  if (existing && existing.closesAt !== call.closesAt) await repository.moveDraftsClose(call.id, call.closesAt);
  const saved = await repository.getCall(call.id);
  return { call: saved ?? { ...call, committed: 0, awarded: [], committedMA: 0, awardedMA: [] }, created: !existing };
}

/** `calls list`: every call, by opening date. */
export async function listCalls({ repository }: Pick<AdminPorts, 'repository'>): Promise<CallRecord[]> {
  const calls = await repository.listCalls();
  return calls.sort((a, b) => a.opensAt.localeCompare(b.opensAt) || a.id.localeCompare(b.id));
}

/** Whether a call takes applications at `now`. */
export const isOpen = (call: Pick<CallRecord, 'opensAt' | 'closesAt'>, now: Date): boolean =>
  Date.parse(call.opensAt) <= now.getTime() && now.getTime() < Date.parse(call.closesAt);

/** The joint dossier's fields of a call: a call may leave them out, and then reads with defaults. */
export const dossierFields = [
  'envelopes',
  'madPerEur',
  'minLeadShare',
  'maxInKindShare',
  'grants',
  'partnerConfirmationDays',
  'requirePartnerConfirmation',
] as const;
export type DossierField = (typeof dossierFields)[number];

export interface CallDetails {
  call: CallRecord;
  /** The rules the call applies, its own or the defaults. */
  envelopes: Envelopes;
  budget: BudgetRules;
  filing: { partnerConfirmationDays: number; requirePartnerConfirmation: boolean };
  /** The dossier fields the call does not set (their defaults apply). */
  defaults: DossierField[];
}

/**
 * `calls show`: one call and the rules it applies to dossiers, read as the workflow reads them
 * (both envelopes, the frozen rate, the shares, each side's grant bounds, the partner's
 * confirmation), saying which ones are defaults.
 */
export async function showCall({ repository }: Pick<AdminPorts, 'repository'>, id: string): Promise<CallDetails> {
  const call = await requireCall(repository, id);
  return {
    call,
    envelopes: envelopesOf(call),
    budget: budgetRulesOf(call),
    filing: filingRulesOf(call),
    defaults: dossierFields.filter((field) => call[field] === undefined),
  };
}
