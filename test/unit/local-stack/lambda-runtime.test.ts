import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLambdaRuntime, LambdaFunctionError } from '../../../local/lambda-runtime.ts';
import type { LambdaRuntime, LocalFunction } from '../../../local/lambda-runtime.ts';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

const fn = (logicalId: string, entry: string, environment: Record<string, string>, timeoutSeconds = 5): LocalFunction => ({
  logicalId,
  functionName: `local-${logicalId}`,
  entry: fixture(entry),
  environment: { AWS_LAMBDA_FUNCTION_NAME: `local-${logicalId}`, ...environment },
  timeoutSeconds,
});

describe('local Lambda runtime', () => {
  let runtime: LambdaRuntime | undefined;
  const lines: string[] = [];
  const start = (functions: LocalFunction[], idleTimeoutSeconds?: number) => {
    runtime = createLambdaRuntime({
      functions,
      region: 'eu-west-3',
      accountId: '000000000000',
      output: (name, line) => lines.push(`${name}: ${line}`),
      ...(idleTimeoutSeconds !== undefined ? { idleTimeoutSeconds } : {}),
    });
    return runtime;
  };

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    lines.length = 0;
  });

  it('gives each function the environment its template declares, read once at cold start', async () => {
    const lambda = start([fn('Hello', 'echo-handler.ts', { GREETING: 'bonjour' }), fn('Salam', 'echo-handler.ts', { GREETING: 'salam' })]);

    const [fr, ma] = await Promise.all([lambda.invoke('Hello', {}), lambda.invoke('Salam', {})]);
    const again = await lambda.invoke('Hello', {});

    expect(fr).toMatchObject({ greeting: 'bonjour', invocations: 1, lambdaName: 'local-Hello', functionName: 'local-Hello' });
    expect(ma).toMatchObject({ greeting: 'salam', invocations: 1 });
    // The same warm container served the second invocation.
    expect(again).toMatchObject({ greeting: 'bonjour', invocations: 2 });
    expect(process.env.GREETING).toBeUndefined();
  });

  it('passes a Lambda context and the event as JSON', async () => {
    const lambda = start([fn('Echo', 'echo-handler.ts', {}, 3)]);

    const result = (await lambda.invoke('Echo', { when: new Date(0), n: 1 }, { requestId: 'req-1' })) as Record<string, unknown>;

    expect(result.requestId).toBe('req-1');
    expect(result.event).toEqual({ when: '1970-01-01T00:00:00.000Z', n: 1 });
    expect(result.remainingMs).toBeGreaterThan(2000);
    expect(result.remainingMs).toBeLessThanOrEqual(3000);
  });

  it('reports a thrown error with its name, which Retry and Catch match', async () => {
    const lambda = start([fn('Echo', 'echo-handler.ts', {})]);

    const error = await lambda.invoke('Echo', { action: 'throw' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LambdaFunctionError);
    expect(error).toMatchObject({ name: 'TransientError', message: 'table throttled' });
    // The container survives a handled error.
    await expect(lambda.invoke('Echo', {})).resolves.toMatchObject({ invocations: 2 });
  });

  it('stops an invocation at the function timeout and starts the next one in a fresh container', async () => {
    const lambda = start([fn('Slow', 'echo-handler.ts', {}, 1)]);
    await lambda.invoke('Slow', {});

    const error = await lambda.invoke('Slow', { action: 'sleep', ms: 5000 }).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'Sandbox.Timedout' });
    expect((error as Error).message).toContain('Task timed out after 1.00 seconds');
    await expect(lambda.invoke('Slow', {})).resolves.toMatchObject({ invocations: 1 });
  });

  it('fails the invocation when the module fails at cold start, and retries the init next time', async () => {
    const lambda = start([fn('Broken', 'broken-handler.ts', {})]);

    await expect(lambda.invoke('Broken', {})).rejects.toThrow('TABLE_NAME must be set');
    await expect(lambda.invoke('Broken', {})).rejects.toThrow('TABLE_NAME must be set');
  });

  it('reports a container that exits during an invocation', async () => {
    const lambda = start([fn('Echo', 'echo-handler.ts', {})]);

    await expect(lambda.invoke('Echo', { action: 'exit' })).rejects.toMatchObject({ name: 'Runtime.ExitError' });
    await expect(lambda.invoke('Echo', {})).resolves.toMatchObject({ invocations: 1 });
  });

  it('serves concurrent invocations in separate containers', async () => {
    const lambda = start([fn('Slow', 'echo-handler.ts', {})]);
    await lambda.invoke('Slow', {}); // one warm container

    const results = await Promise.all([lambda.invoke('Slow', { action: 'sleep', ms: 300 }), lambda.invoke('Slow', { action: 'sleep', ms: 300 })]);

    // The warm one counts its second invocation; the other is a cold start.
    expect(results.map((r) => (r as { invocations: number }).invocations).sort()).toEqual([1, 2]);
  });

  it('terminates the containers left idle past the idle timeout; the next invocation is a cold start', async () => {
    const lambda = start([fn('Echo', 'echo-handler.ts', {}), fn('Other', 'echo-handler.ts', {})], 0.3);
    const burst = [lambda.invoke('Echo', {}), lambda.invoke('Echo', {}), lambda.invoke('Other', {})];
    // Each concurrent invocation got a container of its own.
    expect(lambda.containerCount('Echo')).toBe(2);
    expect(lambda.containerCount()).toBe(3);
    await Promise.all(burst);

    await until(() => lambda.containerCount() === 0);

    await expect(lambda.invoke('Echo', {})).resolves.toMatchObject({ invocations: 1 });
    expect(lambda.containerCount('Echo')).toBe(1);
  });

  it('never reaps a container while it serves an invocation longer than the idle timeout', async () => {
    const lambda = start([fn('Slow', 'echo-handler.ts', {})], 0.2);
    await lambda.invoke('Slow', {});

    // Busy for three idle timeouts: it must answer, from the same (warm) container.
    await expect(lambda.invoke('Slow', { action: 'sleep', ms: 600 })).resolves.toMatchObject({ invocations: 2 });
    expect(lambda.containerCount('Slow')).toBe(1);
  });

  it('refuses an unknown function', async () => {
    const lambda = start([]);
    await expect(lambda.invoke('Nope', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

/** Polls until the condition holds (at most 10 s: a loaded machine is slow, a broken reaper never gets there). */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 25) {
    if (waited > 10_000) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
