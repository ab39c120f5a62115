import { statusMetric } from '../config/metrics.ts';
import type { Metrics, Repository } from '../ports/index.ts';

/**
 * The repository, counting every status an application enters where the status is written: a
 * created application enters `SUBMITTED`, a transition that changed something enters its `to`
 * (an idempotent replay changes nothing and counts nothing). The counts wait in `metrics` until
 * the invocation publishes them.
 */
export function countedRepository(repository: Repository, metrics: Metrics): Repository {
  // The application this invocation created, if any: a submission undone in the same request
  // (its workflow could not start) takes its count back, so the client's retry counts once.
  let created: string | undefined;
  const counting: Pick<Repository, 'createApplication' | 'transition' | 'deleteApplication'> = {
    async createApplication(app, first) {
      const result = await repository.createApplication(app, first);
      if (result === 'created') {
        created = app.id;
        metrics.count(statusMetric(app.status));
      }
      return result;
    },
    async transition(id, to, event, patch) {
      const result = await repository.transition(id, to, event, patch);
      if (result === 'changed') metrics.count(statusMetric(to));
      return result;
    },
    async deleteApplication(id) {
      await repository.deleteApplication(id);
      if (id === created) {
        created = undefined;
        metrics.count(statusMetric('SUBMITTED'), {}, -1);
      }
    },
  };
  return new Proxy(repository, {
    get(target, method) {
      if (typeof method === 'string' && Object.hasOwn(counting, method)) return counting[method as keyof typeof counting];
      const value: unknown = Reflect.get(target, method);
      // Called on the repository itself, not on this proxy (a class keeps private fields).
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
