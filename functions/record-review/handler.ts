import * as z from 'zod';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { reviewDecisionSchema } from '../../shared/schemas/decisions.ts';
import { recordReview } from '../../shared/use-cases/record-review.ts';
import { applicationId, taskHandler } from '../task-handler.ts';

/** RecordReview: stores the review; CHANGES_REQUESTED or IN_COMMITTEE. The comment is not logged. */
export const handler = taskHandler({
  name: 'record-review',
  adapters: { repository: dynamodb },
  input: z.object({ applicationId, review: reviewDecisionSchema }),
  run: recordReview,
  summary: (out) => ({ next: out.next }),
});
