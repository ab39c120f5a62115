import * as z from 'zod';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { requestChanges } from '../../shared/use-cases/request-changes.ts';
import { applicationId, taskHandler, taskToken } from '../task-handler.ts';

/**
 * RequestChanges (waitForTaskToken): emails both applicant contacts the reviewer's comment (read
 * from the application) and their resubmission link. On a timeout the state machine withdraws the
 * application; there is no reminder.
 */
export const handler = taskHandler({
  name: 'request-changes',
  adapters: { repository: dynamodb, mailer: ses, signer: secretSigner },
  input: z.object({ applicationId, taskToken }),
  run: requestChanges,
  summary: (out) => ({ ...out }),
});
