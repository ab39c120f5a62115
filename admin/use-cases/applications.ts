import type { ApplicationRecord, CallRecord, HistoryEvent, TaskRecord } from '../../shared/domain/application.ts';
import { NotFoundError, ValidationError } from '../../shared/domain/errors.ts';
import { statuses } from '../../shared/domain/status.ts';
import type { Status } from '../../shared/domain/status.ts';
import type { Page, Repository } from '../../shared/ports/index.ts';
import { type ApplicationAmounts, applicationAmounts } from './amounts.ts';
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

/** A listed application, with what it asks (and was granted) on each side of the fund. */
export type ListedApplication = ApplicationRecord & { amounts: ApplicationAmounts };

/**
 * `applications list`: one page of a call's applications, oldest first: in one status when it is
 * given, else in every status.
 * 1. The call must exist (an unknown call is an error, not an empty list).
 * 2. One status: one Query of the status index; the cursor leads to the next page.
 * 3. Every status: the index has one partition per status, each in submission order; the page is
 *    the merge of their heads (see `listEveryStatus`).
 * 4. Each application's amounts by side: France in EUR, Morocco in MAD and its value in EUR at the
 *    call's frozen rate (an application filed with the old budget asked France alone).
 */
export async function listApplications(
  { repository }: Ports,
  request: { callId: string; status?: Status; limit?: number; cursor?: string },
): Promise<Page<ListedApplication>> {
  const call = await requireCall(repository, request.callId);
  const page = request.status
    ? await repository.listApplications(request.callId, request.status, {
        ...(request.limit !== undefined ? { limit: request.limit } : {}),
        ...(request.cursor !== undefined ? { cursor: request.cursor } : {}),
      })
    : await listEveryStatus(repository, request.callId, request.limit ?? DEFAULT_LIMIT, request.cursor);
  return { ...page, items: page.items.map((app) => ({ ...app, amounts: applicationAmounts(app, call.madPerEur) })) };
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

/**
 * Where a status's listing stands: the index page it is in (`c`, the repository's cursor of that
 * page; none for the first) and how many of that page's items were listed already (`k`).
 */
interface Position {
  c?: string;
  k: number;
}

/**
 * A cursor across statuses: the index page size every status is read with (`l`, so that a page
 * read again has the same bounds) and the position of each status not yet read to its end.
 */
interface MergedCursor {
  l: number;
  s: Partial<Record<Status, Position>>;
}

const encodeMerged = (cursor: MergedCursor): string => `all.${Buffer.from(JSON.stringify(cursor)).toString('base64url')}`;

function decodeMerged(text: string): MergedCursor {
  const refused = () => new ValidationError('the cursor is not one of this listing (every status): list again from the first page');
  if (!text.startsWith('all.')) throw refused();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text.slice(4), 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  const { l, s } = (value ?? {}) as { l?: unknown; s?: unknown };
  if (!Number.isInteger(l) || (l as number) < 1 || (l as number) > MAX_LIMIT || typeof s !== 'object' || s === null) throw refused();
  for (const [status, position] of Object.entries(s)) {
    const { c, k } = (position ?? {}) as { c?: unknown; k?: unknown };
    if (!(statuses as readonly string[]).includes(status)) throw refused();
    if ((c !== undefined && typeof c !== 'string') || !Number.isInteger(k) || (k as number) < 0 || (k as number) >= (l as number)) throw refused();
  }
  return value as MergedCursor;
}

/**
 * The next applications of one status from `from`: index pages of `pageSize` read until `want` are
 * in hand or the status is read to its end, and the position after any number of them.
 */
async function headOf(repository: Repository, callId: string, status: Status, from: Position, pageSize: number, want: number) {
  const pages: Array<{ start?: string; items: ApplicationRecord[]; next?: string }> = [];
  let start = from.c;
  let inHand = -from.k;
  do {
    const page = await repository.listApplications(callId, status, { limit: pageSize, ...(start ? { cursor: start } : {}) });
    pages.push({ ...(start ? { start } : {}), items: page.items, ...(page.cursor ? { next: page.cursor } : {}) });
    inHand += page.items.length;
    start = page.cursor;
  } while (inHand < want && start);
  return {
    items: pages.flatMap((p, i) => (i === 0 ? p.items.slice(from.k) : p.items)),
    /** Where the status stands once `taken` more of its items are listed; `undefined` at its end. */
    after(taken: number): Position | undefined {
      let k = from.k + taken;
      for (const p of pages) {
        if (k < p.items.length) return { ...(p.start ? { c: p.start } : {}), k };
        k -= p.items.length;
        if (!p.next) return undefined;
      }
      const last = pages.at(-1)?.next;
      return last ? { c: last, k: 0 } : undefined;
    },
  };
}

/**
 * Every status, oldest first across them: the heads of the statuses' index partitions merged by
 * submission time (then id), `limit` at a time. The cursor holds each status's position, so a
 * page follows from where the last one stopped in every status. As with one status, an
 * application that changes status between two pages may be listed twice or not at all.
 */
async function listEveryStatus(repository: Repository, callId: string, limit: number, cursor?: string): Promise<Page<ApplicationRecord>> {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new ValidationError(`limit must be from 1 to ${MAX_LIMIT}`);
  const state: MergedCursor = cursor ? decodeMerged(cursor) : { l: limit, s: Object.fromEntries(statuses.map((s) => [s, { k: 0 }])) };
  const open = statuses.flatMap((status) => {
    const position = state.s[status];
    return position ? [{ status, position }] : [];
  });
  const heads = await Promise.all(open.map(({ status, position }) => headOf(repository, callId, status, position, state.l, limit)));
  const merged = heads
    .flatMap((head, i) => head.items.map((item) => ({ item, from: i })))
    .sort((a, b) => a.item.createdAt.localeCompare(b.item.createdAt) || a.item.id.localeCompare(b.item.id))
    .slice(0, limit);
  const taken = heads.map((_, i) => merged.filter((m) => m.from === i).length);
  const next: MergedCursor = { l: state.l, s: {} };
  heads.forEach((head, i) => {
    const position = head.after(taken[i] ?? 0);
    const status = open[i]?.status;
    if (position && status) next.s[status] = position;
  });
  const items = merged.map((m) => m.item);
  return Object.keys(next.s).length > 0 ? { items, cursor: encodeMerged(next) } : { items };
}

export interface ApplicationDetails {
  application: ApplicationRecord;
  /** What it asks (and was granted) on each side, at its call's rate. */
  amounts: ApplicationAmounts;
  history: HistoryEvent[];
  /** Links waiting for someone's decision, newest first. */
  openTasks: TaskView[];
  /** Decided or closed tasks, for the count. */
  otherTasks: number;
}

/** `applications show`: the application, its amounts by side, its history and its open decisions (no token, ever). */
export async function showApplication({ repository }: Ports, id: string): Promise<ApplicationDetails> {
  const application = await requireApplication(repository, id);
  const [history, tasks, call] = await Promise.all([repository.getHistory(id), repository.listTasks(id), repository.getCall(application.callId)]);
  const open = tasks.filter((t) => t.status === 'OPEN').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return {
    application,
    amounts: applicationAmounts(application, call?.madPerEur),
    history,
    openTasks: open.map(taskView),
    otherTasks: tasks.length - open.length,
  };
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
