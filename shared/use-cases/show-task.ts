import type { ApplicationRecord, TaskRecord, TaskStage } from '../domain/application.ts';
import { cofinancingShare } from '../domain/eligibility.ts';
import { BadSignatureError, NotFoundError, TaskGoneError } from '../domain/errors.ts';
import { checkTaskLink } from '../links/links.ts';
import type { Clock, Repository, Signer } from '../ports/index.ts';
import type { Resubmission } from '../schemas/application.ts';

export interface TaskLinkPorts {
  repository: Repository;
  signer: Signer;
  clock: Clock;
  tagApplication?: (applicationId: string) => void;
}

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
  callTitle?: string;
  status: ApplicationRecord['status'];
  project: ApplicationRecord['project'];
  themeLabel: string;
  leadAuthority: { name: string; kind: string; country: string };
  partnerAuthority: { name: string; kind: string; country: string };
  budget: ApplicationRecord['budget'];
  cofinancingShare: number;
}

export interface TaskPageModel {
  taskId: string;
  /** Echoed in the form's hidden field: the POST is checked exactly like this GET. */
  sig: string;
  stage: TaskStage;
  expiresAt: string;
  application: ApplicationSummary;
  /** Resubmission only: the current content to edit, and what the reviewer asked for. */
  resubmission?: { values: Resubmission; reviewComment?: string; themes: { code: string; label: string }[] };
}

export function summarize(app: ApplicationRecord, call?: { title: string; themes: { code: string; label: string }[] }): ApplicationSummary {
  const authority = (a: ApplicationRecord['leadAuthority']) => ({ name: a.name, kind: a.kind, country: a.country });
  return {
    id: app.id,
    callId: app.callId,
    ...(call ? { callTitle: call.title } : {}),
    status: app.status,
    project: app.project,
    themeLabel: call?.themes.find((t) => t.code === app.project.theme)?.label ?? app.project.theme,
    leadAuthority: authority(app.leadAuthority),
    partnerAuthority: authority(app.partnerAuthority),
    budget: app.budget,
    cofinancingShare: cofinancingShare(app.budget),
  };
}

/**
 * GET (and HEAD) /tasks/{taskId}?sig=… — shows, never writes: mail scanners open these links.
 * 1. Check the link (404 / 403 / 410 expired).
 * 2. A task no longer open → 410 saying whether it was decided or closed.
 * 3. Read the application (and its call, for the theme's label) and build the decision page.
 */
export async function showTask(ports: TaskLinkPorts, request: { taskId: string; sig: string | undefined }): Promise<TaskPageModel> {
  const { task } = await openTaskLink(ports, request.taskId, request.sig);
  if (task.status === 'DONE') throw new TaskGoneError(TASK_GONE_MESSAGES.decided);
  if (task.status !== 'OPEN') throw new TaskGoneError(TASK_GONE_MESSAGES.closed);
  const app = await ports.repository.getApplication(task.applicationId);
  if (!app) throw new TaskGoneError(TASK_GONE_MESSAGES.closed);
  const call = await ports.repository.getCall(app.callId);
  return {
    taskId: task.id,
    sig: request.sig ?? '',
    stage: task.stage,
    expiresAt: task.expiresAt,
    application: summarize(app, call),
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
          },
        }
      : {}),
  };
}
