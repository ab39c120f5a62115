import { loadConfig, type Config, type LoadConfigOptions } from '../config/load.ts';
import type { Clock, Mailer, Repository, Signer, Workflow } from '../ports/index.ts';

/** Everything a use case may need, built from the environment. */
export interface Ports {
  repository: Repository;
  mailer: Mailer;
  workflow: Workflow;
  signer: Signer;
  clock: Clock;
  config: Config;
}

/**
 * Which adapters a function wires. Each factory lives in its own module (shared/adapters/wire-*.ts)
 * and reaches its AWS client through a dynamic import: a function's bundle holds only the clients
 * of the ports it names, and loads them on first use, off the cold start.
 */
export interface Wiring {
  repository?: (config: Config) => Promise<Repository>;
  mailer?: (config: Config) => Promise<Mailer>;
  workflow?: (config: Config) => Promise<Workflow>;
  signer?: (config: Config) => Signer;
}

export type RealPortsOptions = Wiring & Pick<LoadConfigOptions, 'require'>;

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

/** A port this function did not wire: using it is a bug of the handler, said plainly. */
const unwired = <T extends object>(name: string): T =>
  lazy<T>(async () => {
    throw new Error(`the ${name} port is not wired in this function (realPorts options)`);
  });

/** One set of ports per wiring: a container runs one handler, a test process may import several. */
const built = new Map<string, Ports>();

/**
 * The real adapters, once per container: call at module scope, so a missing variable fails the
 * cold start. `require` names optional settings this function needs (e.g. `stateMachineArn`).
 * AWS endpoints come from the SDK's own `AWS_ENDPOINT_URL_*` variables (local mode).
 */
export function realPorts(options: RealPortsOptions = {}): Ports {
  const config = loadConfig(options);
  const { repository, mailer, workflow, signer } = options;
  const key = [repository, mailer, workflow, signer].map((factory) => factory?.name ?? '-').join('|');
  const existing = built.get(key);
  if (existing) return existing;
  const ports: Ports = {
    config,
    clock: { now: () => new Date() },
    signer: signer ? signer(config) : unwired<Signer>('signer'),
    repository: repository ? lazy(() => repository(config)) : unwired<Repository>('repository'),
    mailer: mailer ? lazy(() => mailer(config)) : unwired<Mailer>('mailer'),
    workflow: workflow ? lazy(() => workflow(config)) : unwired<Workflow>('workflow'),
  };
  built.set(key, ports);
  return ports;
}

/** Tests only: forget the singletons (a test that changes the environment between imports). */
export function resetRealPorts(): void {
  built.clear();
}
