import * as z from 'zod';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { notifyAdmins } from '../../shared/use-cases/notify-admins.ts';
import { applicationId, taskHandler, taskError } from '../task-handler.ts';

/** NotifyFailure: the workflow failed; the admins get the application id, its call and the error name. */
export const handler = taskHandler({
  name: 'notify-admins',
  adapters: { repository: dynamodb, mailer: ses },
  input: z.object({ applicationId, error: taskError }),
  run: notifyAdmins,
  summary: (out, input) => ({ errorName: input.error.Error, sent: out.sent }),
});
