import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { realPorts } from '../../shared/adapters/ports.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { checkEligibility } from '../../shared/use-cases/check-eligibility.ts';
import { parseTaskEvent, runTask } from '../../shared/use-cases/workflow-support.ts';
import type { CheckEligibilityOutput } from '../../shared/workflow/contract.ts';

/** CheckEligibility: records INELIGIBLE with every reason, or leaves the application SUBMITTED. */
const ports = realPorts({ repository: dynamodb });
const logger = new Logger({ persistentKeys: { task: 'check-eligibility' } });
const eventSchema = z.object({ applicationId: z.string().min(1) });

export const handler = async (event: unknown): Promise<CheckEligibilityOutput> => {
  const input = parseTaskEvent(eventSchema, event);
  return runTask(logger, input.applicationId, () => checkEligibility(ports, input), (out) => ({
    eligible: out.eligible,
    failedRules: out.reasons.length,
  }));
};
