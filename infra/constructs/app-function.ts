import { resolve } from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULT_TIMEOUT_SECONDS, entryOf, FUNCTIONS, type FunctionDeclaration, type FunctionName } from '../../shared/catalogue/functions.ts';
import { ENV } from '../../shared/config/env.ts';
import { SERVICE_NAME } from '../../shared/config/metrics.ts';
import { grantDeclared, type SharedResources } from './permissions.ts';

/** The repository root: entries, the lock file and `coopfund:entry` paths are relative to it. */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** `request-review` → `RequestReview`: construct ids and state names of a function. */
export const pascal = (name: string): string => name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());

/**
 * Metadata key on every `AWS::Lambda::Function`: the handler's source, relative to the repository
 * root. The local stack loads that module instead of the bundled asset.
 */
export const ENTRY_METADATA = 'coopfund:entry';

/** What every function of a stage shares. */
export interface FunctionDefaults {
  /** Variables every function gets (names from `shared/config/env.ts`). */
  readonly environment: Record<string, string>;
  /** The stage's CloudWatch namespace, given to the functions that declare the metrics port. */
  readonly metricsNamespace: string;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

export interface AppFunctionProps {
  /** Its declaration in shared/catalogue/functions.ts; its code is `functions/<name>/handler.ts`. */
  readonly name: FunctionName;
  readonly defaults: FunctionDefaults;
  /** What the declaration may touch; each grant and variable comes from the declaration. */
  readonly resources: SharedResources;
  /** Variables of this function only, beyond the defaults and what the declaration implies. */
  readonly environment?: Record<string, string>;
}

/**
 * How every function is bundled (esbuild through `NodejsFunction`): one CommonJS file for Node 24
 * with the AWS SDK inside (its version is ours, not the runtime's), minified, with source maps.
 * CommonJS rather than ESM because it starts faster (BENCHMARKS.md §1): in an ESM bundle every
 * `node:` import is hoisted to the top and loaded before the handler runs, and `import … from
 * 'node:http'` makes Node build the module's ESM facade, which loads undici; in CommonJS they are
 * `require` calls inside the modules that need them, which the lazy ports (shared/adapters/wiring.ts)
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
  // Texts as UTF-8, not \uXXXX escapes: the Arabic catalogue is a third of its escaped size.
  charset: Charset.UTF8,
  // No keepNames (44 KB a bundle): the error classes Retry/Catch match spell their names.
  keepNames: false,
  sourceMap: true,
  // Stack traces need the mappings only; the sources would double every asset.
  sourcesContent: false,
  bundleAwsSDK: true,
  externalModules: [],
} as const satisfies BundlingOptions;

/** The Node options every function runs with (source-mapped stack traces). */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/**
 * A Lambda function built from its declaration, with the project's defaults fixed once: Node 24 on
 * ARM, a bundle with the AWS SDK inside (FUNCTION_BUNDLING), source maps, its own log group and role
 * (write access to that log group only, not `AWSLambdaBasicExecutionRole`), and exactly the grants
 * its declaration implies (infra/constructs/permissions.ts).
 *
 * X-Ray tracing is off: the functions carry no tracer (it would add the X-Ray SDK to every bundle),
 * so an active trace would record Lambda's own segments and none of the calls to DynamoDB, SES or
 * Step Functions. Counts come from the functions' EMF metrics (shared/adapters/emf-metrics.ts).
 */
export class AppFunction extends NodejsFunction {
  /** The handler's source, relative to the repository root. */
  readonly entryPath: string;
  readonly serviceRole: Role;

  /** Its declaration in shared/catalogue/functions.ts. */
  readonly declaration: FunctionDeclaration;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const entryPath = entryOf(props.name);
    const declaration: FunctionDeclaration = FUNCTIONS[props.name];
    const { defaults } = props;
    // Siblings, not children: NodejsFunction needs them before its own constructor runs.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: defaults.logRetention,
      removalPolicy: defaults.logRemovalPolicy,
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
      description: `coopfund ${props.name}: ${declaration.description}`.slice(0, 256),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(declaration.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      tracing: Tracing.DISABLED,
      logGroup,
      role,
      environment: {
        ...defaults.environment,
        ...props.environment,
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        ...(declaration.ports.includes('metrics') ? { [ENV.metricsNamespace]: defaults.metricsNamespace } : {}),
      },
      // A copy: NodejsFunction takes mutable arrays.
      bundling: { ...FUNCTION_BUNDLING, mainFields: [...FUNCTION_BUNDLING.mainFields], externalModules: [] },
    });
    this.entryPath = entryPath;
    this.serviceRole = role;
    this.declaration = declaration;
    grantDeclared(this, props.resources);
    (this.node.defaultChild as CfnFunction).addMetadata(ENTRY_METADATA, entryPath);
  }
}
