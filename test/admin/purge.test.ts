import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminEnv, startAdminEnv } from './support.ts';

let env: AdminEnv;
const ids = {
  approved: 'purge-approved',
  rejected: 'purge-rejected',
  withdrawn: 'purge-withdrawn',
  ineligible: 'purge-ineligible',
  lateApproved: 'purge-late',
  inReview: 'purge-open',
  failed: 'purge-error',
};

beforeAll(async () => {
  env = await startAdminEnv({ s3: true });
  await env.seed(ids.approved, 'APPROVED', { createdAt: '2025-02-01T10:00:00.000Z' });
  // The co-chairs' votes, as a decision page may store them.
  await env.repository.patchApplication(ids.approved, {
    committee: {
      FR: {
        decision: 'approve',
        grantedAmount: 45_000,
        comment: 'Bravo à Mme Léa Bernard.',
        at: '2025-02-01T16:00:00.000Z',
        by: 'copresidence.fr@daect.example.fr',
      },
    },
  });
  await env.seed(ids.rejected, 'REJECTED', { createdAt: '2025-02-02T10:00:00.000Z' });
  await env.seed(ids.withdrawn, 'WITHDRAWN', { createdAt: '2025-02-03T10:00:00.000Z' });
  await env.seed(ids.ineligible, 'INELIGIBLE', {
    createdAt: '2025-02-04T10:00:00.000Z',
    project: { title: 'Hors thème', summary: 'Résumé personnel', theme: 'sport', startDate: '2025-09-01', durationMonths: 24 },
  });
  // Closed after the date: kept.
  await env.seed(ids.lateApproved, 'APPROVED', { createdAt: '2025-07-01T10:00:00.000Z' });
  // Not closed: never purged, whatever their age.
  await env.seed(ids.inReview, 'IN_REVIEW', { createdAt: '2025-01-05T10:00:00.000Z' });
  await env.seed(ids.failed, 'ERROR_SUBMITTED', { createdAt: '2025-01-06T10:00:00.000Z' });
});
afterAll(async () => {
  await env.stop();
});

const personal = /Léa Bernard|lea\.bernard|Omar Benali|omar\.benali|\+33 4 72|Mme Léa|M\. Benali|Réhabilitation du réseau/;

describe('purge', () => {
  it('lists in a dry run what it would purge, and changes nothing', async () => {
    const before = await env.repository.getApplication(ids.approved);
    const result = await env.cli('purge', '--closed-before', '2025-06-01', '--dry-run');
    expect(result.code).toBe(0);
    const rows = result.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^APPLICATION\s+CALL\s+STATUS\s+CLOSED \(UTC\)$/);
    expect(
      rows
        .slice(1)
        .map((r) => r.split(/\s+/).slice(0, 3).join(' '))
        .sort(),
    ).toEqual([
      `${ids.approved} 2025-T1 APPROVED`,
      `${ids.ineligible} 2025-T1 INELIGIBLE`,
      `${ids.rejected} 2025-T1 REJECTED`,
      `${ids.withdrawn} 2025-T1 WITHDRAWN`,
    ]);
    expect(result.stderr).toBe('would purge the personal data of 4 application(s) closed before 2025-06-01 00:00 UTC (5 closed application(s) checked)\n');
    expect(await env.repository.getApplication(ids.approved)).toEqual(before);
  });

  it('removes contacts, summary and comments of closed applications, keeping figures, statuses and history', async () => {
    const approvedBefore = (await env.repository.getApplication(ids.approved))!;
    const historyBefore = await env.repository.getHistory(ids.rejected);
    const result = await env.cli('purge', '--closed-before', '2025-06-01');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('purged the personal data of 4 application(s) closed before 2025-06-01 00:00 UTC');

    const approved = (await env.repository.getApplication(ids.approved))!;
    expect(approved.leadAuthority).toEqual({ ...approvedBefore.leadAuthority, contact: { name: '', email: '' } });
    expect(approved.partnerAuthority.contact).toEqual({ name: '', email: '' });
    expect(approved.project).toEqual({ ...approvedBefore.project, summary: '' });
    expect(approved.personalDataPurgedAt).toMatch(/^\d{4}-/);
    // The figures, the status, the scores, the decision and who took it stay.
    expect(approved).toMatchObject({
      status: 'APPROVED',
      budget: approvedBefore.budget,
      decision: approvedBefore.decision,
      reviewer: approvedBefore.reviewer,
      review: { ...approvedBefore.review, comment: '' },
      updatedAt: approvedBefore.updatedAt,
    });
    expect(approved.committee?.FR).toEqual({ ...approvedBefore.committee?.FR, comment: '' });
    expect(approvedBefore.committee?.FR?.comment).toContain('Léa Bernard');
    expect(await env.repository.listTasks(ids.approved)).toEqual([]);

    const rejected = (await env.repository.getApplication(ids.rejected))!;
    expect(rejected.decision).toMatchObject({ outcome: 'REJECTED', reason: 'Le comité mixte n’a pas retenu le projet' });
    const history = await env.repository.getHistory(ids.rejected);
    expect(history.map((e) => [e.at, e.status, e.actor])).toEqual(historyBefore.map((e) => [e.at, e.status, e.actor]));
    expect(history.at(-1)?.reason).toBe('Le comité mixte n’a pas retenu le projet');

    const withdrawnHistory = await env.repository.getHistory(ids.withdrawn);
    expect(withdrawnHistory.find((e) => e.status === 'CHANGES_REQUESTED')?.reason).toBe('Modifications demandées par l’instructeur');
    expect(withdrawnHistory.find((e) => e.status === 'WITHDRAWN')?.reason).toBe('Aucune nouvelle version déposée dans le délai');

    for (const id of [ids.approved, ids.rejected, ids.withdrawn, ids.ineligible]) {
      const shown = await env.cli('applications', 'show', id, '--json');
      expect(shown.stdout, id).not.toMatch(personal);
      expect((await env.cli('applications', 'show', id)).stdout).toMatch(/^ {2}contact\s+\(purged\)$/m);
    }
    for (const id of [ids.lateApproved, ids.inReview, ids.failed]) {
      expect((await env.cli('applications', 'show', id, '--json')).stdout, id).toMatch(personal);
    }
  });

  it('does nothing the second time', async () => {
    const result = await env.cli('purge', '--closed-before', '2025-06-01', '--json');
    expect(JSON.parse(result.stdout)).toMatchObject({ dryRun: false, scanned: 5, purged: [] });
  });

  it('refuses a date in the future, a malformed one, or none for the local stack', async () => {
    const future = await env.cli('purge', '--closed-before', '2999-01-01');
    expect(future).toMatchObject({ code: 1, stderr: expect.stringMatching(/^coopfund admin: closed-before 2999-01-01T00:00:00.000Z is in the future/) });
    expect(await env.cli('purge', '--closed-before', 'last year')).toMatchObject({ code: 2 });
    expect(await env.cli('purge')).toMatchObject({ code: 2, stderr: 'coopfund admin: --closed-before <date> is required\n' });
  });
});
