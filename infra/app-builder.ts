import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStageConfig, type StageConfig } from './config.ts';
import { repoRoot } from './constructs/app-function.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack } from './stacks/stateless-stack.ts';

export interface BuildAppOptions {
  /** `dev` or `prod`; else the `stage` context (`-c stage=…`), else `dev`. */
  readonly stage?: string;
  /**
   * Extra context, e.g. `{ reviewTimeoutSeconds: 5 }` for a demo. Wins over the CLI's (`-c`) and
   * cdk.json's context.
   */
  readonly context?: Record<string, unknown>;
  /**
   * Bundle the functions with esbuild (default true). Off for tests and the local stack, which
   * load the handlers' sources: `NodejsFunction` then runs no esbuild at all.
   */
  readonly bundling?: boolean;
  /** Run the cdk-nag AwsSolutions checks at synthesis (default true). */
  readonly nag?: boolean;
  /** Where `app.synth()` writes the cloud assembly; default: the CLI's, or a temporary folder. */
  readonly outdir?: string;
}

export interface BuiltApp {
  readonly app: App;
  readonly config: StageConfig;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * The coopfund CDK app: a stateful stack (table, signing key, documents bucket) and a stateless one (functions, API,
 * state machine) for one stage. Used by `infra/app.ts`, the infra tests and the local stack.
 * Throws a `ConfigError` naming any invalid setting.
 */
export function buildApp(options: BuildAppOptions = {}): BuiltApp {
  const bundling = options.bundling ?? true;
  const app = new App({
    ...(options.outdir && { outdir: options.outdir }),
    // cdk.json's context (feature flags, default stage) also applies when built in-process, so that
    // tests and the local stack see the template `cdk synth` makes. The CLI's context overrides it.
    context: cdkJsonContext(),
    // postCliContext: set after the CLI's own context, so that an explicit option always wins.
    postCliContext: {
      ...options.context,
      ...(options.stage && { stage: options.stage }),
      ...(!bundling && { [BUNDLING_STACKS]: [] }),
    },
  });
  const config = loadStageConfig(app.node.tryGetContext('stage'), (name) => app.node.tryGetContext(name), Object.keys(app.node.getAllContext()));

  const prefix = `coopfund-${config.stage}`;
  const stateful = new StatefulStack(app, `${prefix}-stateful`, {
    description: `coopfund ${config.stage}: table, signing key and documents bucket (retained)`,
    config,
  });
  const stateless = new StatelessStack(app, `${prefix}-stateless`, {
    description: `coopfund ${config.stage}: functions, REST API and workflow`,
    config,
    table: stateful.table,
    signingSecret: stateful.signingSecret,
    documents: stateful.documentsExport,
  });
  Tags.of(app).add('project', 'coopfund');
  Tags.of(app).add('stage', config.stage);

  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, config, stateful, stateless };
}

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(resolve(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}
