import { Metrics as Emf, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Config } from '../config/load.ts';
import { SERVICE_NAME } from '../config/metrics.ts';
import type { Metrics } from '../ports/index.ts';

/**
 * Metrics as CloudWatch's embedded metric format (EMF): at `publish`, one JSON line per set of
 * dimensions on stdout, which Lambda sends to the function's log group and CloudWatch turns into
 * metrics. No API call, no permission, nothing read back from log wording. Locally the same lines
 * reach the stack's output, which shows them as metrics (local/stack.ts).
 *
 * Powertools' `Metrics` writes all of a batch under the same dimensions: counts with other
 * dimensions (a task's name) get their own instance, so that a status count is never also
 * published under a task's name.
 */
export function emfMetrics(config: Config): Metrics {
  const namespace = config.metricsNamespace;
  if (!namespace) throw new Error('emfMetrics: no metrics namespace in the configuration');
  const batches = new Map<string, Emf>();
  const batch = (dimensions: Readonly<Record<string, string>>) => {
    const key = JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : 1)));
    let emf = batches.get(key);
    if (!emf) {
      emf = new Emf({ namespace, serviceName: SERVICE_NAME, defaultDimensions: { ...dimensions } });
      batches.set(key, emf);
    }
    return emf;
  };
  return {
    count(name, dimensions = {}, value = 1) {
      batch(dimensions).addMetric(name, MetricUnit.Count, value);
    },
    async publish() {
      for (const emf of batches.values()) {
        // Powertools warns on an empty batch: a batch that counted nothing stays silent.
        if (!emf.hasStoredMetrics()) continue;
        try {
          emf.publishStoredMetrics();
        } catch (error) {
          // A metric must never fail the request or the task that counted it.
          process.stderr.write(
            `${JSON.stringify({ level: 'WARN', message: 'metrics not published', service: SERVICE_NAME, errorName: error instanceof Error ? error.name : typeof error })}\n`,
          );
        }
      }
    },
  };
}
