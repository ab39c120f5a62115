import { describe, expect, it } from 'vitest';
import { assignReviewer, authorityKey, pickReviewer } from '../../../shared/use-cases/assign-reviewer.ts';
import { anApplication, roster, seed, setup } from './fakes.ts';

describe('assignReviewer', () => {
  it('assigns a reviewer, moves to IN_REVIEW and keeps the public history anonymous', async () => {
    const { ports, repository } = await setup();
    await seed(repository);

    const out = await assignReviewer(ports, { applicationId: 'app-0001' });

    // The result goes to the execution history: the status only, nobody named.
    expect(out).toEqual({ status: 'IN_REVIEW' });
    const app = await repository.getApplication('app-0001');
    expect(app?.status).toBe('IN_REVIEW');
    const reviewer = roster.find((r) => r.name === app?.reviewer?.name);
    expect(app?.reviewer).toEqual({ name: reviewer?.name, email: reviewer?.email });
    const event = (await repository.getHistory('app-0001')).at(-1);
    expect(event).toMatchObject({ status: 'IN_REVIEW', actor: 'workflow', reason: 'Instruction confiée à un instructeur' });
    expect(JSON.stringify(event)).not.toContain(reviewer?.name);
  });

  it('never assigns a reviewer from an authority of the application, however it is spelt', async () => {
    const { ports, repository } = await setup();
    await repository.putRoster('2027-T1', [
      { name: 'Conflit FR', email: 'a@lyon.example.fr', authority: 'MAIRIE DE LYON' },
      { name: 'Conflit MA', email: 'b@marrakech.example.ma', authority: 'Commune urbaine de  Marrakech' },
      { name: 'Libre', email: 'c@occitanie.example.fr', authority: 'Région Occitanie' },
    ]);
    for (let i = 0; i < 20; i += 1) {
      await seed(repository, 'SUBMITTED', { id: `app-${i}` });
      await assignReviewer(ports, { applicationId: `app-${i}` });
      expect((await repository.getApplication(`app-${i}`))?.reviewer?.name).toBe('Libre');
    }
  });

  it('treats a reviewer who is one of the applicant contacts as a conflict', async () => {
    const { ports, repository } = await setup();
    const app = await seed(repository);
    await repository.putRoster('2027-T1', [
      { name: 'Contact', email: app.leadAuthority.contact.email.toUpperCase(), authority: 'Autre collectivité' },
      { name: 'Libre', email: 'c@occitanie.example.fr', authority: 'Région Occitanie' },
    ]);
    await assignReviewer(ports, { applicationId: app.id });
    expect((await repository.getApplication(app.id))?.reviewer?.name).toBe('Libre');
  });

  it('fails with NoReviewerAvailableError when every reviewer has a conflict, leaving the application SUBMITTED', async () => {
    const { ports, repository } = await setup();
    await seed(repository);
    await repository.putRoster('2027-T1', [{ name: 'Conflit', email: 'a@lyon.example.fr', authority: 'Lyon' }]);

    await expect(assignReviewer(ports, { applicationId: 'app-0001' })).rejects.toMatchObject({ name: 'NoReviewerAvailableError' });
    expect((await repository.getApplication('app-0001'))?.status).toBe('SUBMITTED');
  });

  it('writes once when retried', async () => {
    const { ports, repository } = await setup();
    await seed(repository);
    const first = await assignReviewer(ports, { applicationId: 'app-0001' });
    const second = await assignReviewer(ports, { applicationId: 'app-0001' });
    expect(second).toEqual(first);
    expect(repository.writesOf('transition')).toHaveLength(1);
  });

  it('gives a resubmitted application its reviewer back', async () => {
    const { ports, repository, clock } = await setup();
    await seed(repository);
    const first = await assignReviewer(ports, { applicationId: 'app-0001' });
    await repository.transition('app-0001', 'CHANGES_REQUESTED', { at: '2027-04-03T00:00:00.000Z', status: 'CHANGES_REQUESTED', actor: 'workflow' });
    await repository.transition('app-0001', 'SUBMITTED', { at: '2027-04-04T00:00:00.000Z', status: 'SUBMITTED', actor: 'applicant' });
    clock.advance(3 * 24 * 3600);

    expect(await assignReviewer(ports, { applicationId: 'app-0001' })).toEqual(first);
    const statuses = (await repository.getHistory('app-0001')).map((e) => e.status);
    expect(statuses).toEqual(['SUBMITTED', 'IN_REVIEW', 'CHANGES_REQUESTED', 'SUBMITTED', 'IN_REVIEW']);
  });
});

describe('authorityKey', () => {
  it('ignores case, accents, punctuation and the kind of authority', () => {
    expect(authorityKey('Ville de Saint-Étienne')).toBe(authorityKey('commune de saint etienne'));
    expect(authorityKey('Conseil départemental de l’Hérault')).toBe(authorityKey('Département Hérault'));
    expect(authorityKey('Commune de Fès')).toBe('fes');
    expect(authorityKey('Région')).toBe('region');
  });
});

describe('pickReviewer', () => {
  it('spreads applications evenly over the reviewers', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 600; i += 1) {
      const r = pickReviewer(roster, anApplication({ id: `id-${i}` }).id);
      counts.set(r?.name ?? '', (counts.get(r?.name ?? '') ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(roster.map((r) => r.name).sort());
    for (const n of counts.values()) expect(n).toBeGreaterThan(150);
  });

  it('does not depend on the order of the roster', () => {
    expect(pickReviewer([...roster].reverse(), 'x')).toEqual(pickReviewer(roster, 'x'));
  });
});
