import type { ApplicationRecord, CallRecord, HistoryEvent, TaskRecord } from '../../shared/domain/application.ts';
import { NotFoundError } from '../../shared/domain/errors.ts';
import { statuses } from '../../shared/domain/status.ts';
import type { Status } from '../../shared/domain/status.ts';
import type { Page, Repository } from '../../shared/ports/index.ts';
import type { AdminPorts, Progress } from './context.ts';

type Ports = Pick<AdminPorts, 'repository'>;

/** A task as admins see it: never its Step Functions token, nor what was decided in it. */
export type TaskView = Omit<TaskRecord, 'taskToken' | 'result'>;

export function taskView(task: TaskRecord): TaskView {
  const { taskToken: _token, result: _result, ...view } = task;
  return view;
}

export async function requireCall(repository: Repository, callId: string): Promise<CallRecord> {
  const call = await repository.getCall(callId);
  if (!call) throw new NotFoundError(`call ${callId} not found (calls list shows them)`);
  return call;
}

export async function requireApplication(repository: Repository, id: string): Promise<ApplicationRecord> {
  const app = await repository.getApplication(id);
  if (!app) throw new NotFoundError(`application ${id} not found`);
  return app;
}

/**
 * `applications list`: one page of a call's applications in one status, oldest first.
 * 1. The call must exist (an unknown call is an error, not an empty list).
 * 2. One Query of the status index; the cursor leads to the next page.
 */
export async function listApplications(
  { repository }: Ports,
  request: { callId: string; status: Status; limit?: number; cursor?: string },
): Promise<Page<ApplicationRecord>> {
  await requireCall(repository, request.callId);
  return repository.listApplications(request.callId, request.status, {
    ...(request.limit !== undefined ? { limit: request.limit } : {}),
    ...(request.cursor !== undefined ? { cursor: request.cursor } : {}),
  });
}

export interface ApplicationDetails {
  application: ApplicationRecord;
  history: HistoryEvent[];
  /** Links waiting for someone's decision, newest first. */
  openTasks: TaskView[];
  /** Decided or closed tasks, for the count. */
  otherTasks: number;
}

/** `applications show`: the application, its history and its open decisions (no token, ever). */
export async function showApplication({ repository }: Ports, id: string): Promise<ApplicationDetails> {
  const application = await requireApplication(repository, id);
  const [history, tasks] = await Promise.all([repository.getHistory(id), repository.listTasks(id)]);
  const open = tasks.filter((t) => t.status === 'OPEN').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { application, history, openTasks: open.map(taskView), otherTasks: tasks.length - open.length };
}

/**
 * Every application of a call, every status, page after page (the export, the purge). The
 * index has one partition per status: one Query series each, never a Scan.
 */
export async function* allApplications(
  repository: Repository,
  callId: string,
  only: readonly Status[] = statuses,
  progress?: Progress,
): AsyncGenerator<ApplicationRecord> {
  let done = 0;
  for (const status of only) {
    let cursor: string | undefined;
    do {
      const page = await repository.listApplications(callId, status, { limit: 200, ...(cursor ? { cursor } : {}) });
      for (const app of page.items) {
        done += 1;
        yield app;
      }
      progress?.({ done, what: `applications of ${callId} read` });
      cursor = page.cursor;
    } while (cursor);
  }
}
