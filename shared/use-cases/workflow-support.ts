import { callTexts } from '../domain/localized.ts';
import type { ApplicationRecord, HistoryEvent, TaskRecord, TaskStage } from '../domain/application.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { Status } from '../domain/status.ts';
import type { RenderedEmail } from '../emails/layout.ts';
import type { Clock, Mailer, Repository, Signer } from '../ports/index.ts';

/**
 * What the workflow tasks need from the configuration (a structural subset of `Config` from
 * shared/config/load.ts, so the wired ports' `config` fits as is).
 */
export interface TaskConfig {
  baseUrl?: string | undefined;
  adminEmails: string[];
  linkTtlSeconds: number;
}

/** The ports a workflow task may use; each use case picks the ones it needs. */
export interface TaskPorts {
  repository: Repository;
  mailer: Mailer;
  signer: Signer;
  clock: Clock;
  config: TaskConfig;
}

/** Who the workflow's own history events are by. */
export const WORKFLOW_ACTOR = 'workflow';

/** The public base URL every link starts with; the stack always sets it for workflow functions. */
export function baseUrlOf(config: TaskConfig): string {
  if (!config.baseUrl) throw new Error('BASE_URL is not configured: emails need absolute links');
  return config.baseUrl.replace(/\/+$/, '');
}

export async function loadApplication(repository: Repository, id: string): Promise<ApplicationRecord> {
  const app = await repository.getApplication(id);
  if (!app) throw new NotFoundError(`application ${id} not found`);
  return app;
}

/** The application with its call's title and theme label, for emails that name them (none when the call is gone). */
export async function withCallTexts(repository: Repository, app: ApplicationRecord): Promise<ApplicationRecord & Partial<ReturnType<typeof callTexts>>> {
  const call = await repository.getCall(app.callId);
  return call ? { ...app, ...callTexts(call, app.project.theme) } : app;
}

export function workflowEvent(clock: Clock, status: Status, reason?: string): HistoryEvent {
  return { at: clock.now().toISOString(), status, actor: WORKFLOW_ACTOR, ...(reason ? { reason } : {}) };
}

/** Both applicant contacts (lead and partner), once each even if they gave the same address. */
export function applicantEmails(app: ApplicationRecord): string[] {
  const emails = [app.leadAuthority.contact.email, app.partnerAuthority.contact.email];
  return emails.filter((email, i) => emails.findIndex((e) => e.toLowerCase() === email.toLowerCase()) === i);
}

/**
 * Sends an email at most once per `key`: the key is marked first, so a retried task skips what
 * was sent, and unmarked if sending fails, so the retry sends it. (A crash between the mark and
 * the send loses that one email: we prefer that to duplicates of decision links.)
 * Returns whether this call sent it.
 */
/** What a use case that emails signed links needs. */
export type LinkMailingPorts = Pick<TaskPorts, 'repository' | 'mailer' | 'signer' | 'config'>;

export async function sendOnce(ports: { repository: Repository; mailer: Mailer }, key: string, to: string[], email: RenderedEmail): Promise<boolean> {
  if (to.length === 0) return false;
  if (!(await ports.repository.markEmailSent(key))) return false;
  try {
    await ports.mailer.send({ to, ...email });
  } catch (error) {
    await ports.repository.unmarkEmailSent(key).catch(() => undefined);
    throw error;
  }
  return true;
}

/** A new OPEN task for `recipients`, its links valid for the configured TTL. */
export function newTask(
  { clock, config }: Pick<TaskPorts, 'clock' | 'config'>,
  fields: Pick<TaskRecord, 'id' | 'applicationId' | 'stage' | 'taskToken' | 'recipients'> & { reminders?: number },
): TaskRecord {
  const now = clock.now();
  return {
    ...fields,
    status: 'OPEN',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + config.linkTtlSeconds * 1000).toISOString(),
    reminders: fields.reminders ?? 0,
  };
}

/** The open tasks of one stage of an application, newest first. */
export async function openTasks(repository: Repository, applicationId: string, stage: TaskStage): Promise<TaskRecord[]> {
  return (await repository.listTasks(applicationId))
    .filter((t) => t.stage === stage && t.status === 'OPEN')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The email key of one recipient's decision link: one email per task, round and recipient. */
export const taskEmailKey = (task: TaskRecord, recipientIndex: number): string => `task#${task.id}#${task.reminders}#${recipientIndex}`;
