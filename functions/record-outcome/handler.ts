import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { realPorts } from '../../shared/adapters/ports.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import type { Status } from '../../shared/domain/status.ts';
import { committeeDecisionSchema } from '../../shared/schemas/decisions.ts';
import { recordOutcome } from '../../shared/use-cases/record-outcome.ts';
import { parseTaskEvent, runTask } from '../../shared/use-cases/workflow-support.ts';

/** RecordRejection / Withdraw / RecordError: the final status the state machine's routing decided. */
const ports = realPorts({ repository: dynamodb });
const logger = new Logger({ persistentKeys: { task: 'record-outcome' } });
const applicationId = z.string().min(1);
const eventSchema = z.discriminatedUnion('status', [
  z.object({ applicationId, status: z.literal('REJECTED'), decisions: z.array(committeeDecisionSchema).optional() }),
  z.object({ applicationId, status: z.literal('WITHDRAWN') }),
  z.object({
    applicationId,
    status: z.literal('ERROR'),
    // Whatever Step Functions put in the catch: a failure must be recordable even when odd.
    error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).catch({}),
  }),
]);

export const handler = async (event: unknown): Promise<{ status: Status }> => {
  const input = parseTaskEvent(eventSchema, event);
  return runTask(logger, input.applicationId, () => recordOutcome(ports, input), (out) => ({ status: out.status }));
};
