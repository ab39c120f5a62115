import { loadConfig, signingSecret, type Config, type LoadConfigOptions } from '../config/load.ts';
import { hmacSigner } from '../links/signing.ts';
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

type AsyncPort = object;

/**
 * A port whose adapter (and AWS client) is built on the first call of any of its methods. A
 * function that never sends an email never loads, let alone builds, the SES client: the bundle
 * keeps it, but module evaluation and client set-up stay off the cold start.
 */
function lazy<T extends AsyncPort>(load: () => Promise<T>): T {
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

let ports: Ports | undefined;

/**
 * The real adapters, once per container: call at module scope, so a missing variable fails the
 * cold start. `require` names optional settings this function needs (e.g. `stateMachineArn`).
 * AWS endpoints come from the SDK's own `AWS_ENDPOINT_URL_*` variables (local mode).
 */
export function realPorts(options: Pick<LoadConfigOptions, 'require'> = {}): Ports {
  const config = loadConfig(options);
  if (ports) return ports;
  ports = {
    config,
    clock: { now: () => new Date() },
    signer: hmacSigner(() => signingSecret()),
    repository: lazy(async () => {
      const [{ DynamoDBClient }, { DynamoDBDocumentClient }, { dynamoRepository }] = await Promise.all([
        import('@aws-sdk/client-dynamodb'),
        import('@aws-sdk/lib-dynamodb'),
        import('./dynamodb-repository.ts'),
      ]);
      const client = new DynamoDBClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 } });
      const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
      return dynamoRepository(doc, config.tableName);
    }),
    mailer: lazy(async () => {
      const [{ SESClient }, { sesMailer }] = await Promise.all([import('@aws-sdk/client-ses'), import('./ses-mailer.ts')]);
      return sesMailer(new SESClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 } }), config.senderEmail);
    }),
    workflow: lazy(async () => {
      const [{ SFNClient }, { sfnWorkflow }] = await Promise.all([import('@aws-sdk/client-sfn'), import('./sfn-workflow.ts')]);
      return sfnWorkflow(new SFNClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 } }), config.stateMachineArn);
    }),
  };
  return ports;
}

/** Tests only: forget the singletons (a test that changes the environment between imports). */
export function resetRealPorts(): void {
  ports = undefined;
}
