import { callTexts, type Localized } from '../domain/localized.ts';
import type { ApplicationRecord, CallRecord, TaskRecord, TaskStage } from '../domain/application.ts';
import { requestsBySide } from '../domain/budget.ts';
import { envelopesOf } from '../domain/call-rules.ts';
import { documentEntry, documentLabels, type DocumentEntry } from '../domain/document-view.ts';
import { documentKey, type DraftDocument } from '../domain/documents.ts';
import { cofinancingShare } from '../domain/eligibility.ts';
import { BadSignatureError, NotFoundError, TaskGoneError } from '../domain/errors.ts';
import { checkTaskLink } from '../links/links.ts';
import type { Clock, DocumentStore, Repository, Signer } from '../ports/index.ts';
import type { Resubmission } from '../schemas/application.ts';
import type { Call, CoChairSide } from '../schemas/call.ts';
import { reviewCriteria } from '../schemas/decisions.ts';

export interface TaskLinkPorts {
  repository: Repository;
  signer: Signer;
  clock: Clock;
  tagApplication?: (applicationId: string) => void;
}

/**
 * What the decision page needs beyond the link's checks: download links, and whether the stage
 * scans. Without `documents` (the decision form shown again with its errors, by a function that
 * holds no documents port) the documents are listed without links.
 */
export interface ShowTaskPorts extends TaskLinkPorts {
  documents?: Pick<DocumentStore, 'presignDownload'>;
  /** GuardDuty scans the bucket (`DOCUMENTS_SCANNED`): only a `clean` verdict then opens a download. */
  scanned?: boolean;
}

/** How long a download link of a decision page is valid: minutes, made anew at each rendering. */
export const DOWNLOAD_EXPIRY_SECONDS = 5 * 60;

/**
 * A document on a decision page. `download`: accepted, and clean (or unscanned where the stage
 * scans nothing): `url` downloads it as an attachment. `scanning`: accepted, the scan not done.
 * `refused`: refused (`reason` says why, `threat` for a flagged file). `unchecked`: uploaded
 * but never checked. Only `download` has a link.
 */
export type DocumentView = DocumentEntry & { label?: Localized; maxBytes?: number; unscanned?: boolean } & (
    | { access: 'download'; url?: string }
    | { access: 'scanning' | 'refused' | 'unchecked' }
  );

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const TASK_GONE_MESSAGES = {
  expired: 'Ce lien de décision a expiré.',
  decided: 'Cette décision a déjà été enregistrée : le lien ne sert qu’une fois.',
  closed: 'Cette demande n’attend plus de décision : le délai est dépassé ou le dossier a changé d’étape.',
} as const;

/**
 * The checks every task link goes through, in the contract's order: unknown task → 404, bad
 * signature → 403, expired → 410. The task's status is the caller's to judge (GET and POST differ).
 */
export async function openTaskLink(
  { repository, signer, clock, tagApplication }: TaskLinkPorts,
  taskId: string,
  sig: string | undefined,
): Promise<{ task: TaskRecord; recipient: string }> {
  const task = SAFE_ID.test(taskId) ? await repository.getTask(taskId) : undefined;
  if (!task) throw new NotFoundError('Ce lien ne correspond à aucune demande de décision.');
  tagApplication?.(task.applicationId);
  const check = await checkTaskLink(signer, task, sig, clock.now());
  if (!check.ok && check.reason === 'bad-signature') {
    throw new BadSignatureError('Ce lien de décision n’est pas valide. Utilisez le lien exact reçu par courriel.');
  }
  if (!check.ok) throw new TaskGoneError(TASK_GONE_MESSAGES.expired);
  return { task, recipient: check.recipient };
}

/** The application as a decision page shows it: partners, theme, budget, co-financing share. */
export interface ApplicationSummary {
  id: string;
  callId: string;
  /** The call's title, in every language it has (the page shows its own). */
  callTitle?: Localized;
  status: ApplicationRecord['status'];
  project: ApplicationRecord['project'];
  /** The call's label of the theme, in every language it has; none when the call lists no such code. */
  themeLabel?: Localized;
  leadAuthority: { name: string; kind: string; country: string };
  partnerAuthority: { name: string; kind: string; country: string };
  budget: ApplicationRecord['budget'];
  cofinancingShare: number;
}

/** What a co-chair sees of the review the committee decides on. */
export interface ReviewSummary {
  decision: 'favorable' | 'unfavorable' | 'changes';
  scores: Record<(typeof reviewCriteria)[number], number>;
  comment: string;
}

/** The other side's co-chair, from the tasks of the application: never their vote, only whether they voted. */
export interface OtherCoChair {
  side: CoChairSide;
  status: 'waiting' | 'decided' | 'closed' | 'none';
  /** When they decided. */
  at?: string;
}

/** One side's envelope as its co-chair sees it, in that side's currency (France EUR, Morocco MAD). */
export interface EnvelopeView {
  total: number;
  committed: number;
  available: number;
}

export interface TaskPageModel {
  taskId: string;
  /** Echoed in the form's hidden field: the POST is checked exactly like this GET. */
  sig: string;
  stage: TaskStage;
  expiresAt: string;
  application: ApplicationSummary;
  /** The call's co-financing ceiling (a rate), to compare the application's share with. */
  cofinancingCeiling?: number;
  /** The call's frozen rate when it has a Moroccan side: amounts are then shown in both currencies. */
  madPerEur?: number;
  /**
   * Co-chairs only: the review, the other co-chair's status, and for the co-chair's own side what
   * the application asks of it and the envelope still available (in that side's currency).
   */
  committee?: { review?: ReviewSummary; otherCoChair: OtherCoChair; side: CoChairSide; requested: number; envelope?: EnvelopeView };
  /** The application's documents, oldest first; none for an application filed without any. */
  documents: DocumentView[];
  /** How long the download links stay valid, seconds. */
  downloadExpirySeconds: number;
  /** Resubmission only: the current content to edit, and what the reviewer asked for. */
  resubmission?: {
    values: Resubmission;
    reviewComment?: string;
    themes: Call['themes'];
    /** The call's rules, for the fields' hints and the co-financing share. */
    rules?: Pick<Call, 'closesAt' | 'themes' | 'durationMonths' | 'cofinancingCeiling' | 'grant'>;
  };
}

export function summarize(app: ApplicationRecord, call?: Pick<Call, 'title' | 'themes'>): ApplicationSummary {
  const authority = (a: ApplicationRecord['leadAuthority']) => ({ name: a.name, kind: a.kind, country: a.country });
  return {
    id: app.id,
    callId: app.callId,
    ...(call ? callTexts(call, app.project.theme) : {}),
    status: app.status,
    project: app.project,
    leadAuthority: authority(app.leadAuthority),
    partnerAuthority: authority(app.partnerAuthority),
    budget: app.budget,
    cofinancingShare: cofinancingShare(app.budget),
  };
}

const ownSide = (stage: TaskStage): CoChairSide | undefined => (stage === 'committee-FR' ? 'FR' : stage === 'committee-MA' ? 'MA' : undefined);
const opposite = (side: CoChairSide): CoChairSide => (side === 'FR' ? 'MA' : 'FR');

/** One side's envelope: France's `committed` of `envelope` (EUR), Morocco's `committedMA` of its own (MAD). */
function envelopeView(call: CallRecord, side: CoChairSide): EnvelopeView {
  const total = envelopesOf(call)[side].amount;
  const committed = side === 'FR' ? call.committed : call.committedMA;
  return { total, committed, available: Math.max(0, total - committed) };
}

/** The latest task of the other side's stage says where that co-chair stands. */
function otherCoChair(side: CoChairSide, tasks: TaskRecord[]): OtherCoChair {
  const stage: TaskStage = side === 'FR' ? 'committee-FR' : 'committee-MA';
  const [latest] = tasks.filter((t) => t.stage === stage).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (!latest) return { side, status: 'none' };
  if (latest.status === 'OPEN') return { side, status: 'waiting' };
  if (latest.status === 'DONE') return { side, status: 'decided', ...(latest.decidedAt ? { at: latest.decidedAt } : {}) };
  return { side, status: 'closed' };
}

function reviewSummary(review: NonNullable<ApplicationRecord['review']>): ReviewSummary {
  return {
    decision: review.decision,
    scores: Object.fromEntries(reviewCriteria.map((c) => [c, review[c]])) as ReviewSummary['scores'],
    comment: review.comment,
  };
}

/** Whether a document may be downloaded: accepted, and clean where the stage scans. */
function accessOf(document: DraftDocument, scanned: boolean): DocumentView['access'] {
  if (document.status === 'REFUSED') return 'refused';
  if (document.status !== 'ACCEPTED') return 'unchecked';
  return document.scan === 'clean' || (!scanned && document.scan === 'unscanned') ? 'download' : 'scanning';
}

async function documentViews(ports: ShowTaskPorts, app: ApplicationRecord, call: CallRecord | undefined): Promise<DocumentView[]> {
  const labels = documentLabels(call);
  const limits = new Map((call?.documents ?? []).map((d) => [d.type, d.maxBytes]));
  return Promise.all(
    (app.documents ?? []).map(async (document): Promise<DocumentView> => {
      const label = labels[document.type];
      const maxBytes = limits.get(document.type);
      const base = {
        ...documentEntry(document),
        ...(label ? { label } : {}),
        ...(maxBytes === undefined ? {} : { maxBytes }),
        ...(document.scan === 'unscanned' ? { unscanned: true } : {}),
      };
      const access = accessOf(document, ports.scanned ?? true);
      if (access !== 'download' || !ports.documents) return { ...base, access };
      const url = await ports.documents.presignDownload(documentKey(app.id, document.documentId), document.filename, DOWNLOAD_EXPIRY_SECONDS);
      return { ...base, access, url };
    }),
  );
}

/**
 * GET (and HEAD) /tasks/{taskId}?sig=… — shows, never writes: mail scanners open these links.
 * 1. Check the link (404 / 403 / 410 expired).
 * 2. A task no longer open → 410 saying whether it was decided or closed.
 * 3. Read the application and its call (the theme's label, the co-financing ceiling).
 * 4. A co-chair also sees the review, whether the other co-chair decided (from the application's
 *    tasks), what the application asks of their side and that side's envelope still available
 *    (less what it committed), in that side's currency.
 * 5. The application's documents, each accepted and clean one with a download link made now
 *    (minutes, as an attachment): signing a link is a computation, it reads and writes nothing.
 */
export async function showTask(ports: ShowTaskPorts, request: { taskId: string; sig: string | undefined }): Promise<TaskPageModel> {
  const { task } = await openTaskLink(ports, request.taskId, request.sig);
  if (task.status === 'DONE') throw new TaskGoneError(TASK_GONE_MESSAGES.decided);
  if (task.status !== 'OPEN') throw new TaskGoneError(TASK_GONE_MESSAGES.closed);
  const app = await ports.repository.getApplication(task.applicationId);
  if (!app) throw new TaskGoneError(TASK_GONE_MESSAGES.closed);
  const call = await ports.repository.getCall(app.callId);
  const side = ownSide(task.stage);
  const committee = side
    ? {
        ...(app.review ? { review: reviewSummary(app.review) } : {}),
        otherCoChair: otherCoChair(opposite(side), await ports.repository.listTasks(app.id)),
        side,
        requested: requestsBySide(app.budget)[side],
        ...(call ? { envelope: envelopeView(call, side) } : {}),
      }
    : undefined;
  return {
    taskId: task.id,
    sig: request.sig ?? '',
    stage: task.stage,
    expiresAt: task.expiresAt,
    application: summarize(app, call),
    documents: await documentViews(ports, app, call),
    downloadExpirySeconds: DOWNLOAD_EXPIRY_SECONDS,
    ...(call ? { cofinancingCeiling: call.cofinancingCeiling } : {}),
    ...(call?.madPerEur !== undefined ? { madPerEur: call.madPerEur } : {}),
    ...(committee ? { committee } : {}),
    ...(task.stage === 'resubmission'
      ? {
          resubmission: {
            values: {
              project: app.project,
              leadAuthority: app.leadAuthority,
              partnerAuthority: app.partnerAuthority,
              budget: app.budget,
            },
            ...(app.review?.comment ? { reviewComment: app.review.comment } : {}),
            themes: call?.themes ?? [],
            ...(call
              ? {
                  rules: {
                    closesAt: call.closesAt,
                    themes: call.themes,
                    durationMonths: call.durationMonths,
                    cofinancingCeiling: call.cofinancingCeiling,
                    grant: call.grant,
                  },
                }
              : {}),
          },
        }
      : {}),
  };
}
