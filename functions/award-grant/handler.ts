import * as z from 'zod';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { committeeOutcomeSchema } from '../../shared/schemas/decisions.ts';
import { awardGrant } from '../../shared/use-cases/award-grant.ts';
import { applicationId, taskHandler } from '../task-handler.ts';

/** AwardGrant: both co-chairs approved; the lower amount is reserved in the call's envelope. */
export const handler = taskHandler({
  name: 'award-grant',
  adapters: { repository: dynamodb },
  input: z.object({ applicationId, decisions: z.array(committeeOutcomeSchema) }),
  run: awardGrant,
  summary: (out) => ({ status: out.status, grantedFR: out.grantedFR, grantedMA: out.grantedMA }),
});
