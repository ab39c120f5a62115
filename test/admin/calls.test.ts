import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminEnv, pastCall, startAdminEnv } from './support.ts';

let env: AdminEnv;
beforeAll(async () => {
  env = await startAdminEnv();
});
afterAll(async () => {
  await env.stop();
});

const file = async (name: string, text: string) => {
  await writeFile(join(env.dataDir, name), text);
  return name;
};

const yamlCall = `# The first tranche of 2027
id: 2027-T1
title: Appel à projets 2027 — tranche 1
opensAt: "2026-12-15T00:00:00Z"
closesAt: 2027-03-31T23:59:59Z
themes:
  - { code: eau, label: Eau et stress hydrique }
  - code: numerique
    label: Numérique
durationMonths: { min: 12, max: 36 }
cofinancingCeiling: 0.5
grant: { min: 10000, max: 150000 }
envelope: 750000
`;

describe('calls put / calls list', () => {
  it('opens a call from YAML, then changes it from JSON, keeping what it committed', async () => {
    const created = await env.cli('calls', 'put', await file('2027-T1.yaml', yamlCall));
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toContain('call 2027-T1 created: Appel à projets 2027 — tranche 1');
    expect(created.stdout).toContain('envelope 750 000 EUR (0 committed)');
    expect(await env.repository.getCall('2027-T1')).toMatchObject({ closesAt: '2027-03-31T23:59:59Z', themes: [{ code: 'eau' }, { code: 'numerique' }] });

    await env.repository.reserveGrant('2027-T1', 'already-awarded', 100_000);
    const json = JSON.stringify({ ...(await env.repository.getCall('2027-T1')), committed: undefined, awarded: undefined, envelope: 800_000 });
    const updated = await env.cli('calls', 'put', await file('2027-T1.json', json), '--json');
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ id: '2027-T1', envelope: 800_000, committed: 100_000, awarded: ['already-awarded'] });
  });

  it('refuses an invalid definition, naming every field, and writes nothing', async () => {
    const bad = yamlCall.replace('code: eau', 'code: Eau!').replace('envelope: 750000', 'envelope: 100').replace('id: 2027-T1', 'id: 2027-T9');
    const result = await env.cli('calls', 'put', await file('bad.yml', bad));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^coopfund admin: invalid call definition: themes\.0\.code: code de thème invalide; .*grant\.max: subvention maximale supérieure à l’enveloppe/,
    );
    expect(await env.repository.getCall('2027-T9')).toBeUndefined();
  });

  it('refuses to bring the envelope under what is already awarded', async () => {
    const json = JSON.stringify({ ...pastCall, id: '2027-T1', envelope: 90_000, grant: { min: 10_000, max: 50_000 } });
    const result = await env.cli('calls', 'put', await file('shrink.json', json));
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain('envelope: 90000 < 100000 EUR already committed');
    expect(await env.repository.getCall('2027-T1')).toMatchObject({ envelope: 800_000, opensAt: '2026-12-15T00:00:00Z' });
  });

  it('says which file is missing or unreadable (usage: exit code 2)', async () => {
    expect(await env.cli('calls', 'put', 'nowhere.yaml')).toMatchObject({ code: 2, stderr: 'coopfund admin: nowhere.yaml: no such file\n' });
    const broken = await env.cli('calls', 'put', await file('broken.json', '{"id": '));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^coopfund admin: broken\.json: not valid JSON/);
  });

  it('lists the calls in a table, by opening date, and as JSON', async () => {
    const result = await env.cli('calls', 'list');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+OPEN NOW\s+OPENS \(UTC\)\s+CLOSES \(UTC\)\s+FR ENVELOPE \(EUR\)\s+FR COMMITTED\s+MA ENVELOPE \(MAD\)\s+MA COMMITTED\s+MAD PER EUR\s+AWARDED\s+TITLE$/,
    );
    expect(lines[1]).toMatch(/^2025-T1\s+no\s+2024-12-15 00:00\s+2025-03-31 23:59\s+300 000\s+0\s+-\s+-\s+-\s+0\s+Appel à projets 2025 — tranche 1$/);
    expect(lines[2]).toMatch(/^2027-T1\s+no\s+2026-12-15 00:00\s+2027-03-31 23:59\s+800 000\s+100 000\s+-\s+-\s+-\s+1\s+/);
    // Columns line up: every row starts its second column where the header's does.
    const at = lines[0]!.indexOf('OPEN NOW');
    for (const line of lines.slice(1)) expect(line.slice(at, at + 2)).toBe('no');
    expect(result.stderr).toMatch(/^2 call\(s\) on local stack in /);

    const json = await env.cli('calls', 'list', '--json');
    expect(JSON.parse(json.stdout).map((c: { id: string }) => c.id)).toEqual(['2025-T1', '2027-T1']);
  });

  it('takes a call’s title and labels in three languages and lists them in the one asked (--lang), French where missing', async () => {
    const translated = yamlCall
      .replace('id: 2027-T1', 'id: 2027-T3')
      .replace('title: Appel à projets 2027 — tranche 1', 'title:\n  fr: Appel à projets 2027 — tranche 3\n  ar: طلب مشاريع 2027 — الشطر الثالث')
      .replace('{ code: eau, label: Eau et stress hydrique }', '{ code: eau, label: { fr: Eau et stress hydrique, ar: الماء والإجهاد المائي, en: Water } }');
    const put = await env.cli('calls', 'put', await file('2027-T3.yaml', translated), '--lang', 'ar');
    expect(put.stdout).toContain('call 2027-T3 created: طلب مشاريع 2027 — الشطر الثالث');
    expect(await env.repository.getCall('2027-T3')).toMatchObject({
      title: { fr: 'Appel à projets 2027 — tranche 3', ar: 'طلب مشاريع 2027 — الشطر الثالث' },
      themes: [
        { code: 'eau', label: { fr: 'Eau et stress hydrique', ar: 'الماء والإجهاد المائي', en: 'Water' } },
        { code: 'numerique', label: { fr: 'Numérique' } },
      ],
    });
    const row = async (...lang: string[]) => (await env.cli('calls', 'list', ...lang)).stdout.split('\n').find((line) => line.startsWith('2027-T3'));
    expect(await row('--lang', 'ar')).toMatch(/طلب مشاريع 2027 — الشطر الثالث$/);
    expect(await row('--lang', 'en')).toMatch(/Appel à projets 2027 — tranche 3$/);
    expect(await row()).toMatch(/Appel à projets 2027 — tranche 3$/);
    expect(await env.cli('calls', 'list', '--lang', 'es')).toMatchObject({ code: 2, stderr: 'coopfund admin: --lang must be one of fr, ar, en (got "es")\n' });
    const noFrench = await env.cli('calls', 'put', await file('no-french.yaml', translated.replace('  fr: Appel à projets 2027 — tranche 3\n', '')));
    expect(noFrench.code).toBe(1);
    expect(noFrench.stderr).toContain('title');
  });
});

describe('reviewers and co-chairs', () => {
  it('replaces a roster from YAML and lists it', async () => {
    const roster = `reviewers:
  - name: Camille Laurent
    email: camille.laurent@example.org
    authority: DAECT — ministère de l’Europe et des Affaires étrangères
  - { name: Youssef El Amrani, email: youssef.elamrani@example.org, authority: DGCT }
`;
    const set = await env.cli('reviewers', 'set', '--call', '2027-T1', await file('roster.yaml', roster));
    expect(set).toMatchObject({ code: 0, stdout: 'roster of 2027-T1: 2 reviewer(s), 2 added, 0 removed\n' });

    const again = await env.cli(
      'reviewers',
      'set',
      await file(
        'roster.json',
        JSON.stringify([
          { name: 'Claire Fontaine', email: 'claire.fontaine@example.org', authority: 'Région Occitanie' },
          { name: 'Camille Laurent', email: 'Camille.Laurent@example.org', authority: 'DAECT' },
        ]),
      ),
      '--call',
      '2027-T1',
    );
    expect(again.stdout).toBe('roster of 2027-T1: 2 reviewer(s), 1 added, 1 removed\n');

    const list = await env.cli('reviewers', 'list', '--call', '2027-T1');
    expect(list.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^NAME\s+EMAIL\s+AUTHORITY$/),
      expect.stringMatching(/^Camille Laurent\s+Camille.Laurent@example.org\s+DAECT$/),
      expect.stringMatching(/^Claire Fontaine\s+claire.fontaine@example.org\s+Région Occitanie$/),
    ]);
  });

  it('refuses a roster with an address twice or a missing field, and an unknown call', async () => {
    const twice = await env.cli(
      'reviewers',
      'set',
      '--call',
      '2027-T1',
      await file(
        'twice.json',
        JSON.stringify([
          { name: 'A', email: 'a@example.org', authority: 'X' },
          { name: 'B', email: 'A@example.org' },
        ]),
      ),
    );
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('invalid reviewer roster: 1.authority:');
    expect((await env.repository.getRoster('2027-T1')).map((r) => r.name).sort()).toEqual(['Camille Laurent', 'Claire Fontaine']);

    const unknown = await env.cli('reviewers', 'list', '--call', 'NOPE');
    expect(unknown).toMatchObject({ code: 1, stderr: 'coopfund admin: call NOPE not found (calls list shows them)\n' });
    expect(await env.cli('reviewers', 'list')).toMatchObject({ code: 2, stderr: 'coopfund admin: --call <id> is required\n' });
  });

  it('names both co-chairs, then replaces one side only', async () => {
    const set = await env.cli(
      'cochairs',
      'set',
      '--call',
      '2027-T1',
      '--fr',
      'Hélène Mercier <h.mercier@daect.example.fr>',
      '--ma',
      '"Karim Bennani" <k.bennani@dgct.example.ma>',
    );
    expect(set.code).toBe(0);
    expect(set.stdout.trimEnd().split('\n').slice(1)).toEqual([
      expect.stringMatching(/^FR\s+Hélène Mercier\s+h.mercier@daect.example.fr$/),
      expect.stringMatching(/^MA\s+Karim Bennani\s+k.bennani@dgct.example.ma$/),
    ]);
    await env.cli('cochairs', 'set', '--call', '2027-T1', '--ma', 'Nadia Tazi <n.tazi@dgct.example.ma>');
    const list = await env.cli('cochairs', 'list', '--call', '2027-T1', '--json');
    expect(JSON.parse(list.stdout)).toEqual([
      { side: 'FR', name: 'Hélène Mercier', email: 'h.mercier@daect.example.fr' },
      { side: 'MA', name: 'Nadia Tazi', email: 'n.tazi@dgct.example.ma' },
    ]);
  });

  it('refuses a malformed address and asks for a side', async () => {
    const bad = await env.cli('cochairs', 'set', '--call', '2027-T1', '--fr', 'Hélène Mercier h.mercier@example.fr');
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toContain('FR: expected "Name <email>"');
    expect(await env.cli('cochairs', 'set', '--call', '2027-T1')).toMatchObject({ code: 2 });
  });

  it('points at the applications waiting for the committee when the co-chairs change', async () => {
    const id = await env.seed('waiting-committee', 'IN_COMMITTEE');
    const set = await env.cli('cochairs', 'set', '--call', '2025-T1', '--fr', 'Anne Nouvelle <anne.nouvelle@daect.example.fr>');
    expect(set.code).toBe(0);
    expect(set.stderr).toContain(`1 application(s) wait for the committee`);
    expect(set.stderr).toContain(`tasks resend <id> (${id})`);
  });
});

describe('calls put, from what calls list --json prints', () => {
  it('ignores the bookkeeping it cannot set', async () => {
    const listed = JSON.parse((await env.cli('calls', 'list', '--json')).stdout) as Array<Record<string, unknown>>;
    const edited = { ...listed.find((c) => c.id === '2025-T1'), title: 'Appel à projets 2025 — tranche 1 (prolongé)' };
    const result = await env.cli('calls', 'put', await file('edited.json', JSON.stringify(edited)));
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('call 2025-T1 updated: Appel à projets 2025 — tranche 1 (prolongé)') });
  });
});

describe('a call with two envelopes', () => {
  const twoSided = `${yamlCall.replace('id: 2027-T1', 'id: 2027-T9').replace('envelope: 750000', 'envelope: 500000')}madPerEur: 10.8
envelopes:
  FR: { amount: 500000, currency: EUR }
  MA: { amount: 5400000, currency: MAD }
`;

  it('lists each envelope with what it committed, France in EUR and Morocco in MAD', async () => {
    const put = await env.cli('calls', 'put', await file('2027-T9.yaml', twoSided));
    expect(put.stdout).toContain('envelope 500 000 EUR (0 committed), Moroccan envelope 5 400 000 MAD (0 committed), 10.8 MAD for 1 EUR');
    await env.repository.reserveGrant('2027-T9', 'both-sides', 40_000, 'FR');
    await env.repository.reserveGrant('2027-T9', 'both-sides', 432_000, 'MA');
    await env.repository.reserveGrant('2027-T9', 'morocco-only', 108_000, 'MA');
    const list = await env.cli('calls', 'list');
    const row = list.stdout.split('\n').find((l) => l.startsWith('2027-T9'));
    expect(row).toMatch(/^2027-T9\s+no\s+2026-12-15 00:00\s+2027-03-31 23:59\s+500 000\s+40 000\s+5 400 000\s+540 000\s+10\.8\s+2\s+Appel/);
  });

  it('refuses to bring the Moroccan envelope under what it already awarded', async () => {
    const result = await env.cli('calls', 'put', await file('2027-T9-less.yaml', twoSided.replace('amount: 5400000', 'amount: 500000')));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('envelopes.MA.amount: 500000 < 540000 MAD already committed');
  });
});

describe('a call with the joint dossier’s rules', () => {
  const dossierRules = `madPerEur: 10.8
envelopes:
  FR: { amount: 750000, currency: EUR }
  MA: { amount: 8100000, currency: MAD }
grants:
  FR: { min: 10000, max: 150000 }
  MA: { min: 108000, max: 1620000 }
minLeadShare: 0.125
maxInKindShare: 0.5
partnerConfirmationDays: 21
requirePartnerConfirmation: false
`;
  const dossierCall = `${yamlCall.replace('id: 2027-T1', 'id: 2027-D1')}${dossierRules}`;

  it('takes every rule from the file and gives it back, in calls show and as JSON', async () => {
    const put = await env.cli('calls', 'put', await file('2027-D1.yaml', dossierCall));
    expect(put).toMatchObject({ code: 0, stderr: '' });
    const rules = {
      madPerEur: 10.8,
      envelopes: { FR: { amount: 750_000, currency: 'EUR' }, MA: { amount: 8_100_000, currency: 'MAD' } },
      grants: { FR: { min: 10_000, max: 150_000 }, MA: { min: 108_000, max: 1_620_000 } },
      minLeadShare: 0.125,
      maxInKindShare: 0.5,
      partnerConfirmationDays: 21,
      requirePartnerConfirmation: false,
    };
    const shown = JSON.parse((await env.cli('calls', 'show', '2027-D1', '--json')).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ id: '2027-D1', envelope: 750_000, ...rules });
    const listed = JSON.parse((await env.cli('calls', 'list', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(listed.find((c) => c.id === '2027-D1')).toMatchObject(rules);
    // What calls show --json prints goes back as it is.
    const again = await env.cli('calls', 'put', await file('2027-D1.json', JSON.stringify(shown)));
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('call 2027-D1 updated') });
    expect(await env.repository.getCall('2027-D1')).toMatchObject(rules);

    const text = await env.cli('calls', 'show', '2027-D1');
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    for (const line of [
      /^Call\s+2027-D1$/,
      /^FR envelope\s+750 000 EUR, 0 committed$/,
      /^MA envelope\s+8 100 000 MAD \(750 000 EUR\), 0 committed$/,
      /^MAD per EUR\s+10\.8 \(frozen for the call\)$/,
      /^Co-financing ceiling\s+the fund pays at most 50 % of the total cost$/,
      /^Lead share\s+at least 12\.5 % of the total cost$/,
      /^In-kind share\s+at most 50 % of the lead's contribution$/,
      /^FR grant\s+10 000 to 150 000 EUR$/,
      /^MA grant\s+108 000 MAD \(10 000 EUR\) to 1 620 000 MAD \(150 000 EUR\)$/,
      /^Partner confirms\s+no$/,
      /^Confirmation window\s+21 day\(s\) after the lead asks to file \(before the close\)$/,
    ]) {
      expect(lines).toContainEqual(expect.stringMatching(line));
    }
    expect(text.stdout).not.toContain('(default)');
    const row = (await env.cli('calls', 'list')).stdout.split('\n').find((l) => l.startsWith('2027-D1'));
    expect(row).toMatch(/\s750 000\s+0\s+8 100 000\s+0\s+10\.8\s+0\s+Appel/);
  });

  it('shows the defaults a call written before the dossier reads with, and says they are defaults', async () => {
    const text = (await env.cli('calls', 'show', '2025-T1')).stdout;
    expect(text).toMatch(/^MA envelope\s+0 MAD, 0 committed \(default\)$/m);
    expect(text).toMatch(/^MAD per EUR\s+- \(no Moroccan side\)$/m);
    expect(text).toMatch(/^Lead share\s+at least 0 % of the total cost \(default\)$/m);
    expect(text).toMatch(/^In-kind share\s+at most 100 % of the lead's contribution \(default\)$/m);
    expect(text).toMatch(/^MA grant\s+0 MAD to 0 MAD \(default\)$/m);
    expect(text).toMatch(/^Partner confirms\s+no \(default\)$/m);
    expect(text).toMatch(/^Confirmation window\s+14 day\(s\) .* \(default\)$/m);
    expect(await env.cli('calls', 'show', 'NOPE')).toMatchObject({ code: 1, stderr: 'coopfund admin: call NOPE not found (calls list shows them)\n' });
    expect(await env.cli('calls', 'show')).toMatchObject({ code: 2 });
  });

  it('refuses a Moroccan envelope without the rate, with the schema’s reason, and stores nothing', async () => {
    const noRate = dossierCall.replace('id: 2027-D1', 'id: 2027-D2').replace('madPerEur: 10.8\n', '');
    const result = await env.cli('calls', 'put', await file('2027-D2.yaml', noRate));
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^coopfund admin: invalid call definition: .*madPerEur: cours du dirham requis quand le côté marocain accorde des fonds/);
    expect(await env.repository.getCall('2027-D2')).toBeUndefined();
    const badShare = await env.cli(
      'calls',
      'put',
      await file('2027-D3.yaml', dossierCall.replace('id: 2027-D1', 'id: 2027-D3').replace('minLeadShare: 0.125', 'minLeadShare: 1.5')),
    );
    expect(badShare).toMatchObject({ code: 1, stderr: expect.stringContaining('minLeadShare') });
    expect(await env.repository.getCall('2027-D3')).toBeUndefined();
  });
});
