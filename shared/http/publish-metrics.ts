import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Metrics } from '../ports/index.ts';
import type { ApiEvent, ApiResult } from './types.ts';

/**
 * Publishes what the request counted (the statuses it wrote), once its answer is final: the
 * outermost middleware, so that it runs last, on a success and on an error alike.
 */
export function publishMetrics(metrics: Metrics): MiddlewareObj<ApiEvent<unknown>, ApiResult, Error, Context> {
  const publish = async () => {
    await metrics.publish();
  };
  return { after: publish, onError: publish };
}
