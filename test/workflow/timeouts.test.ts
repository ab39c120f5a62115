import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeTemplate } from '../../local/template.ts';
import { createHarness } from './harness.ts';
import type { Harness } from './harness.ts';

/**
 * The paths a timeout takes, with the waits shortened through the CDK context to 1 second (the
 * smallest the app accepts): the same TimeoutSeconds mechanism as in production, only sooner.
 */

let h: Harness;
beforeAll(async () => {
  const template = await synthesizeTemplate({
    context: { reviewTimeoutSeconds: 1, committeeTimeoutSeconds: 1, resubmissionTimeoutSeconds: 1 },
  });
  h = createHarness(template);
});
afterAll(async () => {
  await h?.close();
});

let counter = 0;
const newApplication = () => `late-${Date.now().toString(36)}-${++counter}`;
const favorable = { decision: 'favorable', relevance: 4, feasibility: 4, partnership: 4, impact: 4 };
const changes = { decision: 'changes', relevance: 3, feasibility: 2, partnership: 3, impact: 3 };
const approve = { decision: 'approve', grantedAmount: 10000 };

describe('the synthesized workflow, when people do not answer in time', () => {
  it('withdraws an application whose changes are never resubmitted', async () => {
    const id = newApplication();
    const arn = await h.start(id);
    const review = await h.call(id, 'request-review');
    await h.engine.sendTaskSuccess(review.taskToken as string, JSON.stringify(changes));
    const resubmission = await h.call(id, 'request-changes');
    const done = await h.finish(arn);

    expect(done.status).toBe('SUCCEEDED');
    expect((await h.statesEntered(arn)).slice(-6)).toEqual(['RecordReview', 'ReviewOutcome', 'RequestChanges', 'Withdraw', 'NotifyWithdrawn', 'Done']);
    expect(h.callsOf(id, 'record-outcome')).toEqual([{ applicationId: id, status: 'WITHDRAWN' }]);
    expect(h.callsOf(id, 'notify-applicants').map((p) => p.template)).toEqual(['received', 'withdrawn']);
    expect(h.callsOf(id, 'check-eligibility')).toHaveLength(1);
    // A resubmission link used too late changes nothing.
    await expect(h.engine.sendTaskSuccess(resubmission.taskToken as string, JSON.stringify({ resubmitted: true }))).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
  });

  it('reminds the reviewer twice, escalates the third time, and still takes the review', async () => {
    const id = newApplication();
    const arn = await h.start(id);
    // The first request and three timeouts: RequestReview runs four times, each with a new token.
    const requests = [];
    for (let nth = 1; nth <= 4; nth++) requests.push(await h.call(id, 'request-review', nth));
    const tokens = requests.map((r) => r.taskToken as string);
    expect(new Set(tokens).size).toBe(4);
    expect(requests.every((r) => r.applicationId === id)).toBe(true);

    // An expired token is refused while the execution still waits on the new one.
    await expect(h.engine.sendTaskSuccess(tokens[0] as string, JSON.stringify(favorable))).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    await h.engine.sendTaskSuccess(tokens[3] as string, JSON.stringify(favorable));
    // The committee then waits (and times out too); stop there.
    await h.call(id, 'request-committee-decision', 2);
    await h.engine.stopExecution(arn);

    const states = await h.statesEntered(arn);
    const reviewPart = states.slice(states.indexOf('AssignReviewer') + 1, states.indexOf('RecordReview') + 1);
    expect(reviewPart).toEqual([
      'RequestReview',
      'ReviewTimedOut',
      'RequestReview',
      'ReviewTimedOut',
      'RequestReview',
      'ReviewTimedOut',
      'RequestReview',
      'RecordReview',
    ]);
    expect(h.callsOf(id, 'record-review')).toEqual([{ applicationId: id, review: favorable }]);
    const { events } = await h.engine.getExecutionHistory(arn);
    expect(events.filter((e) => e.type === 'TaskTimedOut').length).toBeGreaterThanOrEqual(3);
  });

  it('reminds a co-chair who does not answer and waits for the decision', async () => {
    const id = newApplication();
    const arn = await h.start(id);
    const review = await h.call(id, 'request-review');
    await h.engine.sendTaskSuccess(review.taskToken as string, JSON.stringify(favorable));

    // Each co-chair's wait times out after 1 s and is asked again: answer the second requests.
    const second = { FR: undefined as string | undefined, MA: undefined as string | undefined };
    for (let nth = 1; !second.FR || !second.MA; nth++) {
      const p = await h.call(id, 'request-committee-decision', nth);
      if (nth > 2) second[p.side as 'FR' | 'MA'] ??= p.taskToken as string;
    }
    await h.engine.sendTaskSuccess(second.FR, JSON.stringify(approve));
    await h.engine.sendTaskSuccess(second.MA, JSON.stringify(approve));
    const done = await h.finish(arn);

    expect(done.status).toBe('SUCCEEDED');
    const states = await h.statesEntered(arn);
    expect(states).toContain('FrenchCoChairTimedOut');
    expect(states).toContain('MoroccanCoChairTimedOut');
    expect(states.slice(-4)).toEqual(['CommitteeOutcome', 'AwardGrant', 'NotifyDecision', 'Done']);
    expect(h.callsOf(id, 'award-grant')).toEqual([{ applicationId: id, decisions: [approve, approve] }]);
  });
});
