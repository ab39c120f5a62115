import { FUNCTIONS, type FunctionDeclaration, type FunctionName, type PortName } from '../catalogue/functions.ts';
import { loadConfig, type Config } from '../config/load.ts';
import type { Clock, DocumentStore, Mailer, Metrics, Repository, Signer, Workflow } from '../ports/index.ts';
import { countedRepository } from './counted-repository.ts';

/** Everything a use case may need, built from the environment. */
export interface Ports {
  repository: Repository;
  mailer: Mailer;
  workflow: Workflow;
  signer: Signer;
  /** The documents' bucket (`DOCUMENTS_BUCKET`). */
  documents: DocumentStore;
  /** With a repository, every status the function writes is counted (shared/adapters/counted-repository.ts). */
  metrics: Metrics;
  clock: Clock;
  config: Config;
}

/**
 * The adapter factories a function may wire. Each lives in its own module (shared/adapters/wire-*.ts)
 * and reaches its AWS client through a dynamic import: a function's bundle holds only the clients
 * of the ports it names, and loads them on first use, off the cold start.
 */
export interface AdapterFactories {
  repository: (config: Config) => Promise<Repository>;
  mailer: (config: Config) => Promise<Mailer>;
  workflow: (config: Config) => Promise<Workflow>;
  signer: (config: Config) => Signer;
  metrics: (config: Config) => Metrics;
  documents: (config: Config) => Promise<DocumentStore>;
}

/** Exactly the factories a function's declaration names: one more or one less does not compile. */
export type AdaptersOf<N extends FunctionName> = {
  [K in (typeof FUNCTIONS)[N]['ports'][number]]: AdapterFactories[K];
};

/** A port built on the first call of any of its methods; a failed build is tried again next call. */
function lazy<T extends object>(load: () => Promise<T>): T {
  let ready: Promise<T> | undefined;
  const target = () =>
    (ready ??= load().catch((error: unknown) => {
      ready = undefined;
      throw error;
    }));
  return new Proxy(Object.create(null) as T, {
    get(_unused, method) {
      // Not a thenable: `await ports.repository` must not try to call us.
      if (typeof method !== 'string' || method === 'then') return undefined;
      return async (...args: unknown[]) => {
        const port = (await target()) as Record<string, (...a: unknown[]) => unknown>;
        const fn = port[method];
        if (typeof fn !== 'function') throw new TypeError(`port has no method ${method}`);
        return fn.apply(port, args);
      };
    },
  });
}

/** Using a port this function did not wire is a bug of the handler, said plainly. */
const notWired = (name: PortName): Error => new Error(`the ${name} port is not wired in this function (its declaration in shared/catalogue/functions.ts)`);

const unwired = <T extends object>(name: PortName): T =>
  lazy<T>(async () => {
    throw notWired(name);
  });

/** Counts are kept until published: a function that did not wire metrics is told at once, not at the end. */
const unwiredMetrics = (): Metrics => {
  const fail = (): never => {
    throw notWired('metrics');
  };
  return { count: fail, publish: async () => fail() };
};

/** One set of ports per function: a container runs one handler, a test process may import several. */
const built = new Map<FunctionName, Ports>();

/**
 * The real adapters of function `name`, once per container: call at module scope, so that a
 * missing variable fails the cold start. What the declaration implies is required too: the state
 * machine's ARN for a function that starts executions, the public base URL for one that emails
 * links, the bucket for one that keeps documents. AWS endpoints come from the SDK's own
 * `AWS_ENDPOINT_URL_*` variables (local mode).
 */
export function wirePorts<N extends FunctionName>(name: N, adapters: AdaptersOf<N>): Ports {
  const existing = built.get(name);
  if (existing) return existing;
  const declaration: FunctionDeclaration = FUNCTIONS[name];
  const config = loadConfig({
    require: [
      ...(declaration.workflow === 'start' ? (['stateMachineArn'] as const) : []),
      ...(declaration.emailsLinks ? (['baseUrl'] as const) : []),
      ...(declaration.ports.includes('metrics') ? (['metricsNamespace'] as const) : []),
      ...(declaration.ports.includes('documents') ? (['documentsBucket'] as const) : []),
    ],
  });
  const { repository, mailer, workflow, signer, documents, metrics: metricsOf } = adapters as Partial<AdapterFactories>;
  const metrics = metricsOf ? metricsOf(config) : unwiredMetrics();
  const table = repository ? lazy(() => repository(config)) : unwired<Repository>('repository');
  const ports: Ports = {
    config,
    clock: { now: () => new Date() },
    signer: signer ? signer(config) : unwired<Signer>('signer'),
    metrics,
    repository: repository && metricsOf ? countedRepository(table, metrics) : table,
    mailer: mailer ? lazy(() => mailer(config)) : unwired<Mailer>('mailer'),
    workflow: workflow ? lazy(() => workflow(config)) : unwired<Workflow>('workflow'),
    documents: documents ? lazy(() => documents(config)) : unwired<DocumentStore>('documents'),
  };
  built.set(name, ports);
  return ports;
}

/** Tests only: forget the singletons (a test that changes the environment between imports). */
export function resetWiring(): void {
  built.clear();
}
