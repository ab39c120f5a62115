import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { realPorts } from '../../shared/adapters/ports.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { notifyAdmins } from '../../shared/use-cases/notify-admins.ts';
import { parseTaskEvent, runTask } from '../../shared/use-cases/workflow-support.ts';

/** NotifyFailure: the workflow failed; the admins get the application id, its call and the error name. */
const ports = realPorts({ repository: dynamodb, mailer: ses });
const logger = new Logger({ persistentKeys: { task: 'notify-admins' } });
const eventSchema = z.object({
  applicationId: z.string().min(1),
  // The last resort must not fail on an odd error object.
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).catch({}),
});

export const handler = async (event: unknown): Promise<{ sent: boolean }> => {
  const input = parseTaskEvent(eventSchema, event);
  return runTask(logger, input.applicationId, () => notifyAdmins(ports, input), (out) => ({
    errorName: input.error.Error,
    sent: out.sent,
  }));
};
