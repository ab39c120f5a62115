import * as z from 'zod';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { recordOutcome } from '../../shared/use-cases/record-outcome.ts';
import { applicationId, taskError, taskHandler } from '../task-handler.ts';

/** RecordRejection / Withdraw / RecordError: the final status the state machine's routing decided. */
export const handler = taskHandler({
  name: 'record-outcome',
  adapters: { repository: dynamodb },
  input: z.discriminatedUnion('status', [
    z.object({ applicationId, status: z.literal('REJECTED') }),
    z.object({ applicationId, status: z.literal('WITHDRAWN') }),
    z.object({ applicationId, status: z.literal('ERROR'), error: taskError }),
  ]),
  run: recordOutcome,
  summary: (out) => ({ status: out.status }),
});
