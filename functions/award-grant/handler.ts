import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { realPorts } from '../../shared/adapters/ports.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { committeeDecisionSchema } from '../../shared/schemas/decisions.ts';
import { awardGrant } from '../../shared/use-cases/award-grant.ts';
import { parseTaskEvent, runTask } from '../../shared/use-cases/workflow-support.ts';
import type { AwardGrantOutput } from '../../shared/workflow/contract.ts';

/** AwardGrant: both co-chairs approved; the lower amount is reserved in the call's envelope. */
const ports = realPorts({ repository: dynamodb });
const logger = new Logger({ persistentKeys: { task: 'award-grant' } });
const eventSchema = z.object({ applicationId: z.string().min(1), decisions: z.array(committeeDecisionSchema) });

export const handler = async (event: unknown): Promise<AwardGrantOutput> => {
  const input = parseTaskEvent(eventSchema, event);
  return runTask(logger, input.applicationId, () => awardGrant(ports, input), (out) => ({
    status: out.status,
    grantedAmount: out.grantedAmount,
  }));
};
