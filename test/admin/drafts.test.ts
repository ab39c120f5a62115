import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCall } from '../fixtures/domain.ts';
import { aDossier, aDraft, PARTNER_CONTACT } from '../fixtures/dossier.ts';
import { type AdminEnv, startAdminEnv } from './support.ts';

let env: AdminEnv;
const CALL = '2027-DOSSIER';

beforeAll(async () => {
  env = await startAdminEnv();
  await env.repository.putCall(aCall({ id: CALL, madPerEur: 10.8 }));
  const event = (at: string) => ({ at, role: 'lead' as const, email: 'claire.martin@lyon.example.fr', action: 'created' as const });
  // Started, only the lead authority; complete and awaiting the partner; half-way with the partner invited.
  await env.repository.createDraft(
    aDraft({ id: 'draft-started-000000001', callId: CALL, updatedAt: '2027-01-10T09:00:00.000Z' }),
    event('2027-01-10T09:00:00.000Z'),
  );
  await env.repository.createDraft(
    aDraft({
      id: 'draft-awaiting-00000001',
      callId: CALL,
      status: 'AWAITING_PARTNER',
      dossier: aDossier(),
      version: 7,
      updatedAt: '2027-02-01T10:00:00.000Z',
      submitRequestedAt: '2027-02-01T10:00:00.000Z',
    }),
    event('2027-01-12T09:00:00.000Z'),
  );
  const { budget: _b, ...halfway } = aDossier();
  await env.repository.createDraft(
    aDraft({ id: 'draft-halfway-000000001', callId: CALL, dossier: halfway, partner: PARTNER_CONTACT, version: 3, updatedAt: '2027-01-20T10:00:00.000Z' }),
    event('2027-01-11T09:00:00.000Z'),
  );
});
afterAll(async () => {
  await env.stop();
});

describe('drafts list', () => {
  it('lists a call’s drafts, oldest change first, with how far each is and the requests in both currencies', async () => {
    const result = await env.cli('drafts', 'list', '--call', CALL);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(
      /^ID\s+STATUS\s+CHANGED \(UTC\)\s+VERSION\s+SECTIONS\s+MISSING\s+PARTNER\s+TOTAL COST\s+FR \(EUR\)\s+MA \(MAD\)\s+LEAD AUTHORITY\s+TITLE$/,
    );
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['draft-started-000000001', 'draft-halfway-000000001', 'draft-awaiting-00000001']);
    expect(rows[0]).toMatch(/DRAFT\s+2027-01-10 09:00\s+1\s+1\/4\s+\d+\s+-\s+0\s+0\s+0 \(0 EUR\)\s+Ville de Lyon/);
    expect(rows[1]).toMatch(/DRAFT\s+2027-01-20 10:00\s+3\s+3\/4\s+1\s+invited\s/);
    expect(rows[2]).toMatch(/AWAITING_PARTNER\s+2027-02-01 10:00\s+7\s+4\/4\s+0\s+invited\s+120 000\s+30 000\s+324 000 \(30 000 EUR\)\s+Ville de Lyon/);
    expect(result.stderr).toBe(`3 draft(s) of ${CALL}\n`);
    // No contact leaves the table.
    expect(result.stdout).not.toMatch(/@|Claire Martin|Youssef/);
  });

  it('filters by status, prints JSON, and refuses an unknown status or call', async () => {
    const awaiting = JSON.parse((await env.cli('drafts', 'list', '--call', CALL, '--status', 'awaiting_partner', '--json')).stdout) as Array<
      Record<string, unknown>
    >;
    expect(awaiting).toEqual([
      expect.objectContaining({ id: 'draft-awaiting-00000001', missing: 0, sectionsComplete: 4, requestedMA: 324_000, requestedMAInEur: 30_000 }),
    ]);
    expect(await env.cli('drafts', 'list', '--call', CALL, '--status', 'FILED')).toMatchObject({
      code: 2,
      stderr: 'coopfund admin: --status must be one of DRAFT, AWAITING_PARTNER, SUBMITTED (got "FILED")\n',
    });
    expect(await env.cli('drafts', 'list', '--call', 'NOPE')).toMatchObject({
      code: 1,
      stderr: 'coopfund admin: call NOPE not found (calls list shows them)\n',
    });
    expect(await env.cli('drafts', 'list')).toMatchObject({ code: 2, stderr: 'coopfund admin: --call <id> is required\n' });
  });
});
