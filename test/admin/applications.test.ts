import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv } from '../../admin/output.ts';
import { aBudget } from '../fixtures/budget.ts';
import { type AdminEnv, coChairs, pastCall, roster, startAdminEnv } from './support.ts';

let env: AdminEnv;
beforeAll(async () => {
  env = await startAdminEnv();
  // Three applications under review, submitted a day apart; one approved, one rejected, one in ERROR.
  for (const [i, id] of ['rev-c', 'rev-a', 'rev-b'].entries()) {
    await env.seed(id, 'IN_REVIEW', { createdAt: `2025-02-0${i + 1}T10:00:00.000Z` });
  }
  await env.seed('approved-1', 'APPROVED', {
    createdAt: '2025-01-20T09:00:00.000Z',
    project: {
      title: 'Patrimoine, "médina" et formation',
      summary: 'Un résumé.',
      theme: 'patrimoine',
      startDate: '2025-10-01',
      durationMonths: 36,
    },
    budget: { totalCost: 90_000, requestedAmount: 45_000 },
  });
  await env.seed('rejected-1', 'REJECTED', {
    createdAt: '2025-01-25T09:00:00.000Z',
    leadAuthority: { name: '=HYPERLINK("http://evil")', country: 'FR', kind: 'region', contact: { name: 'X', email: 'x@example.org' } },
  });
  await env.seed('failed-1', 'ERROR_SUBMITTED', { createdAt: '2025-02-10T09:00:00.000Z' });
});
afterAll(async () => {
  await env.stop();
});

describe('applications list', () => {
  it('shows one status of a call as a table, oldest first, page by page', async () => {
    const first = await env.cli('applications', 'list', '--call', '2025-T1', '--status', 'IN_REVIEW', '--limit', '2');
    expect(first.code).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+SUBMITTED \(UTC\)\s+LEAD AUTHORITY\s+PARTNER AUTHORITY\s+THEME\s+REQUESTED\s+FR \(EUR\)\s+MA \(MAD\)\s+GRANTED FR \(EUR\)\s+GRANTED MA \(MAD\)\s+TITLE$/,
    );
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['rev-c', 'rev-a']);
    // Filed with the old budget: its request is the French side's, nothing on the Moroccan side, nothing granted yet.
    expect(lines[1]).toMatch(
      /^rev-c\s+2025-02-01 10:00\s+Ville de Lyon\s+جماعة شفشاون — Commune de Chefchaouen\s+eau\s+50 000\s+50 000\s+-\s+-\s+-\s+Eau potable pour la médina$/,
    );
    expect(first.stderr).toContain('2 application(s) of 2025-T1 in IN_REVIEW');
    const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1];
    expect(cursor).toBeDefined();

    const second = await env.cli('applications', 'list', '--call', '2025-T1', '--status', 'in_review', '--limit', '2', '--cursor', cursor!, '--json');
    const page = JSON.parse(second.stdout) as { items: Array<{ id: string }>; cursor?: string };
    expect(page.items.map((a) => a.id)).toEqual(['rev-b']);
    expect(page.cursor).toBeUndefined();
    expect(second.stderr).toBe('');
  });

  it('refuses a cursor of another listing, an unknown status or call, a bad limit', async () => {
    const first = await env.cli('applications', 'list', '--call', '2025-T1', '--status', 'IN_REVIEW', '--limit', '1');
    const cursor = /--cursor (\S+)/.exec(first.stderr)![1]!;
    expect(await env.cli('applications', 'list', '--call', '2025-T1', '--status', 'APPROVED', '--cursor', cursor)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^coopfund admin: invalid cursor/),
    });
    expect(await env.cli('applications', 'list', '--call', '2025-T1', '--status', 'DONE')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--status must be one of SUBMITTED, INELIGIBLE'),
    });
    expect(await env.cli('applications', 'list', '--call', 'NOPE', '--status', 'ERROR')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('call NOPE not found'),
    });
    expect(await env.cli('applications', 'list', '--call', '2025-T1', '--status', 'ERROR', '--limit', '0')).toMatchObject({ code: 2 });
  });
});

describe('applications list, every status', () => {
  const ALL = ['approved-1', 'rejected-1', 'rev-c', 'rev-a', 'rev-b', 'failed-1'];
  const ids = (stdout: string) => (JSON.parse(stdout) as { items: Array<{ id: string }> }).items.map((a) => a.id);
  const cursorOf = (stdout: string) => (JSON.parse(stdout) as { cursor?: string }).cursor;

  it('lists every status without --status, oldest first across them, following the printed next page', async () => {
    const first = await env.cli('applications', 'list', '--call', '2025-T1', '--limit', '2');
    expect(first.code).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+SUBMITTED \(UTC\)\s+STATUS\s+LEAD AUTHORITY\s+PARTNER AUTHORITY\s+THEME\s+REQUESTED\s+FR \(EUR\)\s+MA \(MAD\)\s+.*TITLE$/);
    // An old-budget application approved from the French envelope: its grant in EUR, nothing on the Moroccan side.
    expect(lines[1]).toMatch(/^approved-1\s.*\spatrimoine\s+45 000\s+45 000\s+-\s+40 000\s+-\s+Patrimoine/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 4).join(' '))).toEqual([
      'approved-1 2025-01-20 09:00 APPROVED',
      'rejected-1 2025-01-25 09:00 REJECTED',
    ]);
    expect(first.stderr).toContain('2 application(s) of 2025-T1 in every status');

    const seen = lines.slice(1).map((l) => l.split(/\s+/)[0]);
    let next = /next page: npm run admin -- (.+)$/m.exec(first.stderr)?.[1];
    expect(next).toMatch(/^applications list --call 2025-T1 --limit 2 --cursor all\.\S+$/);
    while (next) {
      const page = await env.cli(...next.split(' '));
      expect(page.code).toBe(0);
      seen.push(
        ...page.stdout
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((l) => l.split(/\s+/)[0] ?? ''),
      );
      next = /next page: npm run admin -- (.+)$/m.exec(page.stderr)?.[1];
    }
    expect(seen).toEqual(ALL);
  });

  it('keeps its place in every status when the page size changes along the way', async () => {
    const first = await env.cli('applications', 'list', '--call', '2025-T1', '--limit', '4', '--json');
    expect(ids(first.stdout)).toEqual(ALL.slice(0, 4));
    const seen = ids(first.stdout);
    let cursor = cursorOf(first.stdout);
    for (let i = 0; cursor && i < 10; i++) {
      const page = await env.cli('applications', 'list', '--call', '2025-T1', '--limit', '1', '--cursor', cursor, '--json');
      expect(ids(page.stdout).length).toBeLessThanOrEqual(1);
      seen.push(...ids(page.stdout));
      cursor = cursorOf(page.stdout);
    }
    expect(seen).toEqual(ALL);
    // One page for all: no cursor.
    const whole = await env.cli('applications', 'list', '--call', '2025-T1', '--json');
    expect(ids(whole.stdout)).toEqual(ALL);
    expect(cursorOf(whole.stdout)).toBeUndefined();
  });

  it('refuses a cursor of one status without --status, and the other way round', async () => {
    const oneStatus = await env.cli('applications', 'list', '--call', '2025-T1', '--status', 'IN_REVIEW', '--limit', '1', '--json');
    const every = await env.cli('applications', 'list', '--call', '2025-T1', '--limit', '1', '--json');
    expect(await env.cli('applications', 'list', '--call', '2025-T1', '--cursor', cursorOf(oneStatus.stdout)!)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('the cursor is not one of this listing (every status)'),
    });
    expect(await env.cli('applications', 'list', '--call', '2025-T1', '--status', 'IN_REVIEW', '--cursor', cursorOf(every.stdout)!)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^coopfund admin: invalid cursor/),
    });
    const forged = `all.${Buffer.from(JSON.stringify({ l: 2, s: { DONE: { k: 0 } } })).toString('base64url')}`;
    expect(await env.cli('applications', 'list', '--call', '2025-T1', '--cursor', forged)).toMatchObject({ code: 1 });
    expect(await env.cli('applications', 'list', '--call', '2025-T1', '--cursor', 'all.%%%')).toMatchObject({ code: 1 });
  });
});

describe('applications show', () => {
  it('shows the application, its history and its open decision, never a task token', async () => {
    const result = await env.cli('applications', 'show', 'rev-a');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^Application\s+rev-a$/m);
    expect(out).toMatch(/^Status\s+IN_REVIEW$/m);
    expect(out).toMatch(/^ {2}contact\s+Léa Bernard <lea\.bernard@lyon\.example\.fr> \+33 4 72 10 30 30$/m);
    expect(out).toMatch(/^Reviewer\s+\S+ \S+ <.+@instruction\.example\.\w+>$/m);
    expect(out).toMatch(/^2025-02-02 10:00\s+SUBMITTED\s+applicant$/m);
    expect(out).toMatch(/^2025-02-02 11:00\s+IN_REVIEW\s+workflow\s+Instruction confiée à un instructeur$/m);
    expect(out).toMatch(/^TASK\s+STAGE\s+RECIPIENTS\s+SENT \(UTC\)\s+LINK EXPIRES \(UTC\)\s+REMINDERS$/m);
    expect(out).toMatch(/^\S{22}\s+review\s+\S+@instruction\.example\.\w+\s+2025-02-02 12:00\s+2025-02-16 12:00\s+0$/m);
    expect(result.stderr).toContain('tasks resend rev-a');

    const json = await env.cli('applications', 'show', 'rev-a', '--json');
    const details = JSON.parse(json.stdout);
    expect(details.openTasks).toHaveLength(1);
    expect(details.openTasks[0]).not.toHaveProperty('taskToken');
    for (const text of [out, json.stdout]) expect(text).not.toMatch(/token-\d/);
  });

  it('shows why an application failed and how to retry it', async () => {
    const result = await env.cli('applications', 'show', 'failed-1');
    expect(result.stdout).toMatch(/^Error\s+NoReviewerAvailableError: no reviewer free of conflict \(2025-02-10 09:00 UTC\)$/m);
    expect(result.stdout).toContain('Waiting for no decision');
    expect(result.stderr).toContain('executions retry failed-1');
  });

  it('fails with one line for an unknown application', async () => {
    expect(await env.cli('applications', 'show', 'nope')).toEqual({ code: 1, stdout: '', stderr: 'coopfund admin: application nope not found\n' });
  });
});

describe('export', () => {
  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

  it('writes a UTF-8 CSV with a BOM, RFC 4180 quoting, Arabic intact, figures, scores and decisions', async () => {
    const result = await env.cli('export', '--call', '2025-T1', '--out', 'export.csv');
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toContain('exported 6 application(s) of 2025-T1 to export.csv');

    const bytes = await readFile(join(env.dataDir, 'export.csv'));
    expect(bytes.subarray(0, 3)).toEqual(BOM);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text.split('\r\n').slice(0, -1);
    expect(lines).toHaveLength(7);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    expect(lines[0]).toBe(
      'Référence,Statut,Déposé le,Thème,Libellé du thème,Projet,Collectivité chef de file (FR),Type (chef de file),' +
        'Collectivité partenaire (MA),Type (partenaire),Durée (mois),Début,Coût total (EUR),Montant demandé (EUR),' +
        'Montant demandé côté français (EUR),Montant demandé côté marocain (MAD),Montant demandé côté marocain (EUR),' +
        'Taux de cofinancement,Avis de l’instructeur,Note : Pertinence,Note : Faisabilité,Note : Qualité du partenariat,Note : Impact,' +
        'Note moyenne,Décision,Montant accordé côté français (EUR),Montant accordé côté marocain (MAD),Date de décision,' +
        'Pièces acceptées (nombre),Pièces acceptées',
    );
    // By submission date: approved-1, rejected-1, then the three under review, then the failed one.
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['approved-1', 'rejected-1', 'rev-c', 'rev-a', 'rev-b', 'failed-1']);
    const approved = lines[1]!;
    expect(approved).toContain('"Patrimoine, ""médina"" et formation"');
    expect(approved).toContain(',جماعة شفشاون — Commune de Chefchaouen,commune,');
    // Filed with the old budget: its request is the French side's, the Moroccan side's columns are empty.
    expect(approved).toMatch(/,36,2025-10-01,90000,45000,45000,,,0\.5,favorable,4,3,5,4,4,APPROVED,40000,0,2025-\d\d-\d\dT[\d:.]+Z,0,$/);
    // A formula typed by an applicant stays text in a spreadsheet.
    expect(lines[2]).toContain(`,"'=HYPERLINK(""http://evil"")",region,`);
    expect(lines[2]).toMatch(/,REJECTED,,,2025-/);
    expect(lines[3]).toMatch(
      /^rev-c,IN_REVIEW,2025-02-01T10:00:00\.000Z,eau,Eau et stress hydrique,Eau potable pour la médina,Ville de Lyon,commune,.*,24,2025-09-01,120000,50000,50000,,,0\.4167,,,,,,,,,,,0,$/,
    );
    // No contact detail leaves the table.
    expect(text).not.toMatch(/lea\.bernard|Léa Bernard|Omar|\+33/);
  });

  it('writes to stdout, and with ";" for spreadsheets in French (decimal comma)', async () => {
    const result = await env.cli('export', '--call', '2025-T1', '--delimiter', ';');
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('\uFEFFRéférence;Statut;')).toBe(true);
    expect(result.stdout).toContain(';120000;50000;50000;;;0,4167;');
    expect(result.stdout).toContain(';"Patrimoine, ""médina"" et formation";');
    expect(result.stderr).toBe('exported 6 application(s) of 2025-T1\n');
  });

  it('gives the header and theme labels in one language, --lang en or ar, French by default; the other values stay the same', async () => {
    const header = async (...lang: string[]) => {
      const result = await env.cli('export', '--call', '2025-T1', ...lang);
      expect(result.code).toBe(0);
      return result.stdout.slice(1).split('\r\n');
    };
    const [en, ...enRows] = await header('--lang', 'en');
    expect(en).toBe(
      'Reference,Status,Submitted,Theme,Theme label,Project,Lead authority (FR),Kind (lead),Partner authority (MA),Kind (partner),' +
        'Duration (months),Start,Total cost (EUR),Requested (EUR),' +
        'Requested from the French side (EUR),Requested from the Moroccan side (MAD),Requested from the Moroccan side (EUR),' +
        'Co-financing share,Reviewer’s recommendation,' +
        'Score: Relevance,Score: Feasibility,Score: Quality of the partnership,Score: Impact,Average score,Decision,Granted by the French side (EUR),Granted by the Moroccan side (MAD),Decided,' +
        'Accepted documents (count),Accepted documents',
    );
    const [ar, ...arRows] = await header('--lang', 'ar');
    expect(ar?.split(',')).toHaveLength(30);
    expect(ar).toMatch(/^المرجع,الحالة,/);
    expect(ar).toContain(',نقطة الملاءمة,');
    // One language per header: no Latin letter in the Arabic one but the country codes and the currency.
    expect(ar?.replace(/\((FR|MA)\)/g, '')).not.toMatch(/[A-Za-z]/);
    const [fr, ...frRows] = await header();
    expect(fr).not.toMatch(/[\u0600-\u06ff]/);
    expect(fr).not.toMatch(/\b(relevance|feasibility|partnership|impact|Score)\b/);
    // The values stay the same, but for the theme's label, given in the header's language.
    const withoutLabel = (rows: string[]) => rows.map((row) => row.split(',').toSpliced(4, 1).join(','));
    expect(withoutLabel(enRows)).toEqual(withoutLabel(frRows));
    expect(withoutLabel(arRows)).toEqual(withoutLabel(frRows));
    const labelOf = (rows: string[], id: string) => rows.find((row) => row.startsWith(`${id},`))?.split(',')[4];
    expect([labelOf(frRows, 'rev-c'), labelOf(enRows, 'rev-c'), labelOf(arRows, 'rev-c')]).toEqual([
      'Eau et stress hydrique',
      'Water and water stress',
      'الماء والإجهاد المائي',
    ]);
  });

  it('splits into the same 30 fields with ";" in every language, a field holding ";" quoted', async () => {
    for (const lang of ['fr', 'ar', 'en']) {
      const [header] = (await env.cli('export', '--call', '2025-T1', '--lang', lang, '--delimiter', ';')).stdout.slice(1).split('\r\n');
      expect(header?.split(';'), lang).toHaveLength(30);
    }
    expect(
      csv(
        [
          ['Note ; Pertinence', 'x'],
          [0.5, 'a;b', 'a,b'],
        ],
        { delimiter: ';' },
      ),
    ).toBe('"Note ; Pertinence";x\r\n0,5;"a;b";a,b\r\n');
    expect(csv([['a,b', 'a;b']])).toBe('"a,b",a;b\r\n');
  });

  it('refuses an unknown language', async () => {
    expect(await env.cli('export', '--call', '2025-T1', '--lang', 'de')).toMatchObject({
      code: 2,
      stderr: 'coopfund admin: --lang must be one of fr, ar, en (got "de")\n',
    });
  });

  it('refuses an unknown call and a bad delimiter', async () => {
    expect(await env.cli('export', '--call', 'NOPE')).toMatchObject({ code: 1, stdout: '' });
    expect(await env.cli('export', '--call', '2025-T1', '--delimiter', '|')).toMatchObject({ code: 2 });
    expect(await env.cli('export')).toMatchObject({ code: 2, stderr: 'coopfund admin: --call <id> is required\n' });
  });
});

describe('both sides of the fund, in the listing, the details and the export', () => {
  const JOINT = '2025-JOINT';
  // The test budget: 120 000 € of costs, 30 000 € asked of France and 324 000 MAD (30 000 € at 10.8) of Morocco.
  const dossier = { totalCost: 120_000, requestedAmount: 60_000, ...aBudget() };

  beforeAll(async () => {
    await env.repository.putCall({
      ...pastCall,
      id: JOINT,
      madPerEur: 10.8,
      envelopes: { FR: { amount: pastCall.envelope, currency: 'EUR' }, MA: { amount: 3_240_000, currency: 'MAD' } },
      grants: { FR: { min: pastCall.grant.min, max: pastCall.grant.max }, MA: { min: 0, max: 1_620_000 } },
    });
    await env.repository.putRoster(JOINT, roster);
    await env.repository.putCoChairs(JOINT, coChairs);
    await env.seed('joint-approved', 'APPROVED', { callId: JOINT, createdAt: '2025-02-03T09:00:00.000Z', budget: dossier }, { FR: 25_000, MA: 216_000 });
    await env.seed('joint-review', 'IN_REVIEW', { callId: JOINT, createdAt: '2025-02-04T09:00:00.000Z', budget: dossier });
    await env.seed('joint-legacy', 'IN_REVIEW', {
      callId: JOINT,
      createdAt: '2025-02-05T09:00:00.000Z',
      budget: { totalCost: 90_000, requestedAmount: 45_000 },
    });
  });

  it('lists what each side is asked and granted: France in EUR, Morocco in MAD with its value in EUR; nothing in MAD for an old budget', async () => {
    const result = await env.cli('applications', 'list', '--call', JOINT);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(
      /^ID\s+SUBMITTED \(UTC\)\s+STATUS\s+LEAD AUTHORITY\s+PARTNER AUTHORITY\s+THEME\s+REQUESTED\s+FR \(EUR\)\s+MA \(MAD\)\s+GRANTED FR \(EUR\)\s+GRANTED MA \(MAD\)\s+TITLE$/,
    );
    expect(rows).toEqual([
      expect.stringMatching(
        /^joint-approved\s+2025-02-03 09:00\s+APPROVED\s.*\seau\s+60 000\s+30 000\s+324 000 \(30 000 EUR\)\s+25 000\s+216 000 \(20 000 EUR\)\s+Eau potable/,
      ),
      expect.stringMatching(/^joint-review\s+2025-02-04 09:00\s+IN_REVIEW\s.*\seau\s+60 000\s+30 000\s+324 000 \(30 000 EUR\)\s+-\s+-\s+Eau potable/),
      expect.stringMatching(/^joint-legacy\s+2025-02-05 09:00\s+IN_REVIEW\s.*\seau\s+45 000\s+45 000\s+-\s+-\s+-\s+Eau potable/),
    ]);

    const page = JSON.parse((await env.cli('applications', 'list', '--call', JOINT, '--json')).stdout) as { items: Array<{ id: string; amounts: unknown }> };
    expect(page.items.map((a) => [a.id, a.amounts])).toEqual([
      [
        'joint-approved',
        { requestedFR: 30_000, requestedMA: 324_000, requestedMAInEur: 30_000, grantedFR: 25_000, grantedMA: 216_000, grantedMAInEur: 20_000 },
      ],
      ['joint-review', { requestedFR: 30_000, requestedMA: 324_000, requestedMAInEur: 30_000 }],
      ['joint-legacy', { requestedFR: 45_000 }],
    ]);
  });

  it('shows the request and the grant of each side in the details of one application', async () => {
    const approved = (await env.cli('applications', 'show', 'joint-approved')).stdout;
    expect(approved).toMatch(/^ {2}requested\s+FR 30 000 EUR, MA 324 000 MAD \(30 000 EUR\)$/m);
    expect(approved).toMatch(/^Decision\s+APPROVED, FR 25 000 EUR, MA 216 000 MAD \(20 000 EUR\) \(2025-\d\d-\d\d \d\d:\d\d UTC\)$/m);
    expect((await env.cli('applications', 'show', 'joint-legacy')).stdout).toMatch(/^ {2}requested\s+FR 45 000 EUR$/m);
    // An old budget approved on a call with no Moroccan side: the French grant alone, as before.
    expect((await env.cli('applications', 'show', 'approved-1')).stdout).toMatch(/^Decision\s+APPROVED, FR 40 000 EUR \(/m);
  });

  it('exports each side’s request as whole amounts, the Moroccan one in MAD and in EUR, empty for an old budget', async () => {
    for (const [lang, headers] of [
      ['fr', ['Montant demandé côté français (EUR)', 'Montant demandé côté marocain (MAD)', 'Montant demandé côté marocain (EUR)']],
      ['en', ['Requested from the French side (EUR)', 'Requested from the Moroccan side (MAD)', 'Requested from the Moroccan side (EUR)']],
      ['ar', ['المبلغ المطلوب من الجانب الفرنسي (يورو)', 'المبلغ المطلوب من الجانب المغربي (درهم)', 'المبلغ المطلوب من الجانب المغربي (يورو)']],
    ] as const) {
      const result = await env.cli('export', '--call', JOINT, '--lang', lang);
      expect(result.code).toBe(0);
      const [header, ...rows] = result.stdout
        .slice(1)
        .trimEnd()
        .split('\r\n')
        .map((line) => line.split(','));
      const column = (name: string) => header!.indexOf(name);
      const [fr, ma, maEur] = headers.map(column);
      expect([fr, ma, maEur], lang).toEqual([14, 15, 16]);
      const granted = [header!.length - 5, header!.length - 4];
      expect(rows.map((r) => [r[0], r[12], r[fr!], r[ma!], r[maEur!], ...granted.map((i) => r[i])])).toEqual([
        ['joint-approved', '120000', '30000', '324000', '30000', '25000', '216000'],
        ['joint-review', '120000', '30000', '324000', '30000', '', ''],
        ['joint-legacy', '90000', '45000', '', '', '', ''],
      ]);
    }
    // No thousands separator, with ";" either.
    expect((await env.cli('export', '--call', JOINT, '--delimiter', ';')).stdout).toContain(';120000;60000;30000;324000;30000;0,5;');
  });
});
