import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';

/**
 * The local Lambda service: every function runs in worker threads ("containers") of its own, so
 * that each one gets the `process.env` its template declares and reads it once at cold start, as
 * in Lambda (several handlers in one thread would clash on `process.env`). A container serves one
 * invocation at a time; concurrent invocations start more containers, up to `maxConcurrency`.
 * A handler that exceeds its timeout has its container terminated, as Lambda does. A container left
 * idle longer than `idleTimeoutSeconds` is terminated too, as Lambda reclaims its idle execution
 * environments: its thread and its memory go back, and the function's next invocation is a cold start.
 */

/** One function of the template, bound to its handler module. */
/**
 * A full garbage collection of this process. Node runs none while it sits idle, so the heap a
 * burst grew (the engine's, the gateway's, the store's) would stay resident; V8 also gives a
 * terminated worker's memory back only some seconds after it stops. Undefined where V8 refuses.
 */
function fullCollection(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

/** After the last container is reaped: collect once its memory is released, then once more. */
const COLLECT_AFTER_MS = [8_000, 15_000];

export interface LocalFunction {
  logicalId: string;
  /** The physical name locally (also `AWS_LAMBDA_FUNCTION_NAME`). */
  functionName: string;
  /** Absolute path of the handler module (`.ts`, run by Node's type stripping). */
  entry: string;
  /** The exported name of the handler (`handler`). */
  handlerExport?: string;
  /** The complete environment of the function (already resolved to local values). */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySize?: number;
}

/** A function error as Lambda reports it: `name` is Lambda's `errorType`, what Catch/Retry match. */
export class LambdaFunctionError extends Error {
  readonly errorType: string;
  readonly trace: string[];
  constructor(errorType: string, errorMessage: string, trace: string[] = []) {
    super(errorMessage);
    this.name = errorType;
    this.errorType = errorType;
    this.trace = trace;
  }
}

export interface LambdaRuntime {
  /** Invokes a function synchronously (RequestResponse) with a JSON event; rejects with `LambdaFunctionError`. */
  invoke(logicalId: string, event: unknown, options?: { requestId?: string }): Promise<unknown>;
  /** The containers alive now (starting, idle or busy), of one function or of all. */
  containerCount(logicalId?: string): number;
  /** Terminates every container; invocations in flight fail. */
  stop(): Promise<void>;
}

export interface LambdaRuntimeOptions {
  functions: LocalFunction[];
  region: string;
  accountId: string;
  /** Containers per function at most; further invocations wait for a free one. Default 8. */
  maxConcurrency?: number;
  /**
   * A container idle for longer than this is terminated (never one serving an invocation). Default 60 s;
   * fractions of a second are for tests.
   */
  idleTimeoutSeconds?: number;
  /** Lambda gives the init phase 10 s; a loaded laptop needs more. Default 60 s. */
  initTimeoutSeconds?: number;
  /** Where the handlers' own output (Powertools JSON lines) goes. Default: this process's stdout/stderr. */
  output?: (functionName: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** Called once per cold start (a container's handler module loaded). */
  onColdStart?: (functionName: string, initMs: number) => void;
}

// Messages between the runtime and its workers (lambda-worker.ts).
export interface WorkerInit {
  entry: string;
  handlerExport: string;
  functionName: string;
  functionArn: string;
  memorySize: number;
  timeoutSeconds: number;
  logStreamName: string;
}
export interface InvokeRequest {
  id: number;
  requestId: string;
  event: string;
}
interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: ErrorPayload }
  | { type: 'result'; id: number; ok: true; payload: string }
  | { type: 'result'; id: number; ok: false; error: ErrorPayload };

const workerUrl = new URL('./lambda-worker.ts', import.meta.url);

interface InFlight {
  id: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One worker thread: starting → idle ⇄ busy → dead. */
class Container {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  dead = false;
  /** While the container waits in its pool's idle list: what terminates it at the idle timeout. */
  idleTimer: NodeJS.Timeout | undefined;
  private inFlight: InFlight | undefined;
  private nextId = 0;
  private readonly fn: Required<Pick<LocalFunction, 'functionName' | 'timeoutSeconds'>>;
  private readonly onDeath: (c: Container) => void;

  constructor(fn: LocalFunction, init: WorkerInit, options: LambdaRuntimeOptions, onDeath: (c: Container) => void) {
    this.fn = { functionName: fn.functionName, timeoutSeconds: fn.timeoutSeconds };
    this.onDeath = onDeath;
    const startedAt = performance.now();
    this.worker = new Worker(workerUrl, {
      env: fn.environment,
      workerData: init,
      stdout: true,
      stderr: true,
      name: fn.functionName,
    });
    const output = options.output ?? defaultOutput;
    pipeLines(this.worker.stdout, (line) => output(fn.functionName, line, 'stdout'));
    pipeLines(this.worker.stderr, (line) => output(fn.functionName, line, 'stderr'));

    const initTimeoutMs = (options.initTimeoutSeconds ?? 60) * 1000;
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new LambdaFunctionError('Runtime.InitTimeout', `${fn.functionName}: init did not finish within ${initTimeoutMs / 1000} s`));
        void this.kill();
      }, initTimeoutMs);
      this.worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          options.onColdStart?.(fn.functionName, Math.round(performance.now() - startedAt));
          resolve();
        } else if (message.type === 'init-error') {
          clearTimeout(timer);
          const { errorType, errorMessage, trace } = message.error;
          reject(new LambdaFunctionError(errorType, errorMessage, trace));
          // Lambda retries the init on the next invocation, in a fresh container.
          void this.kill();
        } else {
          this.settle(message);
        }
      });
      const die = (error: LambdaFunctionError) => {
        clearTimeout(timer);
        reject(error);
        this.failInFlight(error);
        this.retire();
      };
      this.worker.on('error', (error) =>
        die(new LambdaFunctionError('Runtime.ExitError', `${fn.functionName}: ${error.name}: ${error.message}`, (error.stack ?? '').split('\n'))),
      );
      this.worker.on('exit', (code) =>
        die(new LambdaFunctionError('Runtime.ExitError', `RequestId: process exited before completing request (exit code ${code})`)),
      );
    });
    // Rejections are observed by whoever invokes; a container nobody used must not crash the process.
    this.ready.catch(() => undefined);
  }

  invoke(event: unknown, requestId: string): Promise<unknown> {
    if (this.inFlight) throw new Error('a container serves one invocation at a time');
    const id = ++this.nextId;
    let eventText: string;
    try {
      eventText = JSON.stringify(event ?? null);
    } catch (error) {
      return Promise.reject(new LambdaFunctionError('InvalidRequestContentException', `event is not JSON: ${String(error)}`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new LambdaFunctionError(
          'Sandbox.Timedout',
          `RequestId: ${requestId} Error: Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`,
        );
        this.failInFlight(error);
        // Lambda stops the runtime of a timed-out invocation; the next one gets a fresh container.
        void this.kill();
      }, this.fn.timeoutSeconds * 1000);
      this.inFlight = { id, resolve, reject, timer };
      this.worker.postMessage({ id, requestId, event: eventText } satisfies InvokeRequest);
    });
  }

  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  async kill(): Promise<void> {
    this.retire();
    await this.worker.terminate();
  }

  /** Takes the container out of its pool, once, whether it was killed or died. */
  private retire(): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.idleTimer);
    this.onDeath(this);
  }

  private settle(message: Extract<WorkerMessage, { type: 'result' }>): void {
    const flight = this.inFlight;
    if (!flight || flight.id !== message.id) return; // a late answer after a timeout
    this.inFlight = undefined;
    clearTimeout(flight.timer);
    if (message.ok) flight.resolve(JSON.parse(message.payload) as unknown);
    else flight.reject(new LambdaFunctionError(message.error.errorType, message.error.errorMessage, message.error.trace));
  }

  private failInFlight(error: Error): void {
    const flight = this.inFlight;
    if (!flight) return;
    this.inFlight = undefined;
    clearTimeout(flight.timer);
    flight.reject(error);
  }
}

interface Pool {
  fn: LocalFunction;
  containers: Set<Container>;
  idle: Container[];
  waiters: Array<(container: Container) => void>;
  coldStarts: number;
}

export function createLambdaRuntime(options: LambdaRuntimeOptions): LambdaRuntime {
  const maxConcurrency = options.maxConcurrency ?? 8;
  const idleTimeoutMs = (options.idleTimeoutSeconds ?? 60) * 1000;
  if (!(idleTimeoutMs > 0)) throw new Error(`idleTimeoutSeconds must be positive, got ${options.idleTimeoutSeconds}`);
  const pools = new Map<string, Pool>();
  for (const fn of options.functions) {
    pools.set(fn.logicalId, { fn, containers: new Set(), idle: [], waiters: [], coldStarts: 0 });
  }
  let stopped = false;

  const spawn = (pool: Pool): Container => {
    const { fn } = pool;
    pool.coldStarts += 1;
    const init: WorkerInit = {
      entry: fn.entry,
      handlerExport: fn.handlerExport ?? 'handler',
      functionName: fn.functionName,
      functionArn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${fn.functionName}`,
      memorySize: fn.memorySize ?? 128,
      timeoutSeconds: fn.timeoutSeconds,
      logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    };
    const container = new Container(fn, init, options, (dead) => {
      pool.containers.delete(dead);
      pool.idle = pool.idle.filter((c) => c !== dead);
      // Someone waits for a container and this one died: start a replacement for them.
      const waiter = pool.waiters.shift();
      if (waiter && !stopped) waiter(spawn(pool));
    });
    pool.containers.add(container);
    return container;
  };

  const acquire = (pool: Pool): Promise<Container> => {
    // The most recently used first: the others stay idle, and are reaped if the load has dropped.
    const idle = pool.idle.pop();
    if (idle) {
      clearTimeout(idle.idleTimer);
      idle.idleTimer = undefined;
      return Promise.resolve(idle);
    }
    if (pool.containers.size < maxConcurrency) return Promise.resolve(spawn(pool));
    return new Promise((resolve) => pool.waiters.push(resolve));
  };

  const release = (pool: Pool, container: Container): void => {
    if (container.dead || stopped) return;
    const waiter = pool.waiters.shift();
    if (waiter) {
      waiter(container);
      return;
    }
    pool.idle.push(container);
    // Only an idle container has this timer (acquire clears it): a busy one is never reaped.
    container.idleTimer = setTimeout(() => {
      if (container.busy || !pool.idle.includes(container)) return;
      void container.kill().then(() => {
        if (stopped || [...pools.values()].some((p) => p.containers.size > 0)) return;
        // The whole runtime is idle: give the burst's memory back, as an idle Lambda host holds none.
        const collect = fullCollection();
        for (const ms of collect ? COLLECT_AFTER_MS : []) setTimeout(collect as () => void, ms).unref();
      });
    }, idleTimeoutMs);
    // An idle container alone does not keep the process alive.
    container.idleTimer.unref();
  };

  return {
    async invoke(logicalId, event, invokeOptions = {}) {
      if (stopped) throw new LambdaFunctionError('ServiceException', 'the local Lambda runtime is stopped');
      const pool = pools.get(logicalId);
      if (!pool) throw new LambdaFunctionError('ResourceNotFoundException', `Function not found: ${logicalId}`);
      const container = await acquire(pool);
      try {
        await container.ready;
        return await container.invoke(event, invokeOptions.requestId ?? randomUUID());
      } finally {
        release(pool, container);
      }
    },
    containerCount(logicalId) {
      const counted = logicalId === undefined ? [...pools.values()] : [pools.get(logicalId)].filter((p) => p !== undefined);
      return counted.reduce((sum, pool) => sum + pool.containers.size, 0);
    },
    async stop() {
      stopped = true;
      const all = [...pools.values()].flatMap((pool) => [...pool.containers]);
      await Promise.all(all.map((c) => c.kill()));
    },
  };
}

function pipeLines(stream: Readable, onLine: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}

function defaultOutput(functionName: string, line: string, stream: 'stdout' | 'stderr'): void {
  (stream === 'stderr' ? process.stderr : process.stdout).write(`[${functionName}] ${line}\n`);
}
