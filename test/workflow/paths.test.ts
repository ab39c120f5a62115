import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeTemplate } from '../../local/template.ts';
import type { LocalTemplate } from '../../local/template.ts';
import { APPROVED_PATH, createHarness, defaultFakes, lambdaError } from './harness.ts';
import type { Harness } from './harness.ts';

/**
 * Every routing path of the synthesized state machine that does not involve a timeout (waits are
 * an hour here, so they never fire): the tests decide each human step through the task tokens.
 */

const favorable = { decision: 'favorable', relevance: 5, feasibility: 4, partnership: 5, impact: 4 };
const changes = { decision: 'changes', relevance: 3, feasibility: 2, partnership: 3, impact: 3 };
const approve = (grantedAmount: number) => ({ decision: 'approve', grantedAmount });
const reject = { decision: 'reject' };

let template: LocalTemplate;
let h: Harness;

beforeAll(async () => {
  template = await synthesizeTemplate({
    context: { reviewTimeoutSeconds: 3600, committeeTimeoutSeconds: 3600, resubmissionTimeoutSeconds: 3600 },
  });
  h = createHarness(template);
});
afterAll(async () => {
  await h?.close();
});

/** The states entered, without each branch's verdict (their interleaving depends on timing). */
const mainStates = (states: string[]) => states.filter((n) => !/^(French|Moroccan)CoChair(Verdict|Approved)$/.test(n));

let counter = 0;
const newApplication = () => `app-${Date.now().toString(36)}-${++counter}`;

/** Drives an application to the committee: eligible, assigned, favourable review. */
async function toCommittee(id: string) {
  const arn = await h.start(id);
  const review = await h.call(id, 'request-review');
  await h.engine.sendTaskSuccess(review.taskToken as string, JSON.stringify(favorable));
  const fr = await committeeTask(id, 'FR');
  const ma = await committeeTask(id, 'MA');
  return { arn, fr, ma };
}

async function committeeTask(id: string, side: 'FR' | 'MA') {
  for (let nth = 1; ; nth++) {
    const p = await h.call(id, 'request-committee-decision', nth);
    if (p.side === side) return p;
  }
}

describe('the synthesized workflow, decided by people in time', () => {
  it('ends an ineligible application with its notification, and nothing else', async () => {
    const id = newApplication();
    h.script({ 'check-eligibility': () => ({ eligible: false, failedRules: ['partner-moroccan'] }) });
    try {
      const arn = await h.start(id);
      const done = await h.finish(arn);

      expect(done.status).toBe('SUCCEEDED');
      expect(await h.statesEntered(arn)).toEqual(['SendReceipt', 'CheckEligibility', 'IsEligible', 'NotifyIneligible', 'Done']);
      expect(h.callsOf(id, 'notify-applicants').map((p) => p.template)).toEqual(['received', 'ineligible']);
      expect(h.callsOf(id, 'check-eligibility')).toEqual([{ applicationId: id }]);
      expect(h.callsOf(id, 'assign-reviewer')).toEqual([]);
    } finally {
      h.script({ 'check-eligibility': defaultFakes['check-eligibility'] });
    }
  });

  it('approves when both co-chairs approve, AwardGrant receiving both decisions', async () => {
    const id = newApplication();
    const { arn, fr, ma } = await toCommittee(id);
    expect(fr).toEqual({ applicationId: id, taskToken: expect.any(String), side: 'FR' });
    expect(ma).toEqual({ applicationId: id, taskToken: expect.any(String), side: 'MA' });
    expect(fr.taskToken).not.toBe(ma.taskToken);

    await h.engine.sendTaskSuccess(ma.taskToken as string, JSON.stringify({ decision: 'approve', grantedMA: 324000 }));
    await h.engine.sendTaskSuccess(fr.taskToken as string, JSON.stringify({ decision: 'approve', grantedFR: 45000 }));
    const done = await h.finish(arn);

    expect(done.status).toBe('SUCCEEDED');
    const states = await h.statesEntered(arn);
    expect(mainStates(states)).toEqual([...APPROVED_PATH]);
    expect(states).toEqual(expect.arrayContaining(['FrenchCoChairVerdict', 'FrenchCoChairApproved', 'MoroccanCoChairVerdict', 'MoroccanCoChairApproved']));
    expect(h.callsOf(id, 'request-review')).toEqual([{ applicationId: id, taskToken: expect.any(String) }]);
    expect(h.callsOf(id, 'record-review')).toEqual([{ applicationId: id, review: favorable }]);
    // Branch order, not the order of the clicks: French decision first.
    expect(h.callsOf(id, 'award-grant')).toEqual([
      {
        applicationId: id,
        decisions: [
          { decision: 'approve', grantedFR: 45000 },
          { decision: 'approve', grantedMA: 324000 },
        ],
      },
    ]);
    expect(h.callsOf(id, 'notify-applicants').map((p) => p.template)).toEqual(['received', 'decision']);
    expect(JSON.parse(done.output as string).award).toEqual({ status: 'APPROVED', grantedFR: 45000, grantedMA: 324000 });
  });

  it.each([
    ['the Moroccan co-chair rejects', 'MA', 'Moroccan'],
    ['the French co-chair rejects', 'FR', 'French'],
  ] as const)('ends the committee as soon as %s, without waiting for the other co-chair', async (_, side, name) => {
    const id = newApplication();
    const { arn, fr, ma } = await toCommittee(id);
    const [rejecting, other] = side === 'FR' ? [fr, ma] : [ma, fr];
    await h.engine.sendTaskSuccess(rejecting.taskToken as string, JSON.stringify(reject));
    const done = await h.finish(arn);

    expect(done.status).toBe('SUCCEEDED');
    const states = await h.statesEntered(arn);
    expect(states).toEqual(expect.arrayContaining([`${name}CoChairVerdict`, `${name}CoChairRejected`]));
    expect(states.slice(-3)).toEqual(['RecordRejection', 'NotifyDecision', 'Done']);
    expect(states).not.toContain('CommitteeOutcome');
    expect(h.callsOf(id, 'award-grant')).toEqual([]);
    // The decisions are read from the co-chairs' tasks: a failed Committee has no output.
    expect(h.callsOf(id, 'record-outcome')).toEqual([{ applicationId: id, status: 'REJECTED' }]);
    expect(h.callsOf(id, 'notify-applicants').map((p) => p.template)).toEqual(['received', 'decision']);
    // The other co-chair's wait was closed with the committee: their decision is no longer awaited.
    expect(h.engine.pendingTasks(arn)).toEqual([]);
    await expect(h.engine.sendTaskSuccess(other.taskToken as string, JSON.stringify(approve(30000)))).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
    expect(h.callsOf(id, 'record-outcome')).toHaveLength(1);
  });

  it('records a rejection when one co-chair approved and the other then rejects', async () => {
    const id = newApplication();
    const { arn, fr, ma } = await toCommittee(id);
    await h.engine.sendTaskSuccess(fr.taskToken as string, JSON.stringify(approve(30000)));
    await h.engine.sendTaskSuccess(ma.taskToken as string, JSON.stringify(reject));
    const done = await h.finish(arn);

    expect(done.status).toBe('SUCCEEDED');
    const states = await h.statesEntered(arn);
    expect(states.slice(-3)).toEqual(['RecordRejection', 'NotifyDecision', 'Done']);
    expect(states).toContain('MoroccanCoChairRejected');
    expect(states).not.toContain('CommitteeOutcome');
    expect(h.callsOf(id, 'award-grant')).toEqual([]);
    expect(h.callsOf(id, 'record-outcome')).toEqual([{ applicationId: id, status: 'REJECTED' }]);
  });

  it('notifies the decision when the envelope is exhausted (AwardGrant answers REJECTED)', async () => {
    const id = newApplication();
    h.script({ 'award-grant': () => ({ status: 'REJECTED', reason: 'enveloppe épuisée' }) });
    try {
      const { arn, fr, ma } = await toCommittee(id);
      await h.engine.sendTaskSuccess(fr.taskToken as string, JSON.stringify(approve(50000)));
      await h.engine.sendTaskSuccess(ma.taskToken as string, JSON.stringify(approve(50000)));
      const done = await h.finish(arn);

      expect(done.status).toBe('SUCCEEDED');
      expect((await h.statesEntered(arn)).slice(-4)).toEqual(['CommitteeOutcome', 'AwardGrant', 'NotifyDecision', 'Done']);
      expect(h.callsOf(id, 'record-outcome')).toEqual([]);
      expect(h.callsOf(id, 'notify-applicants').map((p) => p.template)).toEqual(['received', 'decision']);
      expect(JSON.parse(done.output as string).award).toEqual({ status: 'REJECTED', reason: 'enveloppe épuisée' });
    } finally {
      h.script({ 'award-grant': defaultFakes['award-grant'] });
    }
  });

  it('asks for changes, waits for the resubmission, checks eligibility again and goes on to approval', async () => {
    const id = newApplication();
    const arn = await h.start(id);
    const firstReview = await h.call(id, 'request-review', 1);
    await h.engine.sendTaskSuccess(firstReview.taskToken as string, JSON.stringify(changes));

    const resubmission = await h.call(id, 'request-changes');
    // No review in the payload: the function reads the comment from the application.
    expect(resubmission).toEqual({ applicationId: id, taskToken: expect.any(String) });
    await h.engine.sendTaskSuccess(resubmission.taskToken as string, JSON.stringify({ resubmitted: true }));

    const secondReview = await h.call(id, 'request-review', 2);
    expect(secondReview.taskToken).not.toBe(firstReview.taskToken);
    await h.engine.sendTaskSuccess(secondReview.taskToken as string, JSON.stringify(favorable));
    const fr = await committeeTask(id, 'FR');
    const ma = await committeeTask(id, 'MA');
    await h.engine.sendTaskSuccess(fr.taskToken as string, JSON.stringify(approve(20000)));
    await h.engine.sendTaskSuccess(ma.taskToken as string, JSON.stringify(approve(20000)));
    const done = await h.finish(arn);

    expect(done.status).toBe('SUCCEEDED');
    expect(mainStates(await h.statesEntered(arn))).toEqual([
      'SendReceipt',
      'CheckEligibility',
      'IsEligible',
      'AssignReviewer',
      'RequestReview',
      'RecordReview',
      'ReviewOutcome',
      'RequestChanges',
      // The new version is acknowledged to both contacts, then checked again from the start.
      ...APPROVED_PATH,
    ]);
    expect(h.callsOf(id, 'record-review').map((p) => p.review)).toEqual([changes, favorable]);
    expect(h.callsOf(id, 'check-eligibility')).toHaveLength(2);
    expect(h.callsOf(id, 'notify-applicants').filter((p) => p.template === 'received')).toHaveLength(2);
    expect(h.callsOf(id, 'award-grant')).toHaveLength(1);
  });
});

describe('the synthesized workflow, when a function fails', () => {
  it('records the error, alerts the admins and fails the execution on a non-transient error', async () => {
    const id = newApplication();
    h.script({ 'assign-reviewer': () => Promise.reject(lambdaError('NoReviewerAvailableError', 'no reviewer free of conflict')) });
    try {
      const arn = await h.start(id);
      const done = await h.finish(arn);

      expect(done).toMatchObject({ status: 'FAILED', error: 'WorkflowFailed' });
      expect(await h.statesEntered(arn)).toEqual(['SendReceipt', 'CheckEligibility', 'IsEligible', 'AssignReviewer', 'RecordError', 'NotifyFailure', 'Failed']);
      // Not retried: it is no transient error.
      expect(h.callsOf(id, 'assign-reviewer')).toHaveLength(1);
      const [recorded] = h.callsOf(id, 'record-outcome');
      expect(recorded).toEqual({ applicationId: id, status: 'ERROR', error: { Error: 'NoReviewerAvailableError', Cause: expect.any(String) } });
      expect(JSON.parse((recorded?.error as { Cause: string } | undefined)?.Cause ?? 'null')).toMatchObject({
        errorType: 'NoReviewerAvailableError',
        errorMessage: 'no reviewer free of conflict',
      });
      expect(h.callsOf(id, 'notify-admins')).toEqual([{ applicationId: id, error: recorded?.error }]);
    } finally {
      h.script({ 'assign-reviewer': defaultFakes['assign-reviewer'] });
    }
  });

  it('retries a transient error and carries on when it clears', async () => {
    const id = newApplication();
    h.script({
      'check-eligibility': (_, nth) => (nth <= 2 ? Promise.reject(lambdaError('TransientError', 'throttled')) : { eligible: false, failedRules: ['theme'] }),
    });
    try {
      const arn = await h.start(id);
      const done = await h.finish(arn);

      expect(done.status).toBe('SUCCEEDED');
      expect(h.callsOf(id, 'check-eligibility')).toHaveLength(3);
      expect(await h.statesEntered(arn)).toEqual(['SendReceipt', 'CheckEligibility', 'IsEligible', 'NotifyIneligible', 'Done']);
      const { events } = await h.engine.getExecutionHistory(arn);
      expect(events.filter((e) => e.type === 'LambdaFunctionFailed').map((e) => (e.lambdaFunctionFailedEventDetails as { error: string }).error)).toEqual([
        'TransientError',
        'TransientError',
      ]);
      expect(h.callsOf(id, 'record-outcome')).toEqual([]);
    } finally {
      h.script({ 'check-eligibility': defaultFakes['check-eligibility'] });
    }
  });

  it('gives up on a transient error after the retries and records the error', async () => {
    const id = newApplication();
    h.script({ 'notify-applicants': (p) => (p.template === 'received' ? Promise.reject(lambdaError('TransientError')) : null) });
    try {
      const arn = await h.start(id);
      const done = await h.finish(arn);

      expect(done).toMatchObject({ status: 'FAILED', error: 'WorkflowFailed' });
      // One call and four retries (MaxAttempts 4), then Catch.
      expect(h.callsOf(id, 'notify-applicants')).toHaveLength(5);
      expect(await h.statesEntered(arn)).toEqual(['SendReceipt', 'RecordError', 'NotifyFailure', 'Failed']);
    } finally {
      h.script({ 'notify-applicants': defaultFakes['notify-applicants'] });
    }
  });

  it('fails the committee when a co-chair request fails, and closes the other co-chair wait', async () => {
    const id = newApplication();
    h.script({
      'request-committee-decision': (p) => (p.side === 'MA' ? Promise.reject(lambdaError('InvalidTransitionError')) : null),
    });
    try {
      const arn = await h.start(id);
      const review = await h.call(id, 'request-review');
      await h.engine.sendTaskSuccess(review.taskToken as string, JSON.stringify(favorable));
      const done = await h.finish(arn);

      expect(done).toMatchObject({ status: 'FAILED', error: 'WorkflowFailed' });
      const states = await h.statesEntered(arn);
      expect(states).toContain('Committee');
      expect(states.slice(-3)).toEqual(['RecordError', 'NotifyFailure', 'Failed']);
      expect(states).not.toContain('CommitteeOutcome');
      expect(h.callsOf(id, 'record-outcome')[0]).toMatchObject({ status: 'ERROR', error: { Error: 'InvalidTransitionError' } });
      // The French co-chair's link no longer decides anything.
      const fr = await committeeTask(id, 'FR');
      await expect(h.engine.sendTaskSuccess(fr.taskToken as string, JSON.stringify(approve(1)))).rejects.toMatchObject({
        name: 'TaskDoesNotExist',
      });
      expect(h.engine.pendingTasks(arn)).toEqual([]);
    } finally {
      h.script({ 'request-committee-decision': defaultFakes['request-committee-decision'] });
    }
  });

  it('treats a task result that no Choice rule matches as a failure of the workflow', async () => {
    const id = newApplication();
    h.script({ 'record-review': () => ({ next: 'archive' }) });
    try {
      const arn = await h.start(id);
      const review = await h.call(id, 'request-review');
      await h.engine.sendTaskSuccess(review.taskToken as string, JSON.stringify(favorable));
      const done = await h.finish(arn);

      expect(done).toMatchObject({ status: 'FAILED', error: 'WorkflowFailed' });
      expect((await h.statesEntered(arn)).slice(-6)).toEqual([
        'RecordReview',
        'ReviewOutcome',
        'UnexpectedTaskResult',
        'RecordError',
        'NotifyFailure',
        'Failed',
      ]);
      expect(h.callsOf(id, 'record-outcome')).toEqual([
        { applicationId: id, status: 'ERROR', error: { Error: 'UnexpectedTaskResult', Cause: expect.any(String) } },
      ]);
    } finally {
      h.script({ 'record-review': defaultFakes['record-review'] });
    }
  });

  it('records ERROR and alerts the admins when a result lacks the field a Choice reads (never an uncatchable States.Runtime)', async () => {
    const id = newApplication();
    h.script({ 'check-eligibility': () => ({ verdict: 'yes' }) });
    try {
      const arn = await h.start(id);
      const done = await h.finish(arn);

      expect(done).toMatchObject({ status: 'FAILED', error: 'WorkflowFailed' });
      expect(await h.statesEntered(arn)).toEqual([
        'SendReceipt',
        'CheckEligibility',
        'IsEligible',
        'UnexpectedTaskResult',
        'RecordError',
        'NotifyFailure',
        'Failed',
      ]);
      expect(h.callsOf(id, 'record-outcome')).toEqual([
        { applicationId: id, status: 'ERROR', error: { Error: 'UnexpectedTaskResult', Cause: expect.any(String) } },
      ]);
    } finally {
      h.script({ 'check-eligibility': defaultFakes['check-eligibility'] });
    }
  });

  it('still alerts the admins when the error cannot even be recorded', async () => {
    const id = newApplication();
    h.script({
      'assign-reviewer': () => Promise.reject(lambdaError('NoReviewerAvailableError')),
      'record-outcome': () => Promise.reject(lambdaError('InvalidTransitionError')),
    });
    try {
      const arn = await h.start(id);
      const done = await h.finish(arn);

      expect(done).toMatchObject({ status: 'FAILED', error: 'WorkflowFailed' });
      expect((await h.statesEntered(arn)).slice(-3)).toEqual(['RecordError', 'NotifyFailure', 'Failed']);
      expect(h.callsOf(id, 'notify-admins')).toEqual([{ applicationId: id, error: { Error: 'NoReviewerAvailableError', Cause: expect.any(String) } }]);
    } finally {
      h.script({ 'assign-reviewer': defaultFakes['assign-reviewer'], 'record-outcome': defaultFakes['record-outcome'] });
    }
  });

  it('lets a failure sent for a waiting task reach RecordError with its error name', async () => {
    const id = newApplication();
    const arn = await h.start(id);
    const review = await h.call(id, 'request-review');
    await h.engine.sendTaskFailure(review.taskToken as string, 'ReviewerDeclined', 'conflict of interest found late');
    const done = await h.finish(arn);

    expect(done).toMatchObject({ status: 'FAILED', error: 'WorkflowFailed' });
    expect(h.callsOf(id, 'record-outcome')).toEqual([
      { applicationId: id, status: 'ERROR', error: { Error: 'ReviewerDeclined', Cause: 'conflict of interest found late' } },
    ]);
  });
});
