import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { realPorts } from '../../shared/adapters/ports.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { assignReviewer } from '../../shared/use-cases/assign-reviewer.ts';
import { parseTaskEvent, runTask } from '../../shared/use-cases/workflow-support.ts';
import type { AssignReviewerOutput } from '../../shared/workflow/contract.ts';

/** AssignReviewer: a reviewer free of conflict of interest, IN_REVIEW. The name is not logged. */
const ports = realPorts({ repository: dynamodb });
const logger = new Logger({ persistentKeys: { task: 'assign-reviewer' } });
const eventSchema = z.object({ applicationId: z.string().min(1) });

export const handler = async (event: unknown): Promise<AssignReviewerOutput> => {
  const input = parseTaskEvent(eventSchema, event);
  return runTask(logger, input.applicationId, () => assignReviewer(ports, input));
};
