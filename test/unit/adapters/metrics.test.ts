import '../api/env.ts';
import { describe, expect, it } from 'vitest';
import { countedRepository } from '../../../shared/adapters/counted-repository.ts';
import { emfMetrics } from '../../../shared/adapters/emf-metrics.ts';
import { memoryMetrics } from '../../../shared/adapters/memory-metrics.ts';
import type { Config } from '../../../shared/config/load.ts';
import { anApplication } from '../use-cases/fakes.ts';
import { MemoryRepository } from '../../fixtures/memory-repository.ts';
import { emfMetricsIn } from '../../fixtures/emf.ts';
import { captureOutput } from '../../fixtures/capture-output.ts';

const config = { metricsNamespace: 'coopfund/test' } as Config;
const SERVICE = { service: 'coopfund' };

describe('EMF metrics', () => {
  it('writes one EMF line per set of dimensions at publish, in the namespace, counted in Count', async () => {
    const metrics = emfMetrics(config);
    const { output } = await captureOutput(async () => {
      metrics.count('ApplicationsApproved');
      metrics.count('TaskSucceeded', { task: 'award-grant' });
      expect(metrics).toBeDefined();
    });
    expect(output).toBe('');

    const published = await captureOutput(() => metrics.publish());
    const lines = published.output
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [{ Namespace: 'coopfund/test', Dimensions: [['service']], Metrics: [{ Name: 'ApplicationsApproved', Unit: 'Count' }] }],
      },
      service: 'coopfund',
      ApplicationsApproved: 1,
    });
    // A task's outcome under its own name; the status count is not published under it.
    expect(emfMetricsIn(published.output)).toEqual([
      { namespace: 'coopfund/test', name: 'ApplicationsApproved', unit: 'Count', dimensions: SERVICE, values: [1] },
      { namespace: 'coopfund/test', name: 'TaskSucceeded', unit: 'Count', dimensions: { ...SERVICE, task: 'award-grant' }, values: [1] },
    ]);
  });

  it('writes nothing, not even a warning, when nothing was counted; a batch is published once', async () => {
    const metrics = emfMetrics(config);
    expect((await captureOutput(() => metrics.publish())).output).toBe('');
    metrics.count('ApplicationsSubmitted');
    expect((await captureOutput(() => metrics.publish())).output).toContain('"ApplicationsSubmitted":1');
    expect((await captureOutput(() => metrics.publish())).output).toBe('');
  });

  it('refuses to start without a namespace', () => {
    expect(() => emfMetrics({} as Config)).toThrow(/namespace/);
  });
});

describe('status counts, where statuses are written', () => {
  const setup = () => {
    const metrics = memoryMetrics();
    const repository = countedRepository(new MemoryRepository(), metrics);
    return { metrics, repository };
  };
  const event = (status: 'IN_REVIEW' | 'ERROR') => ({ at: '2027-02-01T10:00:00.000Z', status, actor: 'workflow' });

  it('a created application enters SUBMITTED; one created before counts nothing', async () => {
    const { metrics, repository } = setup();
    const app = anApplication();
    expect(await repository.createApplication(app, { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' })).toBe('created');
    expect(await repository.createApplication(app, { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' })).toBe('exists');
    await metrics.publish();
    expect(metrics.published).toEqual([{ name: 'ApplicationsSubmitted', dimensions: {}, value: 1 }]);
  });

  it('a transition counts its new status once; a replay that changes nothing counts nothing', async () => {
    const { metrics, repository } = setup();
    const app = anApplication();
    await repository.createApplication(app, { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' });
    expect(await repository.transition(app.id, 'IN_REVIEW', event('IN_REVIEW'))).toBe('changed');
    expect(await repository.transition(app.id, 'IN_REVIEW', event('IN_REVIEW'))).toBe('unchanged');
    expect(metrics.pending.map((c) => c.name)).toEqual(['ApplicationsSubmitted', 'ApplicationsInReview']);
    await metrics.publish();
    expect(metrics.total('ApplicationsInReview')).toBe(1);
    expect(metrics.pending).toEqual([]);
  });

  it('a refused transition counts nothing', async () => {
    const { metrics, repository } = setup();
    const app = anApplication();
    await repository.createApplication(app, { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' });
    await expect(repository.transition(app.id, 'APPROVED', { ...event('IN_REVIEW'), status: 'APPROVED' })).rejects.toThrow();
    await metrics.publish();
    expect(metrics.total('ApplicationsApproved')).toBe(0);
  });

  it('a submission undone in the same request takes its count back', async () => {
    const { metrics, repository } = setup();
    const app = anApplication();
    await repository.createApplication(app, { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' });
    await repository.deleteApplication(app.id);
    // Deleting what this request did not create takes nothing back.
    await repository.deleteApplication('someone-else');
    await metrics.publish();
    expect(metrics.total('ApplicationsSubmitted')).toBe(0);
    expect(await repository.getApplication(app.id)).toBeUndefined();
  });

  it('other methods reach the repository unchanged', async () => {
    const { metrics, repository } = setup();
    expect(await repository.getApplication('nope')).toBeUndefined();
    expect(await repository.listCalls()).toEqual([]);
    expect(metrics.pending).toEqual([]);
  });
});
