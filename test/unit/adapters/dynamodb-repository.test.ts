import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { gsi, keys } from '../../../shared/adapters/table-keys.ts';
import { dynamoRepository } from '../../../shared/adapters/dynamodb-repository.ts';
import { InvalidTransitionError, NotFoundError, TaskGoneError } from '../../../shared/domain/errors.ts';
import type { Repository } from '../../../shared/ports/index.ts';
import { sampleApplication, sampleCall, sampleTask } from '../api/samples.ts';
import { startDynaliteTable, type DynaliteTable } from '../../fixtures/dynalite-table.ts';

let table: DynaliteTable;
let repo: Repository;
let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;

beforeAll(async () => {
  table = await startDynaliteTable();
  repo = dynamoRepository(table.doc, table.tableName);
});
afterAll(async () => {
  await table.stop();
});

describe('calls', () => {
  it('stores a call with an empty envelope bookkeeping and lists it', async () => {
    const call = sampleCall({ id: unique('call') });
    await repo.putCall(call);
    expect(await repo.getCall(call.id)).toEqual({ ...call, committed: 0, awarded: [], committedMA: 0, awardedMA: [] });
    expect((await repo.listCalls()).map((c) => c.id)).toContain(call.id);
    expect(await repo.getCall('no-such-call')).toBeUndefined();
  });

  it('re-seeding a call keeps what it already committed', async () => {
    const call = sampleCall({ id: unique('call') });
    await repo.putCall(call);
    await repo.reserveGrant(call.id, 'app-a', 40_000);
    await repo.putCall({ ...call, title: { fr: 'Nouveau titre' } });
    expect(await repo.getCall(call.id)).toMatchObject({ title: { fr: 'Nouveau titre' }, committed: 40_000, awarded: ['app-a'] });
  });

  it('a rule the new definition leaves out goes back to its default (the stored one is removed)', async () => {
    const call = sampleCall({ id: unique('call'), minLeadShare: 0.2, requirePartnerConfirmation: false, partnerConfirmationDays: 10 });
    await repo.putCall(call);
    const { minLeadShare: _m, requirePartnerConfirmation: _r, ...without } = call;
    await repo.putCall(without);
    const stored = await repo.getCall(call.id);
    expect(stored).toMatchObject({ partnerConfirmationDays: 10 });
    expect(stored).not.toHaveProperty('minLeadShare');
    expect(stored).not.toHaveProperty('requirePartnerConfirmation');
  });

  it('replaces the roster and the co-chairs', async () => {
    const id = unique('call');
    await repo.putCall(sampleCall({ id }));
    await repo.putRoster(id, [
      { name: 'A', email: 'a@example.fr', authority: 'Région Sud' },
      { name: 'B', email: 'b@example.fr', authority: 'Ville de Lyon' },
    ]);
    await repo.putRoster(id, [{ name: 'B', email: 'b@example.fr', authority: 'Ville de Lyon' }]);
    expect(await repo.getRoster(id)).toEqual([{ name: 'B', email: 'b@example.fr', authority: 'Ville de Lyon' }]);
    await repo.putCoChairs(id, [
      { side: 'FR', name: 'F', email: 'f@example.fr' },
      { side: 'MA', name: 'M', email: 'm@example.ma' },
    ]);
    expect((await repo.getCoChairs(id)).map((c) => c.side).sort()).toEqual(['FR', 'MA']);
  });
});

describe('reserveGrant — the money invariant', () => {
  it('50 concurrent reservations against an envelope that fits exactly 10: 10 reserved, committed = envelope', async () => {
    const call = sampleCall({ id: unique('call'), envelope: 100_000, grant: { min: 1_000, max: 10_000 } });
    await repo.putCall(call);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => repo.reserveGrant(call.id, `app-${i}`, 10_000)));
    expect(results.filter((r) => r === 'reserved')).toHaveLength(10);
    expect(results.filter((r) => r === 'exhausted')).toHaveLength(40);
    const after = await repo.getCall(call.id);
    expect(after?.committed).toBe(100_000);
    expect(after?.awarded).toHaveLength(10);
  });

  it('counts a replayed reservation once, even when replayed concurrently', async () => {
    const call = sampleCall({ id: unique('call'), envelope: 100_000, grant: { min: 1_000, max: 50_000 } });
    await repo.putCall(call);
    const results = await Promise.all(Array.from({ length: 20 }, () => repo.reserveGrant(call.id, 'app-x', 30_000)));
    expect(results.filter((r) => r === 'reserved')).toHaveLength(1);
    expect(results.filter((r) => r === 'already')).toHaveLength(19);
    expect(await repo.reserveGrant(call.id, 'app-x', 30_000)).toBe('already');
    expect((await repo.getCall(call.id))?.committed).toBe(30_000);
  });

  it('says exhausted when the amount does not fit, and reserves what still fits', async () => {
    const call = sampleCall({ id: unique('call'), envelope: 100_000, grant: { min: 1_000, max: 80_000 } });
    await repo.putCall(call);
    expect(await repo.reserveGrant(call.id, 'a', 80_000)).toBe('reserved');
    expect(await repo.reserveGrant(call.id, 'b', 30_000)).toBe('exhausted');
    expect(await repo.reserveGrant(call.id, 'c', 20_000)).toBe('reserved');
    expect((await repo.getCall(call.id))?.committed).toBe(100_000);
  });
});

describe('two envelopes — each side its own bookkeeping', () => {
  const twoSided = (id: string) =>
    sampleCall({
      id,
      envelope: 100_000,
      grant: { min: 1_000, max: 50_000 },
      madPerEur: 10.8,
      envelopes: { FR: { amount: 100_000, currency: 'EUR' }, MA: { amount: 540_000, currency: 'MAD' } },
    });

  it('reserves the Moroccan side in dirhams within its own envelope, apart from the French one', async () => {
    const call = twoSided(unique('call'));
    await repo.putCall(call);
    expect(await repo.reserveGrant(call.id, 'a', 40_000, 'FR')).toBe('reserved');
    expect(await repo.reserveGrant(call.id, 'a', 432_000, 'MA')).toBe('reserved');
    expect(await repo.reserveGrant(call.id, 'a', 432_000, 'MA')).toBe('already');
    expect(await repo.reserveGrant(call.id, 'b', 108_001, 'MA')).toBe('exhausted');
    expect(await repo.reserveGrant(call.id, 'b', 108_000, 'MA')).toBe('reserved');
    expect(await repo.getCall(call.id)).toMatchObject({
      committed: 40_000,
      awarded: ['a'],
      committedMA: 540_000,
      awardedMA: expect.arrayContaining(['a', 'b']),
    });
  });

  it('a call with no Moroccan envelope has nothing to reserve on that side', async () => {
    const call = sampleCall({ id: unique('call') });
    await repo.putCall(call);
    expect(await repo.reserveGrant(call.id, 'a', 1, 'MA')).toBe('exhausted');
    expect(await repo.getCall(call.id)).toMatchObject({ committedMA: 0, awardedMA: [] });
  });

  it('releases once: the amount given back and the id uncounted, a second release changes nothing', async () => {
    const call = twoSided(unique('call'));
    await repo.putCall(call);
    await repo.reserveGrant(call.id, 'a', 30_000, 'FR');
    await repo.reserveGrant(call.id, 'b', 20_000, 'FR');
    const releases = await Promise.all(Array.from({ length: 5 }, () => repo.releaseGrant(call.id, 'a', 30_000, 'FR')));
    expect(releases.filter((r) => r === 'released')).toHaveLength(1);
    expect(await repo.releaseGrant(call.id, 'a', 30_000, 'MA')).toBe('absent');
    expect(await repo.getCall(call.id)).toMatchObject({ committed: 20_000, awarded: ['b'], committedMA: 0 });
    expect(await repo.reserveGrant(call.id, 'a', 30_000, 'FR')).toBe('reserved');
  });

  it('reads and reserves on a call item written before the Moroccan side existed', async () => {
    const id = unique('call');
    const { envelopes: _e, madPerEur: _m, ...old } = twoSided(id);
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...old, ...keys.call(id), gsi1pk: gsi.calls(), gsi1sk: gsi.callSort(old.opensAt, id), committed: 30_000, awarded: new Set(['old']) },
      }),
    );
    expect(await repo.getCall(id)).toMatchObject({ committed: 30_000, awarded: ['old'], committedMA: 0, awardedMA: [] });
    expect(await repo.reserveGrant(id, 'old', 30_000)).toBe('already');
    expect(await repo.reserveGrant(id, 'new', 70_000)).toBe('reserved');
    expect(await repo.reserveGrant(id, 'newer', 1)).toBe('exhausted');
  });
});

describe('applications', () => {
  it('creates once, with its first history event', async () => {
    const app = sampleApplication({ id: unique('app') });
    const first = { at: app.createdAt, status: 'SUBMITTED' as const, actor: 'applicant' };
    expect(await repo.createApplication(app, first)).toBe('created');
    expect(await repo.createApplication({ ...app, budget: { totalCost: 1, requestedAmount: 1 } }, first)).toBe('exists');
    expect(await repo.getApplication(app.id)).toEqual(app);
    expect(await repo.getHistory(app.id)).toEqual([first]);
  });

  it('files in one write: the first event rides on the item until the first change writes its own item, and none is lost', async () => {
    const app = sampleApplication({ id: unique('app') });
    await repo.createApplication(app, { at: '2027-01-10T09:00:00.000Z', status: 'SUBMITTED', actor: 'applicant' });
    const eventItems = async () =>
      (
        await table.doc.send(
          new QueryCommand({
            TableName: table.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
            ExpressionAttributeValues: { ':pk': `APP#${app.id}`, ':e': 'EVENT#' },
          }),
        )
      ).Items?.map((e) => e.status);
    expect(await eventItems()).toEqual([]);
    await repo.transition(app.id, 'IN_REVIEW', { at: '2027-01-10T09:01:00.000Z', status: 'IN_REVIEW', actor: 'workflow' });
    await repo.transition(app.id, 'IN_COMMITTEE', { at: '2027-01-10T09:02:00.000Z', status: 'IN_COMMITTEE', actor: 'workflow' });
    expect(await eventItems()).toEqual(['SUBMITTED', 'IN_REVIEW', 'IN_COMMITTEE']);
    expect((await repo.getHistory(app.id)).map((e) => e.status)).toEqual(['SUBMITTED', 'IN_REVIEW', 'IN_COMMITTEE']);
  });

  it('shows a status change in the history even before its event item is written', async () => {
    const app = sampleApplication({ id: unique('app') });
    await repo.createApplication(app, { at: '2027-01-10T09:00:00.000Z', status: 'SUBMITTED', actor: 'applicant' });
    await repo.transition(app.id, 'IN_REVIEW', { at: '2027-01-10T09:01:00.000Z', status: 'IN_REVIEW', actor: 'workflow' });
    // The moment between the item's update and its event's write: the event item is not there yet.
    const events = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
        ExpressionAttributeValues: { ':pk': `APP#${app.id}`, ':e': 'EVENT#' },
      }),
    );
    const inReview = events.Items?.find((e) => e.status === 'IN_REVIEW');
    await table.doc.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: inReview?.pk, sk: inReview?.sk } }));
    expect((await repo.getHistory(app.id)).map((e) => e.status)).toEqual(['SUBMITTED', 'IN_REVIEW']);
  });

  it('transition moves along the status machine, keeps the history and the listing key', async () => {
    const app = sampleApplication({ id: unique('app') });
    await repo.createApplication(app, { at: '2027-01-10T09:00:00.000Z', status: 'SUBMITTED', actor: 'applicant' });
    const reviewer = { name: 'R', email: 'r@example.fr' };
    expect(await repo.transition(app.id, 'IN_REVIEW', { at: '2027-01-10T09:00:00.000Z', status: 'IN_REVIEW', actor: 'workflow' }, { reviewer })).toBe(
      'changed',
    );
    // Replayed by a retried Lambda: nothing changes, the history is not doubled.
    expect(await repo.transition(app.id, 'IN_REVIEW', { at: '2027-01-10T09:00:05.000Z', status: 'IN_REVIEW', actor: 'workflow' })).toBe('unchanged');
    expect(await repo.getApplication(app.id)).toMatchObject({ status: 'IN_REVIEW', reviewer, updatedAt: '2027-01-10T09:00:00.000Z' });
    expect((await repo.getHistory(app.id)).map((e) => e.status)).toEqual(['SUBMITTED', 'IN_REVIEW']);

    const listed = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `CALL#${app.callId}#STATUS#IN_REVIEW` },
      }),
    );
    expect(listed.Items?.map((i) => i.id)).toContain(app.id);
  });

  it('refuses an illegal move and leaves status and history untouched', async () => {
    const app = sampleApplication({ id: unique('app') });
    await repo.createApplication(app, { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' });
    await expect(repo.transition(app.id, 'APPROVED', { at: '2027-01-11T00:00:00.000Z', status: 'APPROVED', actor: 'committee' })).rejects.toBeInstanceOf(
      InvalidTransitionError,
    );
    expect((await repo.getApplication(app.id))?.status).toBe('SUBMITTED');
    expect(await repo.getHistory(app.id)).toHaveLength(1);
    await expect(repo.transition('missing', 'IN_REVIEW', { at: app.createdAt, status: 'IN_REVIEW', actor: 'workflow' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('of concurrent competing moves exactly one wins', async () => {
    const app = sampleApplication({ id: unique('app'), status: 'IN_REVIEW' });
    await repo.createApplication(app, { at: app.createdAt, status: 'IN_REVIEW', actor: 'workflow' });
    const at = '2027-01-20T00:00:00.000Z';
    const outcomes = await Promise.allSettled([
      repo.transition(app.id, 'IN_COMMITTEE', { at, status: 'IN_COMMITTEE', actor: 'reviewer' }),
      repo.transition(app.id, 'CHANGES_REQUESTED', { at, status: 'CHANGES_REQUESTED', actor: 'reviewer' }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof InvalidTransitionError)).toHaveLength(1);
    expect(await repo.getHistory(app.id)).toHaveLength(2);
  });

  it('two events in the same millisecond are both kept, in order', async () => {
    const app = sampleApplication({ id: unique('app'), status: 'CHANGES_REQUESTED' });
    const at = '2027-01-20T00:00:00.000Z';
    await repo.createApplication(app, { at, status: 'CHANGES_REQUESTED', actor: 'workflow' });
    await repo.transition(app.id, 'SUBMITTED', { at, status: 'SUBMITTED', actor: 'applicant' }, { project: { ...app.project, title: 'Nouveau' } });
    await repo.transition(app.id, 'IN_REVIEW', { at, status: 'IN_REVIEW', actor: 'workflow' });
    expect((await repo.getHistory(app.id)).map((e) => e.status)).toEqual(['CHANGES_REQUESTED', 'SUBMITTED', 'IN_REVIEW']);
    expect((await repo.getApplication(app.id))?.project.title).toBe('Nouveau');
  });

  it('patches fields but never the status, and deletes an application with its history', async () => {
    const app = sampleApplication({ id: unique('app') });
    await repo.createApplication(app, { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' });
    await repo.patchApplication(app.id, { status: 'APPROVED', ineligibility: [{ rule: 'theme', reason: 'x' }] });
    expect(await repo.getApplication(app.id)).toMatchObject({ status: 'SUBMITTED', ineligibility: [{ rule: 'theme', reason: 'x' }] });
    await expect(repo.patchApplication('missing', { reviewer: { name: 'n', email: 'e@x.fr' } })).rejects.toBeInstanceOf(NotFoundError);
    await repo.deleteApplication(app.id);
    expect(await repo.getApplication(app.id)).toBeUndefined();
    expect(await repo.getHistory(app.id)).toEqual([]);
  });
});

describe('tasks', () => {
  it('of 20 concurrent claims exactly one wins; release and close behave', async () => {
    const task = sampleTask({ id: unique('task'), applicationId: unique('app') });
    await repo.putTask(task);
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => repo.claimTask(task.id, `r${i}@example.fr`, { decision: 'favorable', i }, '2027-01-13T00:00:00.000Z')),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const decided = await repo.getTask(task.id);
    expect(decided?.status).toBe('DONE');
    expect(decided?.decidedBy).toBe(`r${claims.indexOf(true)}@example.fr`);

    await repo.releaseTask(task.id);
    expect(await repo.getTask(task.id)).toEqual(task);
    expect(await repo.claimTask(task.id, 'x@example.fr', {}, '2027-01-13T00:00:00.000Z')).toBe(true);
    await repo.closeTask(task.id);
    expect((await repo.getTask(task.id))?.status).toBe('CLOSED');
    await repo.releaseTask(task.id);
    expect((await repo.getTask(task.id))?.status).toBe('CLOSED');
    expect(await repo.claimTask(task.id, 'x@example.fr', {}, '2027-01-13T00:00:00.000Z')).toBe(false);
  });

  it('finds the open task of a stage, renews its token, lists tasks of an application', async () => {
    const applicationId = unique('app');
    const review = sampleTask({ id: unique('task'), applicationId, stage: 'review' });
    const fr = sampleTask({ id: unique('task'), applicationId, stage: 'committee-FR', status: 'CLOSED' });
    await repo.putTask(review);
    await repo.putTask(fr);
    expect((await repo.findOpenTask(applicationId, 'review'))?.id).toBe(review.id);
    expect(await repo.findOpenTask(applicationId, 'committee-FR')).toBeUndefined();
    expect((await repo.listTasks(applicationId)).map((t) => t.id).sort()).toEqual([review.id, fr.id].sort());

    const renewed = await repo.renewTaskToken(review.id, 'token-2');
    expect(renewed).toMatchObject({ id: review.id, taskToken: 'token-2', reminders: 1, status: 'OPEN' });
    await expect(repo.renewTaskToken(fr.id, 'token-3')).rejects.toBeInstanceOf(TaskGoneError);
  });
});

describe('idempotency keys and email markers', () => {
  it('of 30 concurrent claims of one key the first writer wins, every caller sees it', async () => {
    const key = unique('key');
    const seen = await Promise.all(Array.from({ length: 30 }, (_, i) => repo.claimIdempotencyKey(key, 'hash-1', `app-${i}`)));
    const ids = new Set(seen.map((s) => s.applicationId));
    expect(ids.size).toBe(1);
    expect(seen.every((s) => s.bodyHash === 'hash-1')).toBe(true);
    expect(await repo.claimIdempotencyKey(key, 'hash-2', 'app-other')).toEqual(seen[0]);
    await repo.releaseIdempotencyKey(key);
    expect(await repo.claimIdempotencyKey(key, 'hash-2', 'app-other')).toEqual({ bodyHash: 'hash-2', applicationId: 'app-other' });
  });

  it('marks an email once', async () => {
    const key = unique('email');
    expect(await repo.markEmailSent(key)).toBe(true);
    expect(await repo.markEmailSent(key)).toBe(false);
    await repo.unmarkEmailSent(key);
    expect(await repo.markEmailSent(key)).toBe(true);
  });
});
