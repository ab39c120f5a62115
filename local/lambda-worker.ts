import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { InvokeRequest, WorkerInit, WorkerMessage } from './lambda-runtime.ts';

/**
 * One local "Lambda container": a worker thread with the function's own `process.env` (given by
 * the parent), which imports the handler module once (the cold start) and then serves invocations
 * one at a time, as Lambda does. Events and results cross as JSON text, as they do in Lambda.
 */
const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('lambda-worker must run in a worker thread');

function describe(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
}

const post = (message: WorkerMessage) => port.postMessage(message);

type Handler = (event: unknown, context: Context) => unknown;

async function load(): Promise<Handler> {
  const module = (await import(pathToFileURL(init.entry).href)) as Record<string, unknown>;
  const exported = module[init.handlerExport];
  if (typeof exported !== 'function') {
    throw Object.assign(new Error(`${init.entry} does not export a function named ${init.handlerExport}`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return exported as Handler;
}

// The parent sends invocations only after `ready`; the listener is attached first all the same.
const loaded = load();
loaded.then(
  () => post({ type: 'ready' }),
  (error: unknown) => post({ type: 'init-error', error: describe(error) }),
);

port.on('message', async (request: InvokeRequest) => {
  const handler = await loaded;
  const deadline = Date.now() + init.timeoutSeconds * 1000;
  const context: Context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: init.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: init.functionArn,
    memoryLimitInMB: String(init.memorySize),
    awsRequestId: request.requestId,
    logGroupName: `/aws/lambda/${init.functionName}`,
    logStreamName: init.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const result = await handler(JSON.parse(request.event) as unknown, context);
    // Lambda serializes the result: what JSON cannot carry never reaches the caller.
    post({ type: 'result', id: request.id, ok: true, payload: JSON.stringify(result ?? null) });
  } catch (error) {
    post({ type: 'result', id: request.id, ok: false, error: describe(error) });
  }
});
