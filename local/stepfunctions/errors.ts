/** The Step Functions API errors the local engine raises; `name` is the service's error code. */
export const SFN_ERRORS = [
  'TaskDoesNotExist',
  'TaskTimedOut',
  'InvalidToken',
  'InvalidOutput',
  'InvalidName',
  'InvalidArn',
  'InvalidExecutionInput',
  'ExecutionAlreadyExists',
  'ExecutionDoesNotExist',
  'StateMachineDoesNotExist',
  'ValidationException',
] as const;
export type SfnErrorName = (typeof SFN_ERRORS)[number];

/**
 * An error of the Step Functions API (as the SDK surfaces it: `e.name === 'TaskTimedOut'`).
 * The protocol server answers it with status 400 and `__type` = the name.
 */
export class SfnServiceError extends Error {
  override readonly name: SfnErrorName;
  constructor(name: SfnErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

export const isSfnServiceError = (e: unknown): e is SfnServiceError => e instanceof SfnServiceError;
