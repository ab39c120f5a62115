import { createHash } from 'node:crypto';
import { InvalidTransitionError, NoReviewerAvailableError } from '../domain/errors.ts';
import type { ApplicationRecord } from '../domain/application.ts';
import type { Reviewer } from '../schemas/call.ts';
import type { ApplicationRef, AssignReviewerOutput } from '../workflow/contract.ts';
import { loadApplication, workflowEvent } from './workflow-support.ts';
import type { TaskPorts } from './workflow-support.ts';

/** Words that say what kind of authority it is, not which one: « Ville de », « Commune urbaine de »… */
const GENERIC_WORDS = new Set([
  'ville',
  'commune',
  'communes',
  'urbaine',
  'rurale',
  'mairie',
  'municipalite',
  'conseil',
  'communal',
  'municipal',
  'departemental',
  'departement',
  'regional',
  'region',
  'provincial',
  'province',
  'prefectoral',
  'prefecture',
  'metropole',
  'eurometropole',
  'communaute',
  'agglomeration',
  'collectivite',
  'territoriale',
  'de',
  'du',
  'des',
  'd',
  'l',
  'le',
  'la',
  'les',
]);

/**
 * The name of an authority reduced to what identifies it: no case, accents, punctuation or
 * generic leading words, so « Ville de Saint-Étienne » and « commune de saint etienne » match.
 */
export function authorityKey(name: string): string {
  const words = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let start = 0;
  while (start < words.length - 1 && GENERIC_WORDS.has(words[start] ?? '')) start += 1;
  return words.slice(start).join(' ');
}

/** A reviewer who works for an authority of the application, or who is one of its contacts. */
export function hasConflict(reviewer: Reviewer, app: ApplicationRecord): boolean {
  const authorities = [app.leadAuthority.name, app.partnerAuthority.name].map(authorityKey);
  const contacts = [app.leadAuthority.contact.email, app.partnerAuthority.contact.email].map((e) => e.toLowerCase());
  return authorities.includes(authorityKey(reviewer.authority)) || contacts.includes(reviewer.email.toLowerCase());
}

/**
 * Deterministic choice among the reviewers free of conflict: a hash of the application id picks
 * one of them sorted by email. Ids are random, so the load spreads evenly without counting
 * assignments (which would need a scan or a counter per reviewer), and a resubmission gets the
 * same reviewer back while the roster is unchanged.
 */
export function pickReviewer(eligible: Reviewer[], applicationId: string): Reviewer | undefined {
  if (eligible.length === 0) return undefined;
  const sorted = [...eligible].sort((a, b) => a.email.localeCompare(b.email));
  const hash = createHash('sha256').update(applicationId).digest().readUInt32BE(0);
  return sorted[hash % sorted.length];
}

/**
 * AssignReviewer task.
 * 1. Load the application and the roster of its call.
 * 2. Leave out every reviewer with a conflict of interest (same authority, or an applicant).
 * 3. Pick one deterministically; none left → NoReviewerAvailableError (admins must act).
 * 4. SUBMITTED → IN_REVIEW, storing the reviewer. Neither the public history nor the result
 *    (kept in Step Functions' execution history) names anybody.
 * A retry finds IN_REVIEW with the reviewer stored and writes nothing.
 */
export async function assignReviewer(
  { repository, clock }: Pick<TaskPorts, 'repository' | 'clock'>,
  { applicationId }: ApplicationRef,
): Promise<AssignReviewerOutput> {
  const app = await loadApplication(repository, applicationId);
  if (app.status === 'IN_REVIEW' && app.reviewer) return { status: 'IN_REVIEW' };
  if (app.status !== 'SUBMITTED') {
    throw new InvalidTransitionError(`a reviewer is assigned to SUBMITTED applications, not ${app.status}`);
  }
  const roster = await repository.getRoster(app.callId);
  const reviewer = pickReviewer(
    roster.filter((r) => !hasConflict(r, app)),
    app.id,
  );
  if (!reviewer) {
    throw new NoReviewerAvailableError(`no reviewer of call ${app.callId} is free of conflict of interest (roster of ${roster.length})`);
  }
  await repository.transition(app.id, 'IN_REVIEW', workflowEvent(clock, 'IN_REVIEW', 'Instruction confiée à un instructeur'), {
    reviewer: { name: reviewer.name, email: reviewer.email },
  });
  return { status: 'IN_REVIEW' };
}
