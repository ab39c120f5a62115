import { CallNotFoundError, InvalidTransitionError } from '../domain/errors.ts';
import { checkEligibility as failedRules } from '../domain/eligibility.ts';
import type { ApplicationRef, CheckEligibilityOutput } from '../workflow/contract.ts';
import { loadApplication, workflowEvent } from './workflow-support.ts';
import type { TaskPorts } from './workflow-support.ts';

/**
 * CheckEligibility task.
 * 1. Load the application and its call.
 * 2. Run every eligibility rule of the call.
 * 3. Ineligible: SUBMITTED → INELIGIBLE, the reasons joined in the history and each rule stored;
 *    the workflow gets the rules' codes (the sentences quote the application: they stay here).
 *    Eligible: the status stays SUBMITTED; an empty `ineligibility` records that it was checked.
 * A retry finds INELIGIBLE (or `ineligibility: []`) already stored and writes nothing.
 */
export async function checkEligibility(
  { repository, clock }: Pick<TaskPorts, 'repository' | 'clock'>,
  { applicationId }: ApplicationRef,
): Promise<CheckEligibilityOutput> {
  const app = await loadApplication(repository, applicationId);
  if (app.status === 'INELIGIBLE') {
    return { eligible: false, failedRules: (app.ineligibility ?? []).map((i) => i.rule) };
  }
  if (app.status !== 'SUBMITTED') {
    throw new InvalidTransitionError(`eligibility is checked on SUBMITTED applications, not ${app.status}`);
  }
  const call = await repository.getCall(app.callId);
  if (!call) throw new CallNotFoundError(`call ${app.callId} not found`);

  const failed = failedRules(app, call);
  if (failed.length > 0) {
    await repository.transition(app.id, 'INELIGIBLE', workflowEvent(clock, 'INELIGIBLE', failed.map((f) => f.reason).join(' ')), {
      ineligibility: failed,
    });
    return { eligible: false, failedRules: failed.map((f) => f.rule) };
  }
  if (app.ineligibility?.length !== 0) await repository.patchApplication(app.id, { ineligibility: [] });
  return { eligible: true, failedRules: [] };
}
