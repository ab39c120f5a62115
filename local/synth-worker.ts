import { parentPort, workerData } from 'node:worker_threads';
import { buildApp } from '../infra/app-builder.ts';

/**
 * Synthesizes the CDK app in a worker thread and posts the stacks' templates back. The CDK holds
 * a few hundred MB of code and heap that `npm start` never needs again: when this thread ends,
 * they go with it. Same options as `synthesizeTemplate` (local/template.ts): no bundling, no cdk-nag.
 */
const { stage, context } = workerData as { stage: string; context: Record<string, unknown> };
const { app } = buildApp({ stage, context, bundling: false, nag: false });
parentPort?.postMessage(app.synth().stacks.map((s) => s.template as object));
