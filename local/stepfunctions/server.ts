import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine, HistoryEvent } from './engine.ts';
import { isSfnServiceError } from './errors.ts';

/**
 * Step Functions' JSON 1.0 protocol over the local engine, for the SDK's `endpoint` /
 * `AWS_ENDPOINT_URL_SFN`: `POST /`, `X-Amz-Target: AWSStepFunctions.<Operation>`,
 * `Content-Type: application/x-amz-json-1.0`; timestamps as epoch seconds; errors as status 400
 * `{"__type": "com.amazonaws.swf.service.v2.model#<Name>", "message": …}`. Signatures are not
 * checked: the local stack's clients sign with dummy credentials.
 */

export interface SfnServer {
  /** `http://<host>:<port>` */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Same as close (the local stack's service shape). */
  stop(): Promise<void>;
}

/**
 * The state machine as DescribeStateMachine tells it (the service's member names). The engine gives
 * the ARN and the definition; the rest comes from the template (`stateMachineInfoOf` in local/stack.ts)
 * or defaults to what the service answers for a Standard machine created without those settings.
 */
export interface StateMachineInfo {
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: Date;
  loggingConfiguration: {
    level: 'ALL' | 'ERROR' | 'FATAL' | 'OFF';
    includeExecutionData: boolean;
    destinations?: Array<{ cloudWatchLogsLogGroup?: { logGroupArn?: string } }>;
  };
  tracingConfiguration: { enabled: boolean };
}

export interface SfnServerOptions {
  port?: number;
  host?: string;
  stateMachine?: Partial<StateMachineInfo>;
}

const ERROR_NAMESPACE = 'com.amazonaws.swf.service.v2.model#';
const MAX_BODY = 1024 * 1024;

/** The state machine of the endpoint: what the engine runs and how it was declared. */
interface Machine extends StateMachineInfo {
  stateMachineArn: string;
  name: string;
  definition: string;
}

type Operation = (engine: Engine, body: Record<string, unknown>, machine: Machine) => Promise<unknown>;

const str = (body: Record<string, unknown>, key: string, required = true): string | undefined => {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw validation(`1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof v !== 'string') throw validation(`Value at '${key}' must be a string`);
  return v;
};
const num = (body: Record<string, unknown>, key: string): number | undefined => (typeof body[key] === 'number' ? (body[key] as number) : undefined);

class ProtocolError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}
const validation = (message: string) => new ProtocolError('ValidationException', message);

/** Dates become epoch seconds, as the protocol carries them; undefined members are left out. */
function wire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(wire);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, wire(v)]),
    );
  }
  return value;
}

function machineOf(engine: Engine, info: Partial<StateMachineInfo> = {}): Machine {
  const arn = engine.stateMachineArn;
  const account = arn.split(':')[4] ?? '000000000000';
  const name = arn.slice(arn.lastIndexOf(':') + 1);
  return {
    stateMachineArn: arn,
    name,
    definition: JSON.stringify(engine.definition),
    roleArn: info.roleArn ?? `arn:aws:iam::${account}:role/${name}Role`,
    type: info.type ?? 'STANDARD',
    creationDate: info.creationDate ?? new Date(),
    loggingConfiguration: info.loggingConfiguration ?? { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: info.tracingConfiguration ?? { enabled: false },
  };
}

/** The machine named by `stateMachineArn`, as the service checks it: InvalidArn, then StateMachineDoesNotExist. */
function machineNamed(body: Record<string, unknown>, machine: Machine): Machine {
  const arn = str(body, 'stateMachineArn') as string;
  if (!arn.startsWith('arn:')) throw new ProtocolError('InvalidArn', `Invalid Arn: '${arn}'`);
  if (arn !== machine.stateMachineArn) throw new ProtocolError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  return machine;
}

const operations: Record<string, Operation> = {
  async DescribeStateMachine(_engine, body, machine) {
    const m = machineNamed(body, machine);
    return { ...m, status: 'ACTIVE', encryptionConfiguration: { type: 'AWS_OWNED_KEY' } };
  },
  async ListStateMachines(_engine, body, machine) {
    num(body, 'maxResults');
    str(body, 'nextToken', false);
    const { stateMachineArn, name, type, creationDate } = machine;
    return { stateMachines: [{ stateMachineArn, name, type, creationDate }] };
  },
  async DescribeStateMachineForExecution(engine, body, machine) {
    // ExecutionDoesNotExist (or InvalidArn) from the engine, as the service answers them.
    await engine.describeExecution(str(body, 'executionArn') as string);
    const { stateMachineArn, name, definition, roleArn, creationDate, loggingConfiguration, tracingConfiguration } = machine;
    return {
      stateMachineArn,
      name,
      definition,
      roleArn,
      updateDate: creationDate,
      loggingConfiguration,
      tracingConfiguration,
      encryptionConfiguration: { type: 'AWS_OWNED_KEY' },
    };
  },
  async StartExecution(engine, body) {
    const arn = str(body, 'stateMachineArn') as string;
    if (arn !== engine.stateMachineArn) {
      throw new ProtocolError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    }
    const name = str(body, 'name', false);
    return engine.startExecution({ ...(name !== undefined ? { name } : {}), input: str(body, 'input', false) ?? '{}' });
  },
  async DescribeExecution(engine, body) {
    const d = await engine.describeExecution(str(body, 'executionArn') as string);
    return {
      ...d,
      inputDetails: { included: true },
      ...(d.output !== undefined ? { outputDetails: { included: true } } : {}),
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    };
  },
  async GetExecutionHistory(engine, body) {
    const maxResults = num(body, 'maxResults');
    const nextToken = str(body, 'nextToken', false);
    const { events, nextToken: next } = await engine.getExecutionHistory(str(body, 'executionArn') as string, {
      ...(maxResults !== undefined ? { maxResults } : {}),
      ...(nextToken !== undefined ? { nextToken } : {}),
      reverseOrder: body.reverseOrder === true,
      includeExecutionData: body.includeExecutionData !== false,
    });
    return { events: events as HistoryEvent[], ...(next ? { nextToken: next } : {}) };
  },
  async ListExecutions(engine, body) {
    const arn = str(body, 'stateMachineArn', false);
    if (arn !== undefined && arn !== engine.stateMachineArn) {
      throw new ProtocolError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    }
    const statusFilter = str(body, 'statusFilter', false);
    const maxResults = num(body, 'maxResults');
    const nextToken = str(body, 'nextToken', false);
    return engine.listExecutions({
      ...(statusFilter ? { statusFilter: statusFilter as never } : {}),
      ...(maxResults !== undefined ? { maxResults } : {}),
      ...(nextToken !== undefined ? { nextToken } : {}),
    });
  },
  async SendTaskSuccess(engine, body) {
    await engine.sendTaskSuccess(str(body, 'taskToken') as string, str(body, 'output') as string);
    return {};
  },
  async SendTaskFailure(engine, body) {
    await engine.sendTaskFailure(str(body, 'taskToken') as string, str(body, 'error', false), str(body, 'cause', false));
    return {};
  },
  async SendTaskHeartbeat(engine, body) {
    await engine.sendTaskHeartbeat(str(body, 'taskToken') as string);
    return {};
  },
  async StopExecution(engine, body) {
    const error = str(body, 'error', false);
    const cause = str(body, 'cause', false);
    return engine.stopExecution(str(body, 'executionArn') as string, {
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    });
  },
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw validation('Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(engine: Engine, machine: Machine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const send = (status: number, payload: unknown) => {
    const body = JSON.stringify(payload);
    res.writeHead(status, {
      'Content-Type': 'application/x-amz-json-1.0',
      'Content-Length': Buffer.byteLength(body),
      'x-amzn-RequestId': requestId,
    });
    res.end(body);
  };
  try {
    if (req.method !== 'POST') throw new ProtocolError('UnknownOperationException', 'Only POST / is served', 404);
    const target = String(req.headers['x-amz-target'] ?? '');
    const [service, operation = ''] = target.split('.');
    const op = operations[operation];
    if (service !== 'AWSStepFunctions' || !op) {
      throw new ProtocolError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
    }
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new ProtocolError('SerializationException', 'Request body is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ProtocolError('SerializationException', 'Request body must be a JSON object');
    }
    send(200, wire(await op(engine, body as Record<string, unknown>, machine)));
  } catch (error) {
    if (isSfnServiceError(error)) send(400, { __type: `${ERROR_NAMESPACE}${error.name}`, message: error.message });
    else if (error instanceof ProtocolError) send(error.status, { __type: `${ERROR_NAMESPACE}${error.type}`, message: error.message });
    else send(500, { __type: `${ERROR_NAMESPACE}InternalFailure`, message: (error as Error)?.message ?? String(error) });
  }
}

/** Serves the engine; `port` 0 picks a free one. */
export async function startSfnServer(engine: Engine, options: SfnServerOptions = {}): Promise<SfnServer> {
  const host = options.host ?? '127.0.0.1';
  const machine = machineOf(engine, options.stateMachine);
  const server = createServer((req, res) => void handle(engine, machine, req, res));
  // Longer than the SDK's idle connections, so a reused connection is never closed under a request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return { url: `http://${host}:${port}`, port, close, stop: close };
}
