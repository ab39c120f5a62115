import * as z from 'zod';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { reviewOutcomeSchema } from '../../shared/schemas/decisions.ts';
import { recordReview } from '../../shared/use-cases/record-review.ts';
import { applicationId, taskHandler } from '../task-handler.ts';

/** RecordReview: stores the review, its comment read from the decided task; CHANGES_REQUESTED or IN_COMMITTEE. */
export const handler = taskHandler({
  name: 'record-review',
  adapters: { repository: dynamodb },
  input: z.object({ applicationId, review: reviewOutcomeSchema }),
  run: recordReview,
  summary: (out) => ({ next: out.next }),
});
