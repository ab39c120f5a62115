import aslValidator from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMITTEE_REJECTED, HELPER_STATES, TRANSIENT_ERRORS } from '../../infra/constructs/workflow.ts';
import { STATES } from '../../shared/workflow/contract.ts';
import { allStates, type CfnTemplate, entriesByLogicalId, functionNameOf, type Synthesized, stateMachineDefinition, synthesize } from './synth.ts';

let synth: Synthesized;
let definition: Record<string, any>;
let states: ReturnType<typeof allStates>;
let functionOf: (state: Record<string, any>) => string;

const WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const state = (name: string): Record<string, any> => {
  const found = states.get(name);
  if (!found) throw new Error(`no state ${name}`);
  return found.state;
};
const tasks = () => [...states].filter(([, s]) => s.state.Type === 'Task');

beforeAll(() => {
  synth = synthesize();
  definition = stateMachineDefinition(synth.statelessJson);
  states = allStates(definition);
  const entries = entriesByLogicalId(synth.statelessJson);
  functionOf = (s) => {
    const arn = String(s.Resource === WAIT_FOR_TOKEN ? s.Parameters.FunctionName : s.Resource);
    return functionNameOf(entries.get(arn.split(':').at(-1) ?? '') ?? `unknown ${arn}`);
  };
});

describe('state machine definition', () => {
  it('is valid Amazon States Language', () => {
    const result = aslValidator(structuredClone(definition));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('uses JSONPath (the local interpreter cannot run JSONata)', () => {
    expect(JSON.stringify(definition)).not.toContain('JSONata');
    expect(JSON.stringify(definition)).not.toContain('{%');
  });

  it('has every state of the contract, starting with SendReceipt', () => {
    expect(definition.StartAt).toBe(STATES.sendReceipt);
    for (const name of Object.values(STATES)) expect(states.has(name), name).toBe(true);
    const ours = new Set<string>([...Object.values(STATES), ...Object.values(HELPER_STATES)]);
    expect([...states.keys()].filter((n) => !ours.has(n))).toEqual([]);
  });

  it('binds each task to its function, with the contract input', () => {
    const expected: Record<string, [string, Record<string, unknown>]> = {
      [STATES.sendReceipt]: ['notify-applicants', { template: 'received' }],
      [STATES.checkEligibility]: ['check-eligibility', {}],
      [STATES.notifyIneligible]: ['notify-applicants', { template: 'ineligible' }],
      [STATES.assignReviewer]: ['assign-reviewer', {}],
      [STATES.requestReview]: ['request-review', { 'taskToken.$': '$$.Task.Token' }],
      [STATES.recordReview]: ['record-review', { 'review.$': '$.review' }],
      // No review: its comment is read from the application, never carried by the workflow.
      [STATES.requestChanges]: ['request-changes', { 'taskToken.$': '$$.Task.Token' }],
      [STATES.withdraw]: ['record-outcome', { status: 'WITHDRAWN' }],
      [STATES.notifyWithdrawn]: ['notify-applicants', { template: 'withdrawn' }],
      [STATES.requestFrenchCoChair]: ['request-committee-decision', { 'taskToken.$': '$$.Task.Token', side: 'FR' }],
      [STATES.requestMoroccanCoChair]: ['request-committee-decision', { 'taskToken.$': '$$.Task.Token', side: 'MA' }],
      [STATES.awardGrant]: ['award-grant', { 'decisions.$': '$.committee' }],
      // No decisions: after a rejection Committee has no output; the function reads the tasks.
      [STATES.recordRejection]: ['record-outcome', { status: 'REJECTED' }],
      [STATES.notifyDecision]: ['notify-applicants', { template: 'decision' }],
      [STATES.recordError]: ['record-outcome', { status: 'ERROR', 'error.$': '$.error' }],
      [STATES.notifyFailure]: ['notify-admins', { 'error.$': '$.error' }],
    };
    expect(
      tasks()
        .map(([name]) => name)
        .sort(),
    ).toEqual(Object.keys(expected).sort());
    for (const [name, [fn, input]] of Object.entries(expected)) {
      const s = state(name);
      expect(functionOf(s), name).toBe(fn);
      const payload = s.Resource === WAIT_FOR_TOKEN ? s.Parameters.Payload : s.Parameters;
      expect(payload, name).toEqual({ 'applicationId.$': '$.applicationId', ...input });
    }
  });

  it('invokes plain tasks by function ARN, so the local stack can bind them to handlers', () => {
    const waiting = new Set<string>([STATES.requestReview, STATES.requestChanges, STATES.requestFrenchCoChair, STATES.requestMoroccanCoChair]);
    for (const [name, { state: s }] of tasks()) {
      if (waiting.has(name)) expect(s.Resource, name).toBe(WAIT_FOR_TOKEN);
      else expect(s.Resource, name).toMatch(/^arn:aws:lambda:[^:]+:\d{12}:function:\w+$/);
    }
  });

  it('puts a timeout from the stage config on every waiting task', () => {
    const { config } = synth.built;
    const expected: Record<string, number> = {
      [STATES.requestReview]: config.reviewTimeoutSeconds,
      [STATES.requestChanges]: config.resubmissionTimeoutSeconds,
      [STATES.requestFrenchCoChair]: config.committeeTimeoutSeconds,
      [STATES.requestMoroccanCoChair]: config.committeeTimeoutSeconds,
    };
    const waiting = tasks().filter(([, s]) => s.state.Resource === WAIT_FOR_TOKEN);
    expect(waiting.map(([n]) => n).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, { state: s }] of waiting) {
      expect(s.TimeoutSeconds ?? s.TimeoutSecondsPath, name).toBeDefined();
      expect(s.TimeoutSeconds, name).toBe(expected[name]);
    }
  });

  it('retries transient errors only, on every task', () => {
    for (const [name, { state: s }] of tasks()) {
      expect(s.Retry, name).toEqual([{ ErrorEquals: [...TRANSIENT_ERRORS], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 4 }]);
    }
    for (const [, { state: s }] of states) {
      for (const r of s.Retry ?? []) expect(r.ErrorEquals).not.toContain('States.ALL');
    }
  });

  it('routes any other error of a task (or of Committee) to RecordError, after any specific catch', () => {
    const exempt = new Set<string>([
      STATES.recordError,
      STATES.notifyFailure,
      // Inside Committee's branches: they cannot leave their branch, Committee's catch covers them.
      STATES.requestFrenchCoChair,
      STATES.requestMoroccanCoChair,
    ]);
    const caught = [...tasks().filter(([n]) => !exempt.has(n)), [STATES.committee, states.get(STATES.committee)!] as const];
    for (const [name, { state: s }] of caught) {
      const last = s.Catch?.at(-1);
      expect(last, name).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.recordError });
      for (const c of s.Catch.slice(0, -1)) expect(c.ErrorEquals, name).not.toContain('States.ALL');
    }
    for (const [name, { inBranch }] of states) if (exempt.has(name) && name.startsWith('Request')) expect(inBranch).toBe(true);
  });

  it('ends the committee at the first rejection: the branch fails, Committee catches it before the catch-all', () => {
    const branches: Array<[string, string, string, string]> = [
      [STATES.requestFrenchCoChair, HELPER_STATES.frenchCoChairVerdict, HELPER_STATES.frenchCoChairRejected, HELPER_STATES.frenchCoChairApproved],
      [STATES.requestMoroccanCoChair, HELPER_STATES.moroccanCoChairVerdict, HELPER_STATES.moroccanCoChairRejected, HELPER_STATES.moroccanCoChairApproved],
    ];
    for (const [task, verdict, rejected, approved] of branches) {
      expect(state(task).Next, task).toBe(verdict);
      expect(state(task).ResultPath, task).toBe('$');
      expect(state(verdict), verdict).toEqual({
        Type: 'Choice',
        Choices: [{ Variable: '$.decision', StringEquals: 'reject', Next: rejected }],
        Default: approved,
      });
      expect(state(rejected), rejected).toMatchObject({ Type: 'Fail', Error: COMMITTEE_REJECTED });
      // The branch's output is the decision itself, as AwardGrant reads it.
      expect(state(approved), approved).toEqual({ Type: 'Succeed' });
      for (const name of [verdict, rejected, approved]) expect(states.get(name)?.inBranch, name).toBe(true);
    }
    expect(state(STATES.committee).Catch).toEqual([
      { ErrorEquals: [COMMITTEE_REJECTED], ResultPath: null, Next: STATES.recordRejection },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.recordError },
    ]);
  });

  it('records the error, alerts the admins, then fails', () => {
    expect(state(STATES.recordError).Next).toBe(STATES.notifyFailure);
    // Even when the error cannot be recorded, the admins hear of it.
    expect(state(STATES.recordError).Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: STATES.notifyFailure }]);
    expect(state(STATES.notifyFailure).Next).toBe(HELPER_STATES.failed);
    expect(state(HELPER_STATES.failed).Type).toBe('Fail');
    expect(state(HELPER_STATES.unexpectedResult)).toMatchObject({ Type: 'Pass', ResultPath: '$.error', Next: STATES.recordError });
  });

  it('keeps waiting after a review or co-chair timeout, through a Pass back to the same task', () => {
    const loops: Array<[string, string]> = [
      [STATES.requestReview, HELPER_STATES.reviewTimedOut],
      [STATES.requestFrenchCoChair, HELPER_STATES.frenchCoChairTimedOut],
      [STATES.requestMoroccanCoChair, HELPER_STATES.moroccanCoChairTimedOut],
    ];
    for (const [task, pass] of loops) {
      expect(state(task).Catch[0], task).toEqual({ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: pass });
      expect(state(pass), pass).toMatchObject({ Type: 'Pass', Next: task });
    }
  });

  it('withdraws an application whose resubmission times out, and acknowledges then re-checks a resubmitted one', () => {
    const s = state(STATES.requestChanges);
    expect(s.Catch[0]).toEqual({ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: STATES.withdraw });
    expect(s.Next).toBe(STATES.sendReceipt);
    expect(state(STATES.withdraw).Next).toBe(STATES.notifyWithdrawn);
    expect(state(STATES.notifyWithdrawn).Next).toBe(HELPER_STATES.done);
  });

  it('follows the happy paths with small state data', () => {
    expect(state(STATES.sendReceipt)).toMatchObject({ ResultPath: null, Next: STATES.checkEligibility });
    expect(state(STATES.checkEligibility)).toMatchObject({ ResultPath: '$.eligibility', Next: STATES.isEligible });
    // No ResultSelector: a missing field must reach the Choice's default, not fail with States.Runtime.
    expect(state(STATES.checkEligibility).ResultSelector).toBeUndefined();
    const present = (variable: string, test: Record<string, unknown>, next: string) => ({
      And: [
        { Variable: variable, IsPresent: true },
        { Variable: variable, ...test },
      ],
      Next: next,
    });
    expect(state(STATES.isEligible).Choices).toEqual([
      present('$.eligibility.eligible', { BooleanEquals: false }, STATES.notifyIneligible),
      present('$.eligibility.eligible', { BooleanEquals: true }, STATES.assignReviewer),
    ]);
    expect(state(STATES.isEligible).Default).toBe(HELPER_STATES.unexpectedResult);
    expect(state(STATES.notifyIneligible).Next).toBe(HELPER_STATES.done);
    expect(state(STATES.assignReviewer)).toMatchObject({ ResultPath: null, Next: STATES.requestReview });
    expect(state(STATES.requestReview)).toMatchObject({ ResultPath: '$.review', Next: STATES.recordReview });
    expect(state(STATES.recordReview)).toMatchObject({ ResultPath: '$.reviewResult', Next: STATES.reviewOutcome });
    expect(state(STATES.reviewOutcome)).toMatchObject({
      Choices: [
        present('$.reviewResult.next', { StringEquals: 'changes' }, STATES.requestChanges),
        present('$.reviewResult.next', { StringEquals: 'committee' }, STATES.committee),
      ],
      Default: HELPER_STATES.unexpectedResult,
    });
    const committee = state(STATES.committee);
    expect(committee).toMatchObject({ Type: 'Parallel', ResultPath: '$.committee', Next: STATES.committeeOutcome });
    expect(committee.Branches.map((b: { StartAt: string }) => b.StartAt)).toEqual([STATES.requestFrenchCoChair, STATES.requestMoroccanCoChair]);
    expect(state(STATES.committeeOutcome)).toEqual({
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.committee[0].decision', StringEquals: 'approve' },
            { Variable: '$.committee[1].decision', StringEquals: 'approve' },
          ],
          Next: STATES.awardGrant,
        },
      ],
      Default: STATES.recordRejection,
    });
    expect(state(STATES.awardGrant)).toMatchObject({ ResultPath: '$.award', Next: STATES.notifyDecision });
    expect(state(STATES.recordRejection)).toMatchObject({ ResultPath: null, Next: STATES.notifyDecision });
    expect(state(STATES.notifyDecision).Next).toBe(HELPER_STATES.done);
    expect(state(HELPER_STATES.done).Type).toBe('Succeed');
  });
});

describe('state machine resource', () => {
  it('is a Standard machine logging every event without execution data, not traced', () => {
    synth.stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: false },
    });
  });

  it('may invoke exactly the ten workflow functions', () => {
    const template: CfnTemplate = synth.statelessJson;
    const role = Object.values(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!.Properties!.RoleArn['Fn::GetAtt'][0];
    const policy = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::IAM::Policy' && r.Properties!.Roles.some((x: { Ref: string }) => x.Ref === role),
    )!;
    const entries = entriesByLogicalId(template);
    const invoked = new Set<string>();
    for (const st of policy.Properties!.PolicyDocument.Statement) {
      if (st.Action !== 'lambda:InvokeFunction') continue;
      for (const r of st.Resource) {
        const id = r['Fn::GetAtt']?.[0] ?? r['Fn::Join'][1][0]['Fn::GetAtt'][0];
        invoked.add(functionNameOf(entries.get(id)!));
      }
    }
    expect([...invoked].sort()).toEqual([
      'assign-reviewer',
      'award-grant',
      'check-eligibility',
      'notify-admins',
      'notify-applicants',
      'record-outcome',
      'record-review',
      'request-changes',
      'request-committee-decision',
      'request-review',
    ]);
  });
});
