import { describe, expect, it } from 'vitest';
import type { ReviewDecision } from '../../../shared/schemas/decisions.ts';
import { recordReview } from '../../../shared/use-cases/record-review.ts';
import { seed, setup } from './fakes.ts';

const scores = { relevance: 4, feasibility: 3, partnership: 5, impact: 4 };

describe('recordReview', () => {
  it.each([
    ['favorable', ''],
    ['unfavorable', 'Budget peu réaliste.'],
  ] as const)('sends a %s review to the committee', async (decision, comment) => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_REVIEW');
    const review: ReviewDecision = { decision, comment, ...scores };

    expect(await recordReview(ports, { applicationId: 'app-0001', review })).toEqual({ next: 'committee' });

    const app = await repository.getApplication('app-0001');
    expect(app?.status).toBe('IN_COMMITTEE');
    expect(app?.review).toEqual({ ...review, at: '2027-04-02T08:00:00.000Z' });
  });

  it('puts the reviewer’s comment in the history when changes are requested', async () => {
    const { ports, repository } = await setup();
    await seed(repository, 'IN_REVIEW');
    const review: ReviewDecision = { decision: 'changes', comment: 'Précisez le plan de financement.', ...scores };

    expect(await recordReview(ports, { applicationId: 'app-0001', review })).toEqual({ next: 'changes' });

    expect((await repository.getApplication('app-0001'))?.status).toBe('CHANGES_REQUESTED');
    expect((await repository.getHistory('app-0001')).at(-1)).toMatchObject({
      status: 'CHANGES_REQUESTED',
      actor: 'workflow',
      reason: 'Précisez le plan de financement.',
    });
  });

  it('writes once when retried, keeping the first time of the review', async () => {
    const { ports, repository, clock } = await setup();
    await seed(repository, 'IN_REVIEW');
    const review: ReviewDecision = { decision: 'favorable', comment: '', ...scores };
    await recordReview(ports, { applicationId: 'app-0001', review });
    clock.advance(60);
    expect(await recordReview(ports, { applicationId: 'app-0001', review })).toEqual({ next: 'committee' });

    expect(repository.writesOf('transition')).toHaveLength(1);
    expect((await repository.getApplication('app-0001'))?.review?.at).toBe('2027-04-02T08:00:00.000Z');
  });
});
