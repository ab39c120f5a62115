import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { realPorts } from '../../shared/adapters/ports.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { reviewDecisionSchema } from '../../shared/schemas/decisions.ts';
import { requestChanges } from '../../shared/use-cases/request-changes.ts';
import { parseTaskEvent, runTask } from '../../shared/use-cases/workflow-support.ts';

/**
 * RequestChanges (waitForTaskToken): emails both applicant contacts their resubmission link. On a
 * timeout the state machine withdraws the application; there is no reminder.
 */
const ports = realPorts({ repository: dynamodb, mailer: ses, signer: secretSigner, require: ['baseUrl'] });
const logger = new Logger({ persistentKeys: { task: 'request-changes' } });
const eventSchema = z.object({
  applicationId: z.string().min(1),
  taskToken: z.string().min(1),
  review: reviewDecisionSchema,
});

export const handler = async (event: unknown): Promise<{ taskId: string }> => {
  const input = parseTaskEvent(eventSchema, event);
  return runTask(logger, input.applicationId, () => requestChanges(ports, input), (out) => ({ ...out }));
};
