import type { ApplicationRecord, HistoryEvent } from '../domain/application.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { Status } from '../domain/status.ts';
import { checkTrackingToken } from '../links/links.ts';
import type { Repository, Signer } from '../ports/index.ts';

/** What the applicants see of their application (DESIGN §3): no contact, no reviewer, no score. */
export interface TrackingView {
  id: string;
  callId: string;
  status: Status;
  project: ApplicationRecord['project'];
  budget: ApplicationRecord['budget'];
  history: HistoryEvent[];
  decision?: NonNullable<ApplicationRecord['decision']>;
}

/** Ids are ours (base64url); anything else cannot exist and never reaches the signer. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The same answer for a wrong token and an unknown id: a tracking URL reveals nothing else. */
const notFound = () => new NotFoundError('Aucune candidature ne correspond à ce lien de suivi.');

/**
 * GET /applications/{id}?token=…
 * 1. Check the id's shape and the token (constant time): wrong or missing → 404.
 * 2. Read the application and its history: unknown → the same 404.
 * 3. Return the applicants' view.
 */
export async function trackApplication(
  { repository, signer }: { repository: Repository; signer: Signer },
  request: { id: string; token: string | undefined },
): Promise<TrackingView> {
  if (!SAFE_ID.test(request.id)) throw notFound();
  if (!(await checkTrackingToken(signer, request.id, request.token))) throw notFound();
  const [app, history] = await Promise.all([repository.getApplication(request.id), repository.getHistory(request.id)]);
  if (!app) throw notFound();
  return {
    id: app.id,
    callId: app.callId,
    status: app.status,
    project: app.project,
    budget: app.budget,
    history: history.map(({ at, status, actor, reason }) => ({ at, status, actor, ...(reason ? { reason } : {}) })),
    ...(app.decision ? { decision: app.decision } : {}),
  };
}
