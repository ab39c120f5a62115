import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeTemplate } from '../../local/template.ts';
import type { LocalTemplate } from '../../local/template.ts';
import { APPROVED_PATH, createHarness, tempJournal } from './harness.ts';
import type { Harness, HarnessOptions } from './harness.ts';

/**
 * Executions survive a restart of the local stack: an engine closed while people are still to
 * decide is replaced by a new one on the same journal, which resumes every unfinished execution
 * without calling again the functions that already ran, and accepts the tokens already mailed.
 */

const favorable = { decision: 'favorable', relevance: 5, feasibility: 5, partnership: 5, impact: 5 };
const approve = { decision: 'approve', grantedAmount: 25000 };
const HOUR = 3600;

let template: LocalTemplate;
let journal: ReturnType<typeof tempJournal>;
const open: Harness[] = [];

beforeAll(async () => {
  template = await synthesizeTemplate({
    context: { reviewTimeoutSeconds: HOUR, committeeTimeoutSeconds: HOUR, resubmissionTimeoutSeconds: HOUR },
  });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
  journal.remove();
});
afterAll(() => journal?.remove());

/** A "process" of the local stack: an engine with fresh fakes on the shared journal. */
function boot(options: Omit<HarnessOptions, 'journalDir'> = {}): Harness {
  journal ??= tempJournal();
  const h = createHarness(template, { ...options, journalDir: journal.dir });
  open.push(h);
  return h;
}
async function restart(before: Harness, options: Omit<HarnessOptions, 'journalDir'> = {}) {
  await before.close();
  const after = boot(options);
  const { resumed } = await after.engine.resume();
  return { after, resumed };
}

describe('executions across a restart', () => {
  it('completes a review with the token mailed before the restart, without calling earlier functions again', async () => {
    journal = tempJournal();
    const first = boot();
    const arn = await first.start('durable-review');
    const review = await first.call('durable-review', 'request-review');
    await first.submitted(arn);
    const before = first.callsOf('durable-review').length;

    const { after, resumed } = await restart(first);
    expect(resumed).toEqual([arn]);
    expect((await after.engine.describeExecution(arn)).status).toBe('RUNNING');

    await after.engine.sendTaskSuccess(review.taskToken as string, JSON.stringify(favorable));
    const fr = await after.call('durable-review', 'request-committee-decision', 1);
    const ma = await after.call('durable-review', 'request-committee-decision', 2);
    await after.engine.sendTaskSuccess(fr.taskToken as string, JSON.stringify(approve));
    await after.engine.sendTaskSuccess(ma.taskToken as string, JSON.stringify(approve));
    const done = await after.finish(arn);

    expect(done.status).toBe('SUCCEEDED');
    expect(before).toBe(4); // SendReceipt, CheckEligibility, AssignReviewer, RequestReview
    expect(after.callsOf('durable-review').map((p) => p.template ?? p.side ?? Object.keys(p).join('+'))).toEqual([
      'applicationId+review', // RecordReview
      'FR',
      'MA',
      'applicationId+decisions', // AwardGrant
      'decision', // NotifyDecision
    ]);
    // One history, not two: each state once, as if there had been no restart.
    // (Each branch's verdict states interleave with the other branch's: compared as a set.)
    const states = await after.statesEntered(arn);
    const verdicts = ['FrenchCoChairVerdict', 'FrenchCoChairApproved', 'MoroccanCoChairVerdict', 'MoroccanCoChairApproved'];
    expect(states.filter((n) => !verdicts.includes(n))).toEqual([...APPROVED_PATH]);
    expect([...states].sort()).toEqual([...new Set(states)].sort());
    expect(states).toEqual(expect.arrayContaining(verdicts));
  });

  it('keeps both co-chairs waiting across a restart, and each token still decides', async () => {
    journal = tempJournal();
    const first = boot();
    const arn = await first.start('durable-committee');
    const review = await first.call('durable-committee', 'request-review');
    await first.engine.sendTaskSuccess(review.taskToken as string, JSON.stringify(favorable));
    const fr = await first.call('durable-committee', 'request-committee-decision', 1);
    const ma = await first.call('durable-committee', 'request-committee-decision', 2);
    await first.submitted(arn, 3);
    await first.engine.sendTaskSuccess(ma.taskToken as string, JSON.stringify(approve));

    const { after } = await restart(first);
    expect(after.engine.pendingTasks(arn).map((t) => t.stateName)).toEqual(['RequestFrenchCoChairDecision']);
    // The Moroccan decision was taken before the restart: its token is spent.
    await expect(after.engine.sendTaskSuccess(ma.taskToken as string, JSON.stringify(approve))).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    await after.engine.sendTaskSuccess(fr.taskToken as string, JSON.stringify(approve));
    const done = await after.finish(arn);

    expect(done.status).toBe('SUCCEEDED');
    expect(after.callsOf('durable-committee', 'request-committee-decision')).toEqual([]);
    expect(after.callsOf('durable-committee', 'award-grant')).toEqual([{ applicationId: 'durable-committee', decisions: [approve, approve] }]);
  });

  it('gives a pending wait only what remains of its timeout', async () => {
    journal = tempJournal();
    // The review's hour, scaled to 1.5 s; the second engine uses no scale: the deadline is journaled.
    const first = boot({ engine: { timeoutScale: 1.5 / HOUR } });
    const arn = await first.start('durable-timeout');
    await first.call('durable-timeout', 'request-review');
    await first.submitted(arn);
    await new Promise((r) => setTimeout(r, 700));

    const { after } = await restart(first, { engine: { timeoutScale: 1.5 / HOUR } });
    const resumedAt = Date.now();
    const reminder = await after.call('durable-timeout', 'request-review');
    const waited = Date.now() - resumedAt;

    expect(waited).toBeLessThan(1300);
    const { events } = await after.engine.getExecutionHistory(arn);
    const scheduled = events.find((e) => e.type === 'TaskScheduled')?.timestamp.getTime() ?? 0;
    const timedOut = events.find((e) => e.type === 'TaskTimedOut')?.timestamp.getTime() ?? 0;
    expect(timedOut - scheduled).toBeGreaterThanOrEqual(1450);
    expect(timedOut - scheduled).toBeLessThan(2500);
    expect(reminder.taskToken).not.toBe((await first.callsOf('durable-timeout', 'request-review'))[0]?.taskToken);
    await after.engine.stopExecution(arn);
  });

  it('calls again a waiting function that had not returned when the process stopped, with the same token', async () => {
    journal = tempJournal();
    const first = boot({ fakes: { 'request-review': () => new Promise(() => undefined) } });
    const arn = await first.start('durable-inflight');
    const lost = await first.call('durable-inflight', 'request-review');

    const { after } = await restart(first);
    const again = await after.call('durable-inflight', 'request-review');
    expect(again).toEqual(lost);
    expect(after.callsOf('durable-inflight').length).toBe(1);
    await after.engine.sendTaskSuccess(again.taskToken as string, JSON.stringify(favorable));
    await after.call('durable-inflight', 'record-review');
    await after.engine.stopExecution(arn);
  });

  it('remembers finished executions: described and with their history after a restart', async () => {
    journal = tempJournal();
    const first = boot({ fakes: { 'check-eligibility': () => ({ eligible: false, failedRules: ['theme'] }) } });
    const arn = await first.start('durable-finished');
    const done = await first.finish(arn);
    const history = await first.engine.getExecutionHistory(arn);

    const { after, resumed } = await restart(first);
    expect(resumed).toEqual([]);
    expect(await after.engine.describeExecution(arn)).toEqual(done);
    expect(await after.engine.getExecutionHistory(arn)).toEqual(history);
    expect(after.calls).toEqual([]);
    // Its name is taken for good, as in the service.
    await expect(after.engine.startExecution({ name: 'durable-finished', input: { applicationId: 'durable-finished' } })).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
  });
});
