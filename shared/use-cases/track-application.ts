import { callTexts, type Localized } from '../domain/localized.ts';
import type { ApplicationRecord, HistoryEvent, TaskStage } from '../domain/application.ts';
import type { Ineligibility } from '../domain/eligibility.ts';
import { documentEntry, documentLabels, type DocumentEntry } from '../domain/document-view.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { Status } from '../domain/status.ts';
import { checkTrackingToken } from '../links/links.ts';
import type { Repository, Signer } from '../ports/index.ts';

/** What the applicants see of their application (the API contract): no contact, no reviewer, no score. */
export interface TrackingView {
  id: string;
  callId: string;
  status: Status;
  project: ApplicationRecord['project'];
  budget: ApplicationRecord['budget'];
  history: HistoryEvent[];
  decision?: NonNullable<ApplicationRecord['decision']>;
  /** Its documents, oldest first: names and where each stands, never a key nor a link. */
  documents: DocumentEntry[];
}

/**
 * What the tracking page shows beyond the JSON view: the call's title and theme label, why the
 * application is not eligible, what the reviewer asked for, and until when each awaited decision
 * or resubmission is expected (from the open tasks).
 */
export interface TrackingPageModel extends TrackingView {
  /** The call's title, in every language it has (the page shows its own). */
  callTitle?: Localized;
  /** The call's label of the theme, in every language it has. */
  themeLabel?: Localized;
  ineligibility?: Ineligibility[];
  /** The call's frozen rate when it has a Moroccan side: amounts are then shown in both currencies. */
  madPerEur?: number;
  /** CHANGES_REQUESTED: the reviewer's comment, which the applicants must address. */
  reviewComment?: string;
  waiting: { stage: TaskStage; until: string }[];
  /** The call's label of each type of document, in every language it has. */
  documentLabels?: Record<string, Localized>;
}

const WAITING: ReadonlySet<string> = new Set(['IN_REVIEW', 'CHANGES_REQUESTED', 'IN_COMMITTEE']);

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
  const { app, history } = await open({ repository, signer }, request);
  return view(app, history);
}

async function open(
  { repository, signer }: { repository: Repository; signer: Signer },
  request: { id: string; token: string | undefined },
): Promise<{ app: ApplicationRecord; history: HistoryEvent[] }> {
  if (!SAFE_ID.test(request.id)) throw notFound();
  if (!(await checkTrackingToken(signer, request.id, request.token))) throw notFound();
  const [app, history] = await Promise.all([repository.getApplication(request.id), repository.getHistory(request.id)]);
  if (!app) throw notFound();
  return { app, history };
}

function view(app: ApplicationRecord, history: HistoryEvent[]): TrackingView {
  return {
    id: app.id,
    callId: app.callId,
    status: app.status,
    project: app.project,
    budget: app.budget,
    history: history.map(({ at, status, actor, reason }) => ({ at, status, actor, ...(reason ? { reason } : {}) })),
    ...(app.decision ? { decision: app.decision } : {}),
    documents: (app.documents ?? []).map(documentEntry),
  };
}

/**
 * The tracking page (HTML): the same checks and view, plus what the page explains.
 * 1. Check the id and token, read the application and its history (404 as for JSON).
 * 2. Read its call (title, theme label) and, while a decision or resubmission is awaited, its
 *    open tasks (their links' expiry is the deadline shown).
 */
export async function trackApplicationPage(
  ports: { repository: Repository; signer: Signer },
  request: { id: string; token: string | undefined },
): Promise<TrackingPageModel> {
  const { app, history } = await open(ports, request);
  const [call, tasks] = await Promise.all([
    ports.repository.getCall(app.callId),
    WAITING.has(app.status) ? ports.repository.listTasks(app.id) : Promise.resolve([]),
  ]);
  const waiting = tasks
    .filter((t) => t.status === 'OPEN')
    .sort((a, b) => a.stage.localeCompare(b.stage))
    .map((t) => ({ stage: t.stage, until: t.expiresAt }));
  return {
    ...view(app, history),
    ...(call ? callTexts(call, app.project.theme) : {}),
    ...(call?.madPerEur !== undefined ? { madPerEur: call.madPerEur } : {}),
    ...(app.status === 'INELIGIBLE' && app.ineligibility ? { ineligibility: app.ineligibility } : {}),
    ...(app.status === 'CHANGES_REQUESTED' && app.review?.comment ? { reviewComment: app.review.comment } : {}),
    waiting,
    ...(call?.documents ? { documentLabels: documentLabels(call) } : {}),
  };
}
