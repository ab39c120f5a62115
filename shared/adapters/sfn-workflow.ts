import { SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { TaskGoneError, TransientError } from '../domain/errors.ts';
import type { Workflow } from '../ports/index.ts';
import type { ApplicationRef } from '../workflow/contract.ts';
import { errorName, isTransient } from './aws-errors.ts';

/** The token is no use any more: the wait ended (timeout, execution stopped) or never existed. */
const goneNames = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Execution names allow [A-Za-z0-9-_], up to 80 characters. Application ids are base64url
 * already; anything else is replaced, so the name stays a pure function of the id (and of the
 * admin's retry `attempt`, as `<id>-r<attempt>`).
 */
export function executionName(applicationId: string, attempt?: number): string {
  const suffix = attempt ? `-r${attempt}` : '';
  return applicationId.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80 - suffix.length) + suffix;
}

function mapError(error: unknown, what: string): unknown {
  if (goneNames.has(errorName(error))) return Object.assign(new TaskGoneError('the workflow no longer waits for this decision'), { cause: error });
  // Too many running executions: the account's limit, freed as executions finish.
  if (isTransient(error) || errorName(error) === 'ExecutionLimitExceeded')
    return Object.assign(new TransientError(`Step Functions unavailable (${what})`), { cause: error });
  return error;
}

/** The Workflow over Step Functions: one execution per application, resumed by task tokens. */
export function sfnWorkflow(sfn: SFNClient, stateMachineArn: string | undefined): Workflow {
  return {
    async start(applicationId, options = {}) {
      if (!stateMachineArn) throw new Error('this function was deployed without STATE_MACHINE_ARN');
      if (options.attempt !== undefined && !(Number.isSafeInteger(options.attempt) && options.attempt > 0)) {
        throw new RangeError(`attempt must be a positive whole number, got ${options.attempt}`);
      }
      const input: ApplicationRef = { applicationId };
      try {
        await sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName(applicationId, options.attempt), input: JSON.stringify(input) }));
      } catch (error) {
        // The name is the application's: an execution under it is this application's, started before.
        if (errorName(error) === 'ExecutionAlreadyExists') return;
        throw mapError(error, 'StartExecution');
      }
    },

    async succeedTask(taskToken, output) {
      try {
        await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      } catch (error) {
        throw mapError(error, 'SendTaskSuccess');
      }
    },
  };
}
