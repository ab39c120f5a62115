import * as z from 'zod';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { requestDecision } from '../../shared/use-cases/request-decision.ts';
import { applicationId, taskHandler, taskToken } from '../task-handler.ts';

/**
 * RequestReview (waitForTaskToken): stores the token under a task and emails the reviewer a link;
 * on a timeout the state machine comes back here and the reviewer is reminded. The return value is
 * ignored by Step Functions: the task's output is what the decision page sends.
 */
export const handler = taskHandler({
  name: 'request-review',
  adapters: { repository: dynamodb, mailer: ses, signer: secretSigner },
  input: z.object({ applicationId, taskToken }),
  run: requestDecision,
  summary: (out) => ({ ...out }),
});
