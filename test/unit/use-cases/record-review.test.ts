import { describe, expect, it } from 'vitest';
import type { ReviewDecision } from '../../../shared/schemas/decisions.ts';
import { recordReview } from '../../../shared/use-cases/record-review.ts';
import { decideReview, seed, setup } from './fakes.ts';

const scores = { relevance: 4, feasibility: 3, partnership: 5, impact: 4 };

describe('recordReview', () => {
  it.each([
    ['favorable', ''],
    ['unfavorable', 'Budget peu réaliste.'],
  ] as const)('sends a %s review to the committee, its comment read from the decided task', async (decision, comment) => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_REVIEW');
    const review: ReviewDecision = { decision, comment, ...scores };
    const outcome = await decideReview(repository, 'app-0001', review);
    expect(outcome).toEqual({ decision, ...scores });

    expect(await recordReview(ports, { applicationId: 'app-0001', review: outcome })).toEqual({ next: 'committee' });

    const app = await repository.getApplication('app-0001');
    expect(app?.status).toBe('IN_COMMITTEE');
    expect(app?.review).toEqual({ ...review, at: '2027-04-02T08:00:00.000Z' });
  });

  it('puts the reviewer’s comment in the history when changes are requested', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_REVIEW');
    const review = await decideReview(repository, 'app-0001', { decision: 'changes', comment: 'Précisez le plan de financement.', ...scores });

    expect(await recordReview(ports, { applicationId: 'app-0001', review })).toEqual({ next: 'changes' });

    const app = await repository.getApplication('app-0001');
    expect(app?.status).toBe('CHANGES_REQUESTED');
    expect(app?.review?.comment).toBe('Précisez le plan de financement.');
    expect((await repository.getHistory('app-0001')).at(-1)).toMatchObject({
      status: 'CHANGES_REQUESTED',
      actor: 'workflow',
      reason: 'Précisez le plan de financement.',
    });
  });

  it('takes the comment of the review just decided, not of an earlier round', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_REVIEW');
    await decideReview(repository, 'app-0001', { decision: 'changes', comment: 'Premier tour : budget ?', ...scores }, '2027-03-01T10:00:00.000Z');
    const review = await decideReview(
      repository,
      'app-0001',
      { decision: 'unfavorable', comment: 'Second tour : toujours flou.', ...scores },
      '2027-04-01T10:00:00.000Z',
    );

    await recordReview(ports, { applicationId: 'app-0001', review });

    expect((await repository.getApplication('app-0001'))?.review).toMatchObject({ decision: 'unfavorable', comment: 'Second tour : toujours flou.' });
  });

  it('drops a comment an older execution still carries, and keeps the stored one', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_REVIEW');
    await decideReview(repository, 'app-0001', { decision: 'changes', comment: 'Le commentaire enregistré.', ...scores });
    const carried = { decision: 'changes', comment: 'Le commentaire transporté.', ...scores } as const;

    await recordReview(ports, { applicationId: 'app-0001', review: carried });

    expect((await repository.getApplication('app-0001'))?.review?.comment).toBe('Le commentaire enregistré.');
  });

  it('writes once when retried, keeping the first time of the review', async () => {
    const { ports, repository, clock } = await setup();
    await seed(repository, 'IN_REVIEW');
    const review = await decideReview(repository, 'app-0001', { decision: 'favorable', comment: '', ...scores });
    await recordReview(ports, { applicationId: 'app-0001', review });
    clock.advance(60);
    expect(await recordReview(ports, { applicationId: 'app-0001', review })).toEqual({ next: 'committee' });

    expect(repository.writesOf('transition')).toHaveLength(1);
    expect((await repository.getApplication('app-0001'))?.review?.at).toBe('2027-04-02T08:00:00.000Z');
  });
});
