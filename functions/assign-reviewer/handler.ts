import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { assignReviewer } from '../../shared/use-cases/assign-reviewer.ts';
import { applicationRef, taskHandler } from '../task-handler.ts';

/** AssignReviewer: a reviewer free of conflict of interest, IN_REVIEW. Who it is stays in the table. */
export const handler = taskHandler({
  name: 'assign-reviewer',
  adapters: { repository: dynamodb },
  input: applicationRef,
  run: assignReviewer,
});
