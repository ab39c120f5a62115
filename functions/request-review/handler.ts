import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { realPorts } from '../../shared/adapters/ports.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { requestDecision, type RequestDecisionOutput } from '../../shared/use-cases/request-decision.ts';
import { parseTaskEvent, runTask } from '../../shared/use-cases/workflow-support.ts';

/**
 * RequestReview (waitForTaskToken): stores the token under a task and emails the reviewer a link;
 * on a timeout the state machine comes back here and the reviewer is reminded. The return value is
 * ignored by Step Functions: the task's output is what the decision page sends.
 */
const ports = realPorts({ repository: dynamodb, mailer: ses, signer: secretSigner, require: ['baseUrl'] });
const logger = new Logger({ persistentKeys: { task: 'request-review' } });
const eventSchema = z.object({ applicationId: z.string().min(1), taskToken: z.string().min(1) });

export const handler = async (event: unknown): Promise<RequestDecisionOutput> => {
  const input = parseTaskEvent(eventSchema, event);
  return runTask(logger, input.applicationId, () => requestDecision(ports, input), (out) => ({ ...out }));
};
