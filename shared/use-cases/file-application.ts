import type { ApplicationRecord, HistoryEvent } from '../domain/application.ts';
import type { Repository } from '../ports/index.ts';
import type { SubmitApplicationPorts } from './submit-application.ts';

/** Pauses between attempts to undo a submission (the fault that made us undo may touch the table too). */
const UNDO_BACKOFF_MS = [0, 250, 750];

/**
 * Deletes the application and frees its key, retried briefly. Whether it was undone: when not, the
 * application stays without its workflow until the client's retry with the same key starts it.
 */
async function undo(repository: Repository, id: string, key: string | undefined): Promise<boolean> {
  for (const pause of UNDO_BACKOFF_MS) {
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    try {
      await repository.deleteApplication(id);
      if (key !== undefined) await repository.releaseIdempotencyKey(key);
      return true;
    } catch {
      // tried again after a pause
    }
  }
  return false;
}

/**
 * Files an application: creates it with its first history event, then starts its workflow (named
 * after its id, so a replay starts nothing new). `claim.alongside`, when given, is a write that must
 * hold too (a draft marked filed): made at the same time as the creation, and the workflow starts
 * only once both have. If any step fails, the request that owns the id — known in advance
 * (`true`), or `'if-created'`: only when this very call created it — deletes the application and
 * frees its key (retried briefly), then rethrows for the caller to retry. Should even that fail,
 * the application waits, without workflow, for the retry that starts it (`onUndoFailed`).
 */
export async function fileApplication(
  ports: Pick<SubmitApplicationPorts, 'repository' | 'workflow' | 'onUndoFailed'>,
  record: ApplicationRecord,
  first: HistoryEvent,
  claim: { owner: boolean | 'if-created'; idempotencyKey?: string | undefined; alongside?: () => Promise<unknown> },
): Promise<void> {
  let created = false;
  try {
    const [creation, alongside] = await Promise.allSettled([ports.repository.createApplication(record, first), claim.alongside?.()]);
    if (creation.status === 'rejected') throw creation.reason;
    created = creation.value === 'created';
    if (alongside.status === 'rejected') throw alongside.reason;
    await ports.workflow.start(record.id);
  } catch (error) {
    // Transient (throttling, 5xx) → 503 with Retry-After; anything else is a bug → 500. Either way
    // the client retries: a retry finds what is left and starts its workflow.
    const owner = claim.owner === 'if-created' ? created : claim.owner;
    if (owner && !(await undo(ports.repository, record.id, claim.idempotencyKey))) ports.onUndoFailed?.(record.id, error);
    throw error;
  }
}
