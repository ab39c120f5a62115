/**
 * Classifies AWS SDK v3 failures. Only what may succeed on a retry is transient: throttling, the
 * service's own 5xx, and the network (timeouts, resets, refused connections).
 */
const throttlingNames = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

const serverNames = new Set([
  'InternalServerError',
  'InternalFailure',
  'InternalServiceError',
  'InternalServiceErrorException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionInProgressException',
]);

const networkNames = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException']);
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

interface SdkLikeError {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

export function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as SdkLikeError).name === 'string' ? ((error as SdkLikeError).name as string) : '';
}

export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkLikeError;
  const name = errorName(error);
  if (throttlingNames.has(name) || serverNames.has(name) || networkNames.has(name)) return true;
  if (typeof e.code === 'string' && networkCodes.has(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  return e.$fault === 'server';
}
