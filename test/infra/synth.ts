import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { type BuildAppOptions, buildApp, type BuiltApp } from '../../infra/app-builder.ts';

export interface Synthesized {
  built: BuiltApp;
  stateful: Template;
  stateless: Template;
  /** The raw stateless template, for walks the assertions API does not offer. */
  statelessJson: CfnTemplate;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** Synthesizes the app once, without bundling (fast) and, unless asked, without cdk-nag. */
export function synthesize(options: BuildAppOptions = {}): Synthesized {
  return inTempDir((outdir) => {
    const built = buildApp({ bundling: false, nag: false, ...options, outdir });
    const assembly = built.app.synth();
    const json = (id: string) => assembly.getStackArtifact(id).template as CfnTemplate;
    const statelessJson = json(built.stateless.artifactId);
    return {
      built,
      stateful: Template.fromJSON(json(built.stateful.artifactId)),
      stateless: Template.fromJSON(statelessJson),
      statelessJson,
    };
  });
}

/** Runs `fn` with a fresh cloud assembly folder, removed afterwards (templates are read in memory). */
export function inTempDir<T>(fn: (outdir: string) => T): T {
  const outdir = mkdtempSync(join(tmpdir(), 'coopfund-infra-'));
  try {
    return fn(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Logical id → repo-relative handler (`coopfund:entry`) of every function of the template. */
export function entriesByLogicalId(template: CfnTemplate): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::Lambda::Function') entries.set(id, String(r.Metadata?.['coopfund:entry']));
  }
  return entries;
}

/** `functions/<name>/handler.ts` → `<name>`. */
export const functionNameOf = (entry: string): string => entry.split('/')[1] ?? entry;

export const FAKE_ACCOUNT = '123456789012';
export const FAKE_REGION = 'eu-west-3';
export const fakeLambdaArn = (logicalId: string) => `arn:aws:lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:${logicalId}`;

/**
 * The state machine's definition as plain ASL: CDK writes it as an `Fn::Join` of strings,
 * `Fn::GetAtt [Fn, Arn]` and `Ref AWS::Partition`; each function becomes a placeholder ARN named
 * after its logical id.
 */
export function stateMachineDefinition(template: CfnTemplate): Record<string, any> {
  const machines = Object.values(template.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const body = machines[0]?.Properties?.DefinitionString as unknown;
  const resolve = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const p = part as Record<string, any>;
    if (p.Ref === 'AWS::Partition') return 'aws';
    if (p.Ref === 'AWS::Region') return FAKE_REGION;
    if (p.Ref === 'AWS::AccountId') return FAKE_ACCOUNT;
    if (Array.isArray(p['Fn::GetAtt']) && p['Fn::GetAtt'][1] === 'Arn') return fakeLambdaArn(p['Fn::GetAtt'][0]);
    throw new Error(`unexpected intrinsic in the definition: ${JSON.stringify(part)}`);
  };
  const text = typeof body === 'string' ? body : (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map(resolve).join('');
  return JSON.parse(text) as Record<string, any>;
}

/** Every state of a definition, those inside Parallel branches included, by name. */
export function allStates(definition: Record<string, any>): Map<string, { state: Record<string, any>; inBranch: boolean }> {
  const found = new Map<string, { state: Record<string, any>; inBranch: boolean }>();
  const walk = (states: Record<string, any>, inBranch: boolean) => {
    for (const [name, state] of Object.entries(states)) {
      if (found.has(name)) throw new Error(`state ${name} is defined twice`);
      found.set(name, { state, inBranch });
      for (const branch of (state.Branches ?? []) as Array<{ States: Record<string, any> }>) walk(branch.States, true);
    }
  };
  walk(definition.States, false);
  return found;
}
