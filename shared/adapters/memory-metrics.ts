import type { MetricName } from '../config/metrics.ts';
import type { Metrics } from '../ports/index.ts';

export interface Count {
  readonly name: MetricName;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The metrics port in memory (tests): what was published, and what waits for `publish`. */
export interface MemoryMetrics extends Metrics {
  readonly published: Count[];
  readonly pending: Count[];
  /** The sum of what was published under `name`, with exactly these dimensions. */
  total(name: MetricName, dimensions?: Readonly<Record<string, string>>): number;
}

export function memoryMetrics(): MemoryMetrics {
  const published: Count[] = [];
  const pending: Count[] = [];
  const same = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  return {
    published,
    pending,
    count(name, dimensions = {}, value = 1) {
      pending.push({ name, dimensions: { ...dimensions }, value });
    },
    async publish() {
      published.push(...pending.splice(0));
    },
    total(name, dimensions = {}) {
      return published.filter((c) => c.name === name && same(c.dimensions, dimensions)).reduce((sum, c) => sum + c.value, 0);
    },
  };
}
