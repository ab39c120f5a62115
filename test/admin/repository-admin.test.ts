import { describe, expect, it } from 'vitest';
import { executionName } from '../../shared/adapters/sfn-workflow.ts';
import type { TaskRecord } from '../../shared/domain/application.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { bothRepositories } from '../fixtures/repositories.ts';
import { anApplication, pastCall } from './support.ts';

/** The Repository's admin additions keep the same promises over memory and over DynamoDB. */
let n = 0;
const repositories = bothRepositories();

describe.each(repositories)('admin operations of the repository %s', (_, make) => {
  async function world() {
    const repository = make();
    const callId = `C${++n}`;
    await repository.putCall({ ...pastCall, id: callId });
    return { repository, callId };
  }

  it("lists a call's applications of one status, oldest first, page by page", async () => {
    const { repository, callId } = await world();
    for (const [i, id] of ['d', 'a', 'c', 'b', 'e'].entries()) {
      await repository.createApplication(anApplication(`${callId}-${id}`, { callId, createdAt: `2025-02-0${i + 1}T10:00:00.000Z` }), {
        at: `2025-02-0${i + 1}T10:00:00.000Z`,
        status: 'SUBMITTED',
        actor: 'applicant',
      });
    }
    await repository.transition(`${callId}-c`, 'IN_REVIEW', { at: '2025-02-10T10:00:00.000Z', status: 'IN_REVIEW', actor: 'workflow' });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await repository.listApplications(callId, 'SUBMITTED', { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a) => a.id));
      cursor = page.cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['d', 'a', 'b', 'e'].map((id) => `${callId}-${id}`));
    expect((await repository.listApplications(callId, 'IN_REVIEW')).items.map((a) => a.id)).toEqual([`${callId}-c`]);
    expect((await repository.listApplications(callId, 'APPROVED')).items).toEqual([]);
    // Records come back as the application, without the table's own attributes.
    expect(Object.keys((await repository.listApplications(callId, 'IN_REVIEW')).items[0]!)).not.toContain('gsi1pk');
  });

  it('refuses a cursor of another listing, a mangled one, a limit out of bounds', async () => {
    const { repository, callId } = await world();
    for (const id of ['x', 'y']) {
      await repository.createApplication(anApplication(`${callId}-${id}`, { callId }), {
        at: '2025-02-01T10:00:00.000Z',
        status: 'SUBMITTED',
        actor: 'applicant',
      });
    }
    const { cursor } = await repository.listApplications(callId, 'SUBMITTED', { limit: 1 });
    expect(cursor).toBeDefined();
    await expect(repository.listApplications(callId, 'ERROR', { cursor: cursor! })).rejects.toBeInstanceOf(ValidationError);
    await expect(repository.listApplications(callId, 'SUBMITTED', { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationError);
    await expect(repository.listApplications(callId, 'SUBMITTED', { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('rewrites history reasons, and the copy of the last event a later write would replay', async () => {
    const { repository, callId } = await world();
    const id = `${callId}-h`;
    await repository.createApplication(anApplication(id, { callId }), { at: '2025-02-01T10:00:00.000Z', status: 'SUBMITTED', actor: 'applicant' });
    await repository.transition(id, 'IN_REVIEW', { at: '2025-02-01T11:00:00.000Z', status: 'IN_REVIEW', actor: 'workflow', reason: 'keep' });
    await repository.transition(id, 'CHANGES_REQUESTED', {
      at: '2025-02-01T12:00:00.000Z',
      status: 'CHANGES_REQUESTED',
      actor: 'workflow',
      reason: 'M. Benali doit…',
    });
    const changed = await repository.redactHistory(id, (e) => (e.status === 'CHANGES_REQUESTED' ? 'generic' : e.reason));
    expect(changed).toBe(1);
    const expected = [
      { at: '2025-02-01T10:00:00.000Z', status: 'SUBMITTED', actor: 'applicant' },
      { at: '2025-02-01T11:00:00.000Z', status: 'IN_REVIEW', actor: 'workflow', reason: 'keep' },
      { at: '2025-02-01T12:00:00.000Z', status: 'CHANGES_REQUESTED', actor: 'workflow', reason: 'generic' },
    ];
    expect(await repository.getHistory(id)).toEqual(expected);
    // A retried transition to the same status rewrites its event from the stored copy: still redacted.
    await repository.transition(id, 'CHANGES_REQUESTED', {
      at: '2025-02-01T12:00:00.000Z',
      status: 'CHANGES_REQUESTED',
      actor: 'workflow',
      reason: 'M. Benali doit…',
    });
    expect(await repository.getHistory(id)).toEqual(expected);
    expect(await repository.redactHistory(id, (e) => (e.status === 'IN_REVIEW' ? undefined : e.reason))).toBe(1);
    expect((await repository.getHistory(id))[1]).toEqual({ at: '2025-02-01T11:00:00.000Z', status: 'IN_REVIEW', actor: 'workflow' });
  });

  it('closes a task only while it is open, and deletes tasks', async () => {
    const { repository, callId } = await world();
    const task = (id: string): TaskRecord => ({
      id: `${callId}-${id}`,
      applicationId: `${callId}-app`,
      stage: 'review',
      taskToken: 't',
      recipients: ['r@example.org'],
      status: 'OPEN',
      createdAt: '2025-02-01T10:00:00.000Z',
      expiresAt: '2025-02-15T10:00:00.000Z',
      reminders: 0,
    });
    await repository.putTask(task('open'));
    await repository.putTask(task('decided'));
    expect(await repository.claimTask(`${callId}-decided`, 'r@example.org', {}, '2025-02-02T10:00:00.000Z')).toBe(true);

    expect(await repository.closeTaskIfOpen(`${callId}-open`)).toBe(true);
    expect(await repository.closeTaskIfOpen(`${callId}-open`)).toBe(false);
    expect(await repository.closeTaskIfOpen(`${callId}-decided`)).toBe(false);
    expect(await repository.closeTaskIfOpen(`${callId}-missing`)).toBe(false);
    expect((await repository.getTask(`${callId}-open`))?.status).toBe('CLOSED');
    expect((await repository.getTask(`${callId}-decided`))?.status).toBe('DONE');

    await repository.deleteTask(`${callId}-open`);
    await repository.deleteTask(`${callId}-missing`);
    expect(await repository.getTask(`${callId}-open`)).toBeUndefined();
  });
});

describe('execution names', () => {
  it("are the application id, and <id>-r<n> for an admin's retries, within 80 characters", () => {
    expect(executionName('abc_DEF-123')).toBe('abc_DEF-123');
    expect(executionName('abc_DEF-123', 2)).toBe('abc_DEF-123-r2');
    const long = 'x'.repeat(90);
    expect(executionName(long)).toHaveLength(80);
    expect(executionName(long, 12)).toBe(`${'x'.repeat(76)}-r12`);
  });
});
