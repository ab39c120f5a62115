import { resolve } from 'node:path';
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The repository root: entries, the lock file and `coopfund:entry` paths are relative to it. */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

export const apiFunctionNames = [
  'health',
  'list-calls',
  'submit-application',
  'track-application',
  'show-task',
  'decide-task',
  'show-form',
] as const;
export const workflowFunctionNames = [
  'check-eligibility',
  'assign-reviewer',
  'request-review',
  'record-review',
  'request-changes',
  'request-committee-decision',
  'award-grant',
  'record-outcome',
  'notify-applicants',
  'notify-admins',
] as const;
export type ApiFunctionName = (typeof apiFunctionNames)[number];
export type WorkflowFunctionName = (typeof workflowFunctionNames)[number];
export type FunctionName = ApiFunctionName | WorkflowFunctionName;

/**
 * Metadata key on every `AWS::Lambda::Function`: the handler's source, relative to the repository
 * root. The local stack loads that module instead of the bundled asset.
 */
export const ENTRY_METADATA = 'coopfund:entry';

/** `functions/<name>/handler.ts`, relative to the repository root. */
export const entryOf = (name: FunctionName): string => `functions/${name}/handler.ts`;

/** What every function of a stage shares. */
export interface FunctionDefaults {
  /** Variables every function gets (names from `shared/config/env.ts`). */
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

export interface AppFunctionProps extends FunctionDefaults {
  /** The folder under `functions/` whose `handler.ts` exports `handler`. */
  readonly name: FunctionName;
  readonly description?: string;
}

/**
 * How every function is bundled (esbuild through `NodejsFunction`): one CommonJS file for Node 24
 * with the AWS SDK inside (its version is ours, not the runtime's), minified, with source maps.
 * CommonJS rather than ESM because it starts faster (BENCHMARKS.md §1): in an ESM bundle every
 * `node:` import is hoisted to the top and loaded before the handler runs, and `import … from
 * 'node:http'` makes Node build the module's ESM facade, which loads undici; in CommonJS they are
 * `require` calls inside the modules that need them, which the lazy ports (shared/adapters/ports.ts)
 * reach only on first use. Our sources stay ESM: esbuild converts them (no `import.meta`, no
 * top-level await in function code: esbuild refuses the latter, and empties the former, in CJS).
 * `npm run bench` bundles with this very object (bench/lib/esbuild-options.ts), so the sizes and
 * load times it publishes are the deployed ones.
 */
export const FUNCTION_BUNDLING = {
  format: OutputFormat.CJS,
  target: 'node24',
  // ESM builds of dependencies first: esbuild tree-shakes them, not CommonJS ones.
  mainFields: ['module', 'main'],
  minify: true,
  // Error classes set `name` from the class: Retry/Catch match on it, so names must survive.
  keepNames: true,
  sourceMap: true,
  // Stack traces need the mappings only; the sources would double every asset.
  sourcesContent: false,
  bundleAwsSDK: true,
  externalModules: [],
} as const satisfies BundlingOptions;

/** The Node options every function runs with (source-mapped stack traces). */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/**
 * A Lambda function with the project's defaults fixed once: Node 24 on ARM, a bundle with the AWS
 * SDK inside (FUNCTION_BUNDLING), source maps, active tracing, and its own log group and role
 * (write access to that log group only, not `AWSLambdaBasicExecutionRole`).
 */
export class AppFunction extends NodejsFunction {
  /** The handler's source, relative to the repository root. */
  readonly entryPath: string;
  readonly serviceRole: Role;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const entryPath = entryOf(props.name);
    // Siblings, not children: NodejsFunction needs them before its own constructor runs.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `coopfund ${props.name}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: resolve(repoRoot, entryPath),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: resolve(repoRoot, 'package-lock.json'),
      description: props.description ?? `coopfund ${props.name}`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        ...props.environment,
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: 'coopfund',
      },
      // A copy: NodejsFunction takes mutable arrays.
      bundling: { ...FUNCTION_BUNDLING, mainFields: [...FUNCTION_BUNDLING.mainFields], externalModules: [] },
    });
    this.entryPath = entryPath;
    this.serviceRole = role;
    (this.node.defaultChild as CfnFunction).addMetadata(ENTRY_METADATA, entryPath);

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions.',
    });
  }
}
