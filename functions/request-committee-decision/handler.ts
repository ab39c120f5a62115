import * as z from 'zod';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { coChairSide } from '../../shared/schemas/call.ts';
import { requestDecision } from '../../shared/use-cases/request-decision.ts';
import { applicationId, taskHandler, taskToken } from '../task-handler.ts';

/**
 * RequestFrenchCoChairDecision / RequestMoroccanCoChairDecision (waitForTaskToken): the same
 * function for both sides, told which by `side`; reminders and escalation as for the review.
 */
export const handler = taskHandler({
  name: 'request-committee-decision',
  adapters: { repository: dynamodb, mailer: ses, signer: secretSigner },
  input: z.object({ applicationId, taskToken, side: coChairSide }),
  run: requestDecision,
  summary: (out, input) => ({ side: input.side, ...out }),
});
