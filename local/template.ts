import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * Reads the synthesized CloudFormation of the CDK app into what the local stack needs: the table
 * to create, the functions (entry module, raw environment, timeout), the REST routes and the
 * state machine definition as plain ASL. Nothing here knows our routes, states or tables: all of
 * it comes from the template, so a resource added to the CDK app runs locally with no other change.
 *
 * Local resources get fake but well-formed physical values (ARNs in LOCAL_REGION / LOCAL_ACCOUNT),
 * the same ones in the definition, in the function environments and in the engine.
 */

export const LOCAL_REGION = 'eu-west-3';
export const LOCAL_ACCOUNT = '000000000000';
const PARTITION = 'aws';

/** One CloudFormation template (a stack), as `cdk synth` writes it. */
export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
  [other: string]: unknown;
}
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  [other: string]: unknown;
}

/** The table, ready for CreateTable once the caller picks a name. */
export interface LocalTable {
  logicalId: string;
  /** The literal TableName of the template, if it sets one. */
  templateTableName?: string;
  /** TTL, point-in-time recovery and encryption are dropped: dynalite has none of them. */
  createTableInput: Omit<CreateTableCommandInput, 'TableName'>;
  /** Informational: the TTL attribute the template declares (dynalite does not expire items). */
  timeToLiveAttribute?: string;
}

/** A bucket of the template: the local S3 serves it under a name the local stack picks. */
export interface LocalBucket {
  logicalId: string;
  /** The literal BucketName of the template, if it sets one. */
  templateBucketName?: string;
}

export interface LocalFunction {
  logicalId: string;
  /** Repo-relative handler module, from the resource's `coopfund:entry` metadata. */
  entry: string;
  /** The exported handler's name (from `Handler`, e.g. `index.handler` → `handler`). */
  handlerExport: string;
  /** The function's Environment.Variables, intrinsics unresolved: see `LocalTemplate.resolve`. */
  environment: Record<string, unknown>;
  timeoutSeconds: number;
  memorySize: number;
  /** Physical name used locally: the template's literal FunctionName, else the logical id. */
  functionName: string;
  /** Fake ARN, the one the state machine definition refers to. */
  arn: string;
}

export interface LocalRoute {
  /** Upper-case HTTP method, or `ANY`. */
  method: string;
  /** Resource path from the API root, e.g. `/applications/{id}` (`{proxy+}` kept as is). */
  path: string;
  functionLogicalId: string;
  restApiLogicalId: string;
}

export interface LocalStateMachine {
  logicalId: string;
  /** Fake ARN: arn:aws:states:<region>:<account>:stateMachine:<logicalId>. */
  arn: string;
  /** Plain ASL: every intrinsic resolved, DefinitionSubstitutions applied. */
  definition: AslDefinition;
  /** Every Lambda ARN (with and without qualifier) and function name in the definition → logical id. */
  functionByResource: Map<string, string>;
}

export type AslDefinition = { StartAt: string; States: Record<string, Record<string, unknown>>; [k: string]: unknown };

/** Physical values the local stack chose, by logical id (`Ref`) or `LogicalId.Attribute` (`Fn::GetAtt`). */
export type LocalRefs = Record<string, string>;

export interface LocalTemplate {
  /** The one table (the first, if the app ever declares several: see `tables`). */
  table: LocalTable;
  tables: LocalTable[];
  /** Every `AWS::S3::Bucket` (the documents' bucket). */
  buckets: LocalBucket[];
  functions: Map<string, LocalFunction>;
  routes: LocalRoute[];
  /** The one state machine (the first, if several: see `stateMachines`). */
  stateMachine: LocalStateMachine;
  stateMachines: LocalStateMachine[];
  /** Every resource of every stack, merged, for what the fields above do not cover. */
  resources: Record<string, CfnResource>;
  /**
   * Resolves Ref / Fn::GetAtt / Fn::Join / Fn::Sub / Fn::ImportValue / Fn::Select / Fn::Split in
   * a value (e.g. an environment variable). `refs` wins over the defaults: a function's Ref is its
   * name and its Arn a fake ARN, a state machine's Ref is its fake ARN, anything else's Ref is
   * its logical id and its Arn a fake ARN of its service. Throws on an unknown logical id.
   */
  resolve(value: unknown, refs?: LocalRefs): unknown;
}

export interface SynthesizeOptions {
  stage?: string;
  /** CDK context, e.g. `{ reviewTimeoutSeconds: 2 }`. */
  context?: Record<string, unknown>;
}

/**
 * Synthesizes the CDK app in-process (`buildApp` from infra/app-builder.ts, bundling and cdk-nag
 * off) and loads the merged templates of all its stacks. Takes a few seconds.
 */
export async function synthesizeTemplate(opts: SynthesizeOptions = {}): Promise<LocalTemplate> {
  // Imported lazily: the CDK is heavy and only this function needs it.
  const builder = (await import('../infra/app-builder.ts')) as unknown as {
    buildApp: (o: Record<string, unknown>) => unknown;
  };
  const built = (await builder.buildApp({
    stage: opts.stage ?? 'local',
    context: opts.context ?? {},
    bundling: false,
    nag: false,
  })) as unknown;
  const app = findApp(built);
  const assembly = app.synth();
  return loadTemplate(assembly.stacks.map((s) => s.template as CfnTemplate));
}

type SynthesizableApp = { synth: () => { stacks: Array<{ template: unknown }> } };
function findApp(built: unknown): SynthesizableApp {
  const isApp = (v: unknown): v is SynthesizableApp => typeof v === 'object' && v !== null && typeof (v as { synth?: unknown }).synth === 'function';
  if (isApp(built)) return built;
  const inner = (built as { app?: unknown } | null)?.app;
  if (isApp(inner)) return inner;
  throw new Error('infra/app-builder.ts: buildApp() returned neither a CDK App nor { app }');
}

/** Loads already-synthesized templates (one per stack); their resources are merged. */
export function loadTemplate(cfn: object[]): LocalTemplate {
  const resources: Record<string, CfnResource> = {};
  const exports = new Map<string, unknown>();
  const parameters: LocalRefs = {};
  for (const raw of cfn) {
    const t = raw as CfnTemplate;
    for (const [id, r] of Object.entries(t.Resources ?? {})) {
      if (resources[id]) throw new Error(`template: logical id ${id} appears in two stacks`);
      resources[id] = r;
    }
    // A parameter resolves to its default: locally nobody passes parameters.
    for (const [id, p] of Object.entries((t.Parameters ?? {}) as Record<string, { Default?: unknown }>)) {
      if (p.Default !== undefined) parameters[id] = String(p.Default);
    }
  }
  // Export names are literals in CDK output; resolve them anyway in case one is a Join.
  for (const raw of cfn) {
    for (const out of Object.values((raw as CfnTemplate).Outputs ?? {})) {
      if (out.Export) exports.set(String(resolveWith(out.Export.Name, resources, exports, parameters)), out.Value);
    }
  }
  const resolve = (value: unknown, refs: LocalRefs = {}) => resolveWith(value, resources, exports, { ...parameters, ...refs });

  const functions = new Map<string, LocalFunction>();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const entry = r.Metadata?.['coopfund:entry'];
    // CDK's own helper functions (custom resources, log retention) have no entry: not ours to run.
    if (typeof entry !== 'string') continue;
    const p = r.Properties ?? {};
    const handler = typeof p.Handler === 'string' ? p.Handler : 'index.handler';
    const env = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
    const functionName = functionNameOf(id, r);
    functions.set(id, {
      logicalId: id,
      entry,
      handlerExport: handler.slice(handler.lastIndexOf('.') + 1) || 'handler',
      environment: { ...env },
      timeoutSeconds: typeof p.Timeout === 'number' ? p.Timeout : 3,
      memorySize: typeof p.MemorySize === 'number' ? p.MemorySize : 128,
      functionName,
      arn: lambdaArn(functionName),
    });
  }
  const requireFunction = (id: string, where: string) => {
    if (!functions.has(id)) {
      throw new Error(`template: ${where} uses function ${id}, which has no "coopfund:entry" metadata`);
    }
    return id;
  };

  const tables = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::DynamoDB::GlobalTable')
    .map(([id, r]) => tableOf(id, r, resolve));
  const buckets = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::S3::Bucket')
    .map(([id, r]): LocalBucket => {
      const name = r.Properties?.BucketName;
      return { logicalId: id, ...(typeof name === 'string' ? { templateBucketName: name } : {}) };
    });
  const routes = routesOf(resources, (id, where) => requireFunction(id, where));
  const stateMachines = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')
    .map(([id, r]) => stateMachineOf(id, r, resources, resolve, requireFunction));

  return {
    get table(): LocalTable {
      const t = tables[0];
      if (!t) throw new Error('template: no AWS::DynamoDB::Table');
      return t;
    },
    tables,
    buckets,
    functions,
    routes,
    get stateMachine(): LocalStateMachine {
      const s = stateMachines[0];
      if (!s) throw new Error('template: no AWS::StepFunctions::StateMachine');
      return s;
    },
    stateMachines,
    resources,
    resolve,
  };
}

export const lambdaArn = (functionName: string) => `arn:${PARTITION}:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`;
export const stateMachineArn = (logicalId: string) => `arn:${PARTITION}:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${logicalId}`;

function functionNameOf(id: string, r: CfnResource): string {
  const name = r.Properties?.FunctionName;
  return typeof name === 'string' ? name : id;
}

/** The default physical value of `Ref` and `Fn::GetAtt` for a resource the caller did not map. */
function defaultRef(id: string, r: CfnResource): string {
  switch (r.Type) {
    case 'AWS::Lambda::Function':
      return functionNameOf(id, r);
    case 'AWS::StepFunctions::StateMachine':
      return stateMachineArn(id);
    case 'AWS::SecretsManager::Secret':
      return `arn:${PARTITION}:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${id}-local0`;
    case 'AWS::SNS::Topic':
      return `arn:${PARTITION}:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}`;
    case 'AWS::SQS::Queue':
      return `https://sqs.${LOCAL_REGION}.amazonaws.com/${LOCAL_ACCOUNT}/${id}`;
    default: {
      const literalName = Object.entries(r.Properties ?? {}).find(
        ([k, v]) => /^(TableName|BucketName|Name|TopicName|QueueName)$/.test(k) && typeof v === 'string',
      );
      return (literalName?.[1] as string | undefined) ?? id;
    }
  }
}

function defaultAtt(id: string, r: CfnResource, attr: string): string {
  if (attr === 'Arn') {
    switch (r.Type) {
      case 'AWS::Lambda::Function':
        return lambdaArn(functionNameOf(id, r));
      case 'AWS::StepFunctions::StateMachine':
        return stateMachineArn(id);
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:${PARTITION}:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${defaultRef(id, r)}`;
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SNS::Topic':
        return defaultRef(id, r);
      case 'AWS::IAM::Role':
        return `arn:${PARTITION}:iam::${LOCAL_ACCOUNT}:role/${id}`;
      default: {
        const service = r.Type.split('::')[1]?.toLowerCase() ?? 'local';
        return `arn:${PARTITION}:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}`;
      }
    }
  }
  if (attr === 'Name') return defaultRef(id, r);
  if (attr === 'RootResourceId') return `${id}-root`;
  return `${id}.${attr}`;
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': PARTITION,
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'local',
  'AWS::StackId': `arn:${PARTITION}:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/local/local`,
};

function resolveWith(value: unknown, resources: Record<string, CfnResource>, exports: Map<string, unknown>, refs: LocalRefs): unknown {
  const ref = (id: string): string => {
    if (id in refs) return refs[id] as string;
    if (id in PSEUDO) return PSEUDO[id] as string;
    const r = resources[id];
    if (!r) throw new Error(`template: Ref to unknown logical id ${id}`);
    return defaultRef(id, r);
  };
  const att = (id: string, attr: string): string => {
    const key = `${id}.${attr}`;
    if (key in refs) return refs[key] as string;
    const r = resources[id];
    if (!r) throw new Error(`template: Fn::GetAtt on unknown logical id ${id}`);
    // A caller that mapped a Lambda/state machine/secret to a physical value gets ARNs built from it.
    if (attr === 'Arn' && id in refs && r.Type === 'AWS::Lambda::Function') return lambdaArn(refs[id] as string);
    if (attr === 'Arn' && id in refs && /StateMachine|Secret|Topic/.test(r.Type)) return refs[id] as string;
    return defaultAtt(id, r, attr);
  };
  const go = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(go);
    if (typeof v !== 'object' || v === null) return v;
    const keys = Object.keys(v);
    const o = v as Record<string, unknown>;
    if (keys.length === 1) {
      const k = keys[0] as string;
      const arg = o[k];
      switch (k) {
        case 'Ref':
          return ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, ...rest] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
          return att(String(id), rest.join('.'));
        }
        case 'Fn::Join': {
          const [delim, parts] = arg as [string, unknown];
          const list = go(parts);
          if (!Array.isArray(list)) throw new Error('template: Fn::Join needs a list');
          return list.map((p) => String(p)).join(delim);
        }
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
          const resolvedVars = Object.fromEntries(Object.entries(vars ?? {}).map(([n, x]) => [n, go(x)]));
          return text.replace(/\$\{(!?)([^}]+)\}/g, (_whole, bang: string, name: string) => {
            if (bang) return `\${${name}}`;
            if (name in resolvedVars) return String(resolvedVars[name]);
            const dot = name.indexOf('.');
            return dot > 0 && !name.startsWith('AWS::') ? att(name.slice(0, dot), name.slice(dot + 1)) : ref(name);
          });
        }
        case 'Fn::ImportValue': {
          const name = String(go(arg));
          if (!exports.has(name)) throw new Error(`template: Fn::ImportValue of unknown export ${name}`);
          return go(exports.get(name));
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          const l = go(list);
          if (!Array.isArray(l)) throw new Error('template: Fn::Select needs a list');
          return l[Number(go(index))];
        }
        case 'Fn::Split': {
          const [delim, text] = arg as [string, unknown];
          return String(go(text)).split(delim);
        }
        case 'Fn::Base64':
          return Buffer.from(String(go(arg))).toString('base64');
        default:
          if (k.startsWith('Fn::')) throw new Error(`template: ${k} is not supported locally`);
      }
    }
    return Object.fromEntries(keys.map((key) => [key, go(o[key])]));
  };
  return go(value);
}

function tableOf(id: string, r: CfnResource, resolve: (v: unknown) => unknown): LocalTable {
  // Only the fields CreateTable needs: replicas, keys and the like may hold intrinsics we do not model.
  const wanted = [
    'AttributeDefinitions',
    'KeySchema',
    'BillingMode',
    'GlobalSecondaryIndexes',
    'LocalSecondaryIndexes',
    'ProvisionedThroughput',
    'TableName',
    'TimeToLiveSpecification',
  ];
  const p = Object.fromEntries(
    Object.entries(r.Properties ?? {})
      .filter(([k]) => wanted.includes(k))
      .map(([k, v]) => [k, resolve(v)]),
  );
  // GlobalTable (CDK TableV2) is always on-demand unless it says otherwise.
  const billingMode =
    (p.BillingMode as string | undefined) ?? (r.Type === 'AWS::DynamoDB::GlobalTable' || !p.ProvisionedThroughput ? 'PAY_PER_REQUEST' : 'PROVISIONED');
  const provisioned = billingMode === 'PROVISIONED';
  const throughput = (t: unknown) => (t as CreateTableCommandInput['ProvisionedThroughput']) ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
  const index = (i: Record<string, unknown>) => ({
    IndexName: i.IndexName as string,
    KeySchema: i.KeySchema as never,
    Projection: (i.Projection as never) ?? { ProjectionType: 'ALL' },
    ...(provisioned ? { ProvisionedThroughput: throughput(i.ProvisionedThroughput) } : {}),
  });
  const gsis = (p.GlobalSecondaryIndexes as Record<string, unknown>[] | undefined) ?? [];
  const lsis = (p.LocalSecondaryIndexes as Record<string, unknown>[] | undefined) ?? [];
  const input: Omit<CreateTableCommandInput, 'TableName'> = {
    AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
    BillingMode: billingMode as CreateTableCommandInput['BillingMode'],
    ...(gsis.length ? { GlobalSecondaryIndexes: gsis.map(index) } : {}),
    ...(lsis.length ? { LocalSecondaryIndexes: lsis.map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection })) as never } : {}),
    ...(provisioned ? { ProvisionedThroughput: throughput(p.ProvisionedThroughput) } : {}),
  };
  const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  return {
    logicalId: id,
    ...(typeof p.TableName === 'string' ? { templateTableName: p.TableName } : {}),
    createTableInput: input,
    ...(ttl?.Enabled !== false && ttl?.AttributeName ? { timeToLiveAttribute: ttl.AttributeName } : {}),
  };
}

/** The logical id a value points at through `Ref` or `Fn::GetAtt`, searched anywhere inside it. */
function referencedIds(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) referencedIds(v, out);
  else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if (typeof o.Ref === 'string') out.push(o.Ref);
    const att = o['Fn::GetAtt'];
    if (att !== undefined) out.push(String(Array.isArray(att) ? att[0] : String(att).split('.')[0]));
    for (const v of Object.values(o)) referencedIds(v, out);
  }
  return out;
}

function routesOf(resources: Record<string, CfnResource>, requireFunction: (id: string, where: string) => string): LocalRoute[] {
  const pathOf = (resourceId: unknown, seen = new Set<string>()): string => {
    const target = referencedIds(resourceId)[0];
    const isRoot = typeof resourceId === 'object' && resourceId !== null && 'Fn::GetAtt' in resourceId; // RootResourceId
    if (isRoot || !target) return '';
    const r = resources[target];
    if (r?.Type !== 'AWS::ApiGateway::Resource') return '';
    if (seen.has(target)) throw new Error(`template: API resource cycle at ${target}`);
    seen.add(target);
    return `${pathOf(r.Properties?.ParentId, seen)}/${String(r.Properties?.PathPart)}`;
  };
  const routes: LocalRoute[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::ApiGateway::Method') continue;
    const p = r.Properties ?? {};
    const integration = p.Integration as { Type?: string; Uri?: unknown } | undefined;
    if (integration?.Type !== 'AWS_PROXY') continue;
    const fn = referencedIds(integration.Uri).find((ref) => resources[ref]?.Type === 'AWS::Lambda::Function');
    if (!fn) throw new Error(`template: method ${id} is AWS_PROXY but its Uri names no Lambda function`);
    routes.push({
      method: String(p.HttpMethod).toUpperCase(),
      path: pathOf(p.ResourceId) || '/',
      functionLogicalId: requireFunction(fn, `route ${id}`),
      restApiLogicalId: referencedIds(p.RestApiId)[0] ?? '',
    });
  }
  return routes;
}

function stateMachineOf(
  id: string,
  r: CfnResource,
  resources: Record<string, CfnResource>,
  resolve: (v: unknown) => unknown,
  requireFunction: (id: string, where: string) => string,
): LocalStateMachine {
  const p = r.Properties ?? {};
  let text: string;
  if (p.DefinitionString !== undefined) text = String(resolve(p.DefinitionString));
  else if (p.Definition !== undefined) text = JSON.stringify(resolve(p.Definition));
  else throw new Error(`template: state machine ${id} has no inline definition (DefinitionS3Location is not supported)`);
  const substitutions = (resolve(p.DefinitionSubstitutions ?? {}) ?? {}) as Record<string, unknown>;
  // Substitutions apply inside JSON string literals; escape the values as JSON does.
  text = text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => (name in substitutions ? JSON.stringify(String(substitutions[name])).slice(1, -1) : whole));
  const definition = JSON.parse(text) as AslDefinition;

  const byName = new Map<string, string>();
  for (const [fid, fr] of Object.entries(resources)) {
    if (fr.Type === 'AWS::Lambda::Function') byName.set(functionNameOf(fid, fr), fid);
  }
  const functionByResource = new Map<string, string>();
  for (const ref of lambdaReferences(definition)) {
    const fid = byName.get(functionNameFromReference(ref));
    // An unbound function fails at load, not in the middle of an execution.
    if (!fid) throw new Error(`template: state machine ${id} invokes ${ref}, which is no function of the app`);
    requireFunction(fid, `state machine ${id}`);
    const name = functionNameOf(fid, resources[fid] as CfnResource);
    for (const key of [ref, lambdaArn(name), name]) functionByResource.set(key, fid);
  }
  return { logicalId: id, arn: stateMachineArn(id), definition, functionByResource };
}

/** Every Lambda a Task of the definition (branches and iterators included) may invoke. */
export function lambdaReferences(definition: { States?: Record<string, unknown> }): string[] {
  const out = new Set<string>();
  const walk = (states: Record<string, unknown> | undefined) => {
    for (const raw of Object.values(states ?? {})) {
      const s = raw as Record<string, unknown>;
      if (s.Type === 'Task') {
        const resource = String(s.Resource);
        if (resource.includes(':lambda:') && resource.includes(':function:')) out.add(resource);
        else if (/^arn:[^:]+:states:::lambda:invoke/.test(resource)) {
          const fn = (s.Parameters as Record<string, unknown> | undefined)?.FunctionName;
          if (typeof fn === 'string') out.add(fn);
        }
      }
      for (const b of (s.Branches as Array<{ States?: Record<string, unknown> }> | undefined) ?? []) walk(b.States);
      const inner = (s.ItemProcessor ?? s.Iterator) as { States?: Record<string, unknown> } | undefined;
      if (inner) walk(inner.States);
    }
  };
  walk(definition.States);
  return [...out];
}

/** `arn:aws:lambda:r:a:function:Name[:qualifier]`, `a:function:Name` or `Name` → `Name`. */
export function functionNameFromReference(ref: string): string {
  const m = /(?:^|:)function:([^:]+)(?::[^:]+)?$/.exec(ref);
  return m ? (m[1] as string) : ref;
}
