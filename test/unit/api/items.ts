import type { ApplicationRecord, TaskRecord } from '../../../shared/domain/application.ts';
import type { DraftRecord } from '../../../shared/domain/draft.ts';
import { gsi, keys } from '../../../shared/adapters/table-keys.ts';
import { hmacSigner } from '../../../shared/links/signing.ts';
import { taskLink, trackingToken } from '../../../shared/links/links.ts';
import type { Call } from '../../../shared/schemas/call.ts';
import { TEST_ENV } from './env.ts';

/** Items as the DynamoDB repository stores them, for mocked GetCommand answers. */
export const callItem = (call: Call, committed = 0) => ({
  ...call,
  ...keys.call(call.id),
  gsi1pk: gsi.calls(),
  gsi1sk: gsi.callSort(call.opensAt, call.id),
  committed,
});

export const applicationItem = (app: ApplicationRecord) => ({
  ...app,
  ...keys.application(app.id),
  gsi1pk: gsi.applicationsByStatus(app.callId, app.status),
  gsi1sk: gsi.applicationSort(app.createdAt, app.id),
  seq: 1,
  lastEvent: { at: app.createdAt, status: app.status, actor: 'applicant' },
});

export const draftItem = (draft: DraftRecord) => ({
  ...draft,
  ...keys.draft(draft.id),
  gsi1pk: gsi.draftsOf(draft.callId),
  gsi1sk: gsi.draftSort(draft.createdAt, draft.id),
  history: [{ at: draft.createdAt, role: 'lead', email: draft.lead.email, action: 'created' }],
  editors: { [draft.linkTags.lead]: draft.lead.email },
});

export const taskItem = (task: TaskRecord) => ({
  ...task,
  ...keys.task(task.id),
  gsi1pk: gsi.tasksOf(task.applicationId),
  gsi1sk: gsi.taskSort(task.stage, task.createdAt, task.id),
});

/** The signer the functions build from SIGNING_SECRET. */
export const testSigner = hmacSigner(async () => TEST_ENV.SIGNING_SECRET);

/** The `sig` of the link emailed to `recipient` (the first one by default). */
export async function sigFor(task: TaskRecord, recipient = task.recipients[0] ?? ''): Promise<string> {
  const link = await taskLink(testSigner, TEST_ENV.BASE_URL, task, recipient);
  return new URL(link).searchParams.get('sig') ?? '';
}

export const tokenFor = (applicationId: string) => trackingToken(testSigner, applicationId);
