import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { realPorts } from '../../shared/adapters/ports.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { reviewDecisionSchema } from '../../shared/schemas/decisions.ts';
import { recordReview } from '../../shared/use-cases/record-review.ts';
import { parseTaskEvent, runTask } from '../../shared/use-cases/workflow-support.ts';
import type { RecordReviewOutput } from '../../shared/workflow/contract.ts';

/** RecordReview: stores the review; CHANGES_REQUESTED or IN_COMMITTEE. The comment is not logged. */
const ports = realPorts({ repository: dynamodb });
const logger = new Logger({ persistentKeys: { task: 'record-review' } });
const eventSchema = z.object({ applicationId: z.string().min(1), review: reviewDecisionSchema });

export const handler = async (event: unknown): Promise<RecordReviewOutput> => {
  const input = parseTaskEvent(eventSchema, event);
  return runTask(logger, input.applicationId, () => recordReview(ports, input), (out) => ({ next: out.next }));
};
