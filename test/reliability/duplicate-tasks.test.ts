import '../unit/api/env.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMailbox, startMailbox, type RunningService } from '../../local/services.ts';
import { dynamoRepository } from '../../shared/adapters/dynamodb-repository.ts';
import type { ApplicationRecord } from '../../shared/domain/application.ts';
import { newId } from '../../shared/domain/ids.ts';
import type { Repository } from '../../shared/ports/index.ts';
import { TEST_ENV } from '../unit/api/env.ts';
import { plan, record } from './support/figures.ts';
import { startCountingTable, type CountingTable } from './support/table.ts';
import { OPEN_CALL, openCall, validInput } from './support/world.ts';

/**
 * Point 2 of SECURITY.md, for the workflow's tasks: Step Functions and Lambda both retry, so every
 * task may run twice with the same input. Each task function, unchanged, runs against a real
 * DynamoDB (dynalite) and a real SES emulator (aws-ses-v2-local): its second run must change
 * nothing in the table and send no email, and two runs at once must send one email.
 */
plan(['duplicates', 'workflow tasks run twice']);

type TaskHandler = (event: unknown) => Promise<unknown>;

let table: CountingTable;
let mailbox: RunningService;
let repository: Repository;
const fn = {} as Record<string, TaskHandler>;
const checked: string[] = [];

const REVIEWERS = [
  { name: 'Camille Laurent', email: 'camille.laurent@instruction.example.fr', authority: 'DAECT' },
  { name: 'Youssef El Amrani', email: 'youssef.elamrani@instruction.example.ma', authority: 'DGCT' },
];
const CO_CHAIRS = [
  { side: 'FR' as const, name: 'Hélène Mercier', email: 'copresidence.fr@daect.example.fr' },
  { side: 'MA' as const, name: 'Karim Bennani', email: 'copresidence.ma@dgct.example.ma' },
];
const scores = { relevance: 4, feasibility: 4, partnership: 5, impact: 3 };

beforeAll(async () => {
  table = await startCountingTable(TEST_ENV.TABLE_NAME);
  mailbox = await startMailbox({ port: 0 });
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: table.endpoint, AWS_ENDPOINT_URL_SES: mailbox.url });
  repository = dynamoRepository(table.doc, table.tableName);
  await repository.putCall(openCall());
  await repository.putRoster(OPEN_CALL, REVIEWERS);
  await repository.putCoChairs(OPEN_CALL, CO_CHAIRS);
  for (const name of [
    'notify-applicants',
    'check-eligibility',
    'assign-reviewer',
    'request-review',
    'record-review',
    'request-committee-decision',
    'request-changes',
    'award-grant',
    'record-outcome',
    'notify-admins',
  ]) {
    fn[name] = ((await import(`../../functions/${name}/handler.ts`)) as { handler: TaskHandler }).handler;
  }
});
afterAll(async () => {
  await mailbox?.stop();
  await table?.stop();
  record({
    point: 'duplicates',
    label: 'workflow tasks run twice',
    text: `${checked.length} tasks (${checked.join(', ')}): 2nd run → 0 writes, 0 emails; 2 at once → 1 email`,
    short: `${checked.length} task runs repeated → 0 extra writes, 0 extra emails`,
  });
});

const emails = async () => (await readMailbox(mailbox.url)).length;

async function submitted(): Promise<ApplicationRecord> {
  const at = new Date().toISOString();
  const app: ApplicationRecord = { ...validInput(), id: newId(), status: 'SUBMITTED', language: 'fr', createdAt: at, updatedAt: at };
  await repository.createApplication(app, { at, status: 'SUBMITTED', actor: 'applicant' });
  return app;
}

/**
 * Runs a task, then the very same invocation again: the second must answer the same, write
 * nothing (the table is compared item by item) and send nothing.
 */
async function twice(name: string, event: Record<string, unknown>, expectEmails: number): Promise<unknown> {
  const mailBefore = await emails();
  const first = await fn[name]?.(event);
  const sent = (await emails()) - mailBefore;
  expect(sent, `${name}: emails of the first run`).toBe(expectEmails);
  const table1 = await table.scan();
  const second = await fn[name]?.(event);
  // Only whether this run sent the email may differ: the second never does.
  const { sent: _first, ...firstRest } = (first ?? {}) as Record<string, unknown>;
  const { sent: secondSent, ...secondRest } = (second ?? {}) as Record<string, unknown>;
  expect(secondRest, `${name}: the second run answers as the first`).toEqual(firstRest);
  expect(secondSent ?? false, `${name}: the second run says it sent`).toBe(false);
  expect(await table.scan(), `${name}: the second run changed the table`).toEqual(table1);
  expect((await emails()) - mailBefore, `${name}: the second run sent an email`).toBe(expectEmails);
  checked.push(name === 'notify-applicants' ? `${name}:${String(event.template)}` : name);
  return first;
}

/** Two runs at once of the same invocation: one email in all. */
async function atOnce(name: string, event: Record<string, unknown>, expectEmails: number): Promise<void> {
  const mailBefore = await emails();
  await Promise.all([fn[name]?.(event), fn[name]?.(event)]);
  expect((await emails()) - mailBefore, `${name}: two runs at once`).toBe(expectEmails);
}

describe('workflow tasks invoked twice with the same input', { timeout: 60_000 }, () => {
  it('from the receipt to the award and the decision: each step once, however often it runs', async () => {
    const app = await submitted();
    const applicationId = app.id;
    await twice('notify-applicants', { applicationId, template: 'received' }, 1);
    await twice('check-eligibility', { applicationId }, 0);
    await twice('assign-reviewer', { applicationId }, 0);
    await twice('request-review', { applicationId, taskToken: `token-review-${newId()}` }, 1);
    const review = { decision: 'favorable', ...scores };
    await twice('record-review', { applicationId, review }, 0);
    await twice('request-committee-decision', { applicationId, taskToken: `token-fr-${newId()}`, side: 'FR' }, 1);
    await twice('request-committee-decision', { applicationId, taskToken: `token-ma-${newId()}`, side: 'MA' }, 1);
    const decisions = [
      { decision: 'approve', grantedFR: 40_000 },
      { decision: 'approve', grantedMA: 0 },
    ];
    expect(await twice('award-grant', { applicationId, decisions }, 0)).toEqual({ status: 'APPROVED', grantedFR: 40_000 });
    await twice('notify-applicants', { applicationId, template: 'decision' }, 1);
    expect((await repository.getApplication(applicationId))?.status).toBe('APPROVED');
    expect((await repository.getHistory(applicationId)).map((e) => e.status)).toEqual(['SUBMITTED', 'IN_REVIEW', 'IN_COMMITTEE', 'APPROVED']);
  });

  it('changes requested, a rejection, a failure: each recorded and announced once', async () => {
    const changes = await submitted();
    await fn['check-eligibility']?.({ applicationId: changes.id });
    await fn['assign-reviewer']?.({ applicationId: changes.id });
    const review = { decision: 'changes', ...scores };
    await twice('record-review', { applicationId: changes.id, review }, 0);
    // One email to each contact, with their own link.
    await twice('request-changes', { applicationId: changes.id, taskToken: `token-changes-${newId()}` }, 2);
    await twice('record-outcome', { applicationId: changes.id, status: 'WITHDRAWN' }, 0);
    await twice('notify-applicants', { applicationId: changes.id, template: 'withdrawn' }, 1);

    const rejected = await submitted();
    await fn['check-eligibility']?.({ applicationId: rejected.id });
    await fn['assign-reviewer']?.({ applicationId: rejected.id });
    await fn['record-review']?.({ applicationId: rejected.id, review: { decision: 'favorable', ...scores } });
    await twice('record-outcome', { applicationId: rejected.id, status: 'REJECTED' }, 0);

    const failed = await submitted();
    const error = { Error: 'MessageRejected', Cause: 'Email address is not verified.' };
    await twice('record-outcome', { applicationId: failed.id, status: 'ERROR', error }, 0);
    await twice('notify-admins', { applicationId: failed.id, error }, 1);
  });

  it('two runs at once send one email: the receipt, a decision request, an admin alert', async () => {
    const app = await submitted();
    await atOnce('notify-applicants', { applicationId: app.id, template: 'received' }, 1);
    await fn['check-eligibility']?.({ applicationId: app.id });
    await fn['assign-reviewer']?.({ applicationId: app.id });
    await atOnce('request-review', { applicationId: app.id, taskToken: `token-review-${newId()}` }, 1);
    expect((await repository.listTasks(app.id)).filter((t) => t.status === 'OPEN')).toHaveLength(1);
    // A wait that timed out comes back with a new token, twice at once: one reminder, counted once.
    await atOnce('request-review', { applicationId: app.id, taskToken: `token-reminder-${newId()}` }, 1);
    expect((await repository.listTasks(app.id)).map((t) => [t.status, t.reminders])).toEqual([['OPEN', 1]]);
    await fn['record-review']?.({ applicationId: app.id, review: { decision: 'changes', ...scores } });
    await atOnce('request-changes', { applicationId: app.id, taskToken: `token-changes-${newId()}` }, 2);
    const failed = await submitted();
    await fn['record-outcome']?.({ applicationId: failed.id, status: 'ERROR', error: { Error: 'Boom' } });
    await atOnce('notify-admins', { applicationId: failed.id, error: { Error: 'Boom' } }, 1);
  });
});
