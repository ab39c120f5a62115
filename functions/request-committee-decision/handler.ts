import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { realPorts } from '../../shared/adapters/ports.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { coChairSide } from '../../shared/schemas/call.ts';
import { requestDecision, type RequestDecisionOutput } from '../../shared/use-cases/request-decision.ts';
import { parseTaskEvent, runTask } from '../../shared/use-cases/workflow-support.ts';

/**
 * RequestFrenchCoChairDecision / RequestMoroccanCoChairDecision (waitForTaskToken): the same
 * function for both sides, told which by `side`; reminders and escalation as for the review.
 */
const ports = realPorts({ repository: dynamodb, mailer: ses, signer: secretSigner, require: ['baseUrl'] });
const logger = new Logger({ persistentKeys: { task: 'request-committee-decision' } });
const eventSchema = z.object({ applicationId: z.string().min(1), taskToken: z.string().min(1), side: coChairSide });

export const handler = async (event: unknown): Promise<RequestDecisionOutput> => {
  const input = parseTaskEvent(eventSchema, event);
  return runTask(logger, input.applicationId, () => requestDecision(ports, input), (out) => ({ side: input.side, ...out }));
};
