import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { checkEligibility } from '../../shared/use-cases/check-eligibility.ts';
import { applicationRef, taskHandler } from '../task-handler.ts';

/** CheckEligibility: records INELIGIBLE with every reason, or leaves the application SUBMITTED. */
export const handler = taskHandler({
  name: 'check-eligibility',
  adapters: { repository: dynamodb },
  input: applicationRef,
  run: checkEligibility,
  summary: (out) => ({ eligible: out.eligible, failedRules: out.failedRules }),
});
