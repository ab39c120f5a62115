import type { ApplicationRecord, HistoryEvent } from '../../shared/domain/application.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { documentPrefix } from '../../shared/domain/documents.ts';
import { isFinal, statuses } from '../../shared/domain/status.ts';
import type { Status } from '../../shared/domain/status.ts';
import { ENVELOPE_EXHAUSTED } from '../../shared/use-cases/award-grant.ts';
import { allApplications } from './applications.ts';
import type { AdminPorts, Progress } from './context.ts';

/** Statuses nothing can leave: only their applications are purged (ERROR may still be retried). */
export const FINAL_STATUSES: readonly Status[] = statuses.filter(isFinal);

/**
 * Reasons that came from a person's free text (a reviewer's request, the committee's comments),
 * replaced by the generic wording the workflow itself uses when there is no comment. Every other
 * reason is generated (eligibility rules, amounts, "no new version in time") and kept.
 */
export const GENERIC_REASONS: Readonly<Partial<Record<Status, string>>> = {
  CHANGES_REQUESTED: 'Modifications demandées par l’instructeur',
  REJECTED: 'Le comité mixte n’a pas retenu le projet',
};

export function redactedReason(event: HistoryEvent): string | undefined {
  const generic = GENERIC_REASONS[event.status];
  if (!generic || event.reason === undefined || event.reason === ENVELOPE_EXHAUSTED) return event.reason;
  return generic;
}

/**
 * What an application keeps once purged: authorities (public bodies), project title, theme,
 * dates, amounts, scores, statuses, decisions and who took them in office (reviewer, co-chairs).
 * Goes: both contacts (name, email, phone), the summary, the free-text comments, an error's cause
 * (an SES rejection may quote an address). Its documents go too, objects and versions (`purgePersonalData`);
 * their list stays on the record (types, names, sizes, statuses), as the history of what was filed.
 */
export function redactedFields(app: ApplicationRecord): Partial<ApplicationRecord> {
  const noContact = { name: '', email: '' };
  return {
    leadAuthority: { ...app.leadAuthority, contact: noContact },
    partnerAuthority: { ...app.partnerAuthority, contact: noContact },
    project: { ...app.project, summary: '' },
    ...(app.review ? { review: { ...app.review, comment: '' } } : {}),
    ...(app.committee ? { committee: Object.fromEntries(Object.entries(app.committee).map(([side, vote]) => [side, { ...vote, comment: '' }])) } : {}),
    ...(app.decision?.reason !== undefined
      ? {
          decision: {
            ...app.decision,
            reason: redactedReason({ at: app.decision.at, status: app.decision.outcome, actor: '', reason: app.decision.reason }) ?? '',
          },
        }
      : {}),
    ...(app.error ? { error: { name: app.error.name, at: app.error.at } } : {}),
  };
}

export interface PurgeCandidate {
  id: string;
  callId: string;
  status: Status;
  /** When it reached its final status. */
  closedAt: string;
  /** Objects (every version of its documents) deleted from the bucket; absent in a dry run. */
  objectsDeleted?: number;
}

export interface PurgeResult {
  dryRun: boolean;
  closedBefore: string;
  /** Final applications looked at (purged before or not). */
  scanned: number;
  /** Closed before the date and not purged yet: purged now, or would be (dry run). */
  purged: PurgeCandidate[];
}

/**
 * `purge`: removes the personal data of applications closed before a date.
 * 1. The date must be in the past (a typo must not purge what just closed).
 * 2. For each call and each final status, page through the index: applications not purged yet
 *    whose last change is before the date; their closing time is confirmed from the history.
 * 3. Unless a dry run, for each: blank contacts, summary and comments (one patch), make
 *    free-text history reasons generic, delete its tasks (recipients, tokens, decisions' text),
 *    delete every object and every version under `applications/{id}/` (its documents, refused
 *    ones and abandoned uploads included), then stamp `personalDataPurgedAt`, last, so that an
 *    interrupted purge is simply run again.
 */
export async function purgePersonalData(
  ports: Pick<AdminPorts, 'repository' | 'clock' | 'documents'>,
  request: { closedBefore: Date; dryRun?: boolean; progress?: Progress },
): Promise<PurgeResult> {
  // `documents` is read only when something is deleted: a dry run needs no bucket.
  const { repository, clock } = ports;
  const now = clock.now();
  if (Number.isNaN(request.closedBefore.getTime())) throw new ValidationError('closed-before is not a date');
  if (request.closedBefore.getTime() > now.getTime()) {
    throw new ValidationError(`closed-before ${request.closedBefore.toISOString()} is in the future: give a past date`);
  }
  const cutoff = request.closedBefore.toISOString();
  const dryRun = request.dryRun ?? false;
  const result: PurgeResult = { dryRun, closedBefore: cutoff, scanned: 0, purged: [] };

  for (const call of await repository.listCalls()) {
    for await (const app of allApplications(repository, call.id, FINAL_STATUSES)) {
      result.scanned += 1;
      request.progress?.({ done: result.scanned, what: 'closed applications checked' });
      if (app.personalDataPurgedAt || app.updatedAt >= cutoff) continue;
      const history = await repository.getHistory(app.id);
      const closedAt = history.findLast((e) => e.status === app.status)?.at ?? app.updatedAt;
      if (closedAt >= cutoff) continue;
      const candidate: PurgeCandidate = { id: app.id, callId: app.callId, status: app.status, closedAt };
      result.purged.push(candidate);
      if (dryRun) continue;

      await repository.patchApplication(app.id, redactedFields(app));
      await repository.redactHistory(app.id, redactedReason);
      for (const task of await repository.listTasks(app.id)) await repository.deleteTask(task.id);
      candidate.objectsDeleted = await ports.documents.removeAll(documentPrefix(app.id));
      await repository.patchApplication(app.id, { personalDataPurgedAt: clock.now().toISOString() });
    }
  }
  return result;
}
