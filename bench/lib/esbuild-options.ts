import type { BuildOptions } from 'esbuild';

/**
 * The esbuild build `NodejsFunction` runs for a function's bundling options: the same mapping as
 * aws-cdk-lib's `Bundling.buildEsbuildArgs` (aws-lambda-nodejs/lib/bundling.ts, CDK 2.276), but
 * for esbuild's API instead of its CLI, plus a metafile. An option this module does not know is an
 * error: the bench must never publish figures for a bundle CDK would build differently.
 */

/** The subset of `BundlingOptions` (aws-cdk-lib/aws-lambda-nodejs) that reaches esbuild. */
export interface FunctionBundling {
  format?: 'esm' | 'cjs' | string;
  charset?: string;
  target?: string;
  mainFields?: readonly string[];
  banner?: string;
  footer?: string;
  minify?: boolean;
  keepNames?: boolean;
  sourceMap?: boolean;
  sourceMapMode?: 'default' | 'external' | 'inline' | 'both' | string;
  sourcesContent?: boolean;
  bundleAwsSDK?: boolean;
  externalModules?: readonly string[];
  nodeModules?: readonly string[];
  loader?: Readonly<Record<string, string>>;
  define?: Readonly<Record<string, string>>;
  logLevel?: string;
  tsconfig?: string;
  inject?: readonly string[];
  metafile?: boolean;
}

const known = new Set<string>([
  'format',
  'target',
  'mainFields',
  'banner',
  'footer',
  'minify',
  'keepNames',
  'sourceMap',
  'sourceMapMode',
  'sourcesContent',
  'bundleAwsSDK',
  'externalModules',
  'nodeModules',
  'loader',
  'define',
  'logLevel',
  'tsconfig',
  'inject',
  'metafile',
  'charset',
]);

export interface BundleTarget {
  /** Absolute path of the entry module. */
  entry: string;
  /** Directory the bundle goes to: `index.mjs` (ESM) or `index.js`, as CDK names it. */
  outdir: string;
  /** esbuild's working directory (CDK runs it in the project root). */
  absWorkingDir: string;
  /** `node24` for Runtime.NODEJS_24_X, when the options name no target. */
  runtimeTarget: string;
}

export function outfileName(bundling: FunctionBundling): string {
  return bundling.format === 'esm' ? 'index.mjs' : 'index.js';
}

export function esbuildOptionsFor(bundling: FunctionBundling, target: BundleTarget): BuildOptions & { metafile: true } {
  const unknown = Object.keys(bundling).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new Error(`bench/lib/esbuild-options.ts does not map the bundling option(s) ${unknown.join(', ')}: teach it what NodejsFunction does with them`);
  }
  if (bundling.sourceMap === false && bundling.sourceMapMode) throw new Error('sourceMapMode cannot be used when sourceMap is false');
  const sourceMapOn = bundling.sourceMapMode !== undefined || bundling.sourceMap === true;
  const mode = bundling.sourceMapMode ?? 'default';
  // CDK: `--external:@aws-sdk/*` unless the SDK is bundled or externals are given explicitly.
  const externals = [...(bundling.externalModules ?? (bundling.bundleAwsSDK ? [] : ['@aws-sdk/*'])), ...(bundling.nodeModules ?? [])];
  return {
    entryPoints: [target.entry],
    bundle: true,
    absWorkingDir: target.absWorkingDir,
    target: bundling.target ?? target.runtimeTarget,
    platform: 'node',
    ...(bundling.format ? { format: bundling.format as 'esm' | 'cjs' } : {}),
    outfile: `${target.outdir}/${outfileName(bundling)}`,
    ...(bundling.minify ? { minify: true } : {}),
    // CDK passes `--charset=utf8` for Charset.UTF8; esbuild's default escapes to ASCII.
    ...(bundling.charset === 'utf8' ? { charset: 'utf8' as const } : {}),
    ...(sourceMapOn ? { sourcemap: mode === 'default' ? true : (mode as 'external' | 'inline' | 'both') } : {}),
    // CDK passes `--sources-content=false` only when false; esbuild's default is true.
    ...(bundling.sourcesContent === false ? { sourcesContent: false } : {}),
    external: externals,
    ...(bundling.loader ? { loader: { ...bundling.loader } as BuildOptions['loader'] } : {}),
    ...(bundling.define ? { define: { ...bundling.define } } : {}),
    logLevel: (bundling.logLevel as BuildOptions['logLevel']) ?? 'warning',
    ...(bundling.keepNames ? { keepNames: true } : {}),
    ...(bundling.tsconfig ? { tsconfig: bundling.tsconfig } : {}),
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
    ...(bundling.footer ? { footer: { js: bundling.footer } } : {}),
    ...(bundling.mainFields ? { mainFields: [...bundling.mainFields] } : {}),
    ...(bundling.inject ? { inject: [...bundling.inject] } : {}),
    metafile: true,
    write: true,
  };
}
