import { randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './services.ts';

/**
 * The local stack's fault switch: a small proxy in front of each AWS service the functions call
 * (DynamoDB, SES, Step Functions). Requests pass through untouched unless a rule matches, in which
 * case the proxy answers the service's own error in the service's own wire format, so the AWS SDK
 * inside the handlers sees exactly what it would see from AWS: ThrottlingException from DynamoDB,
 * `Throttling` or `MessageRejected` from SES, `ServiceUnavailable` from Step Functions… and its
 * retry logic, our error classification (shared/adapters/aws-errors.ts) and the state machine's
 * Retry/Catch all run for real.
 *
 * Only the functions go through the proxies: the stack's own seeding, the admin CLI and tests
 * reach the services directly, so a fault never hides what really got stored.
 *
 *   FAULTS='[{"service":"ses","error":"Throttling","count":4}]' npm start
 *   stack.faults.inject({ service: 'sfn', operation: 'StartExecution', error: 'ServiceUnavailable' })
 */

export const faultServices = ['dynamodb', 'ses', 'sfn'] as const;
export type FaultService = (typeof faultServices)[number];

export interface FaultRule {
  service: FaultService;
  /**
   * The operation to fail: `PutItem`, `StartExecution` (the JSON services' X-Amz-Target), or
   * `SendEmail` (SES's `Action`). Default: every operation of the service.
   */
  operation?: string;
  /** Only requests whose body contains this text (a recipient's address, an application id…). */
  match?: string;
  /** The service's error code, as the SDK names the error: `ProvisionedThroughputExceededException`… */
  error: string;
  /** HTTP status; default from the error (5xx for the services' own failures, 400 otherwise). */
  status?: number;
  message?: string;
  /** How many matching requests fail before the rule is spent. Default: all of them, until cleared. */
  count?: number;
}

export interface InjectedFault {
  readonly rule: Readonly<FaultRule>;
  /** Requests this rule failed so far. */
  readonly hits: number;
  /** Whether it will fail the next matching request. */
  readonly active: boolean;
  /** Takes the rule out now. */
  clear(): void;
}

export interface FaultSwitch {
  inject(rule: FaultRule): InjectedFault;
  /** Takes every rule out. */
  clear(): void;
  /** Requests failed so far, by `service:operation`. */
  hits(): Record<string, number>;
  /** Requests seen so far (failed or passed), by `service:operation`. */
  seen(): Record<string, number>;
}

export interface FaultProxy {
  service: FaultService;
  /** `http://127.0.0.1:<port>`: what the functions use as the service's endpoint. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Errors that are the service's own failure: answered with a 5xx, as AWS does. */
const SERVER_ERRORS: Record<string, number> = {
  InternalServerError: 500,
  InternalFailure: 500,
  ServiceUnavailable: 503,
  ServiceUnavailableException: 503,
};

/** Parses `FAULTS` (a JSON array of rules), or throws a readable message. */
export function parseFaultRules(text: string): FaultRule[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('FAULTS must be a JSON array of rules, e.g. [{"service":"ses","error":"Throttling","count":3}]');
  }
  const rules = Array.isArray(parsed) ? parsed : [parsed];
  return rules.map((rule, i) => {
    const r = rule as Partial<FaultRule> | null;
    if (!r || typeof r !== 'object') throw new Error(`FAULTS[${i}] must be an object`);
    if (!faultServices.includes(r.service as FaultService)) throw new Error(`FAULTS[${i}].service must be one of ${faultServices.join(', ')}`);
    if (typeof r.error !== 'string' || !/^[A-Za-z.]{1,100}$/.test(r.error)) throw new Error(`FAULTS[${i}].error must be an error code`);
    if (r.count !== undefined && !(Number.isInteger(r.count) && r.count > 0)) throw new Error(`FAULTS[${i}].count must be a positive whole number`);
    if (r.status !== undefined && !(Number.isInteger(r.status) && r.status >= 400 && r.status <= 599)) {
      throw new Error(`FAULTS[${i}].status must be an HTTP error status`);
    }
    return r as FaultRule;
  });
}

interface LiveRule {
  rule: FaultRule;
  hits: number;
  cleared: boolean;
}

/** The operation of a request, from its protocol: X-Amz-Target (JSON 1.0) or the form's Action (SES query). */
function operationOf(service: FaultService, req: IncomingMessage, body: Buffer): string {
  if (service === 'ses') {
    const action = new URLSearchParams(body.toString('utf8')).get('Action');
    // SES v2 is REST: its path names the operation (`/v2/email/outbound-emails` → SendEmail).
    return action ?? (req.url?.includes('/outbound-emails') ? 'SendEmail' : (req.url ?? ''));
  }
  const target = String(req.headers['x-amz-target'] ?? '');
  return target.slice(target.lastIndexOf('.') + 1);
}

/** SES's query protocol sends its fields urlencoded (`a%40b.org`): rules match the decoded text too. */
function formDecoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The error as the service itself would send it. */
export function faultResponse(service: FaultService, rule: FaultRule): { status: number; headers: Record<string, string>; body: string } {
  const status = rule.status ?? SERVER_ERRORS[rule.error] ?? 400;
  const message = rule.message ?? `${rule.error} (injected by the local fault switch)`;
  const requestId = randomUUID();
  if (service === 'ses') {
    const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const type = status >= 500 ? 'Receiver' : 'Sender';
    return {
      status,
      headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
      body: `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type><Code>${escapeXml(rule.error)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  const namespace = service === 'dynamodb' ? 'com.amazonaws.dynamodb.v20120810#' : 'com.amazonaws.swf.service.v2.model#';
  return {
    status,
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId },
    body: JSON.stringify({ __type: `${namespace}${rule.error}`, message }),
  };
}

/**
 * The switch and its proxies. `targets` are the real services' URLs; `start` opens one proxy per
 * service. Rules may be injected before or after the start.
 */
export function createFaultSwitch(initial: FaultRule[] = []): FaultSwitch & {
  start(targets: Record<FaultService, string>, host?: string): Promise<Record<FaultService, FaultProxy>>;
} {
  let rules: LiveRule[] = [];
  const hits = new Map<string, number>();
  const seen = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  const inject = (rule: FaultRule): InjectedFault => {
    const live: LiveRule = { rule: { ...rule }, hits: 0, cleared: false };
    rules.push(live);
    return {
      rule: live.rule,
      get hits() {
        return live.hits;
      },
      get active() {
        return !live.cleared && (live.rule.count === undefined || live.hits < live.rule.count);
      },
      clear() {
        live.cleared = true;
        rules = rules.filter((r) => r !== live);
      },
    };
  };
  for (const rule of initial) inject(rule);

  /** The first live rule for this request, counted as hit; spent rules are dropped. */
  const take = (service: FaultService, operation: string, body: Buffer): FaultRule | undefined => {
    const text = body.toString('utf8');
    for (const live of rules) {
      const { rule } = live;
      if (live.cleared || rule.service !== service) continue;
      if (rule.operation !== undefined && rule.operation !== operation) continue;
      if (rule.match !== undefined && !text.includes(rule.match) && !formDecoded(text).includes(rule.match)) continue;
      if (rule.count !== undefined && live.hits >= rule.count) continue;
      live.hits += 1;
      return rule;
    }
    return undefined;
  };

  const startProxy = async (service: FaultService, target: string, host: string): Promise<FaultProxy> => {
    const upstream = new URL(target);
    const agent = new Agent({ keepAlive: true });
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('error', () => res.destroy());
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const operation = operationOf(service, req, body);
        bump(seen, `${service}:${operation}`);
        const rule = take(service, operation, body);
        if (rule) {
          bump(hits, `${service}:${operation}`);
          const answer = faultResponse(service, rule);
          res.writeHead(answer.status, { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
          res.end(answer.body);
          return;
        }
        const forward = httpRequest(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: upstream.host },
            agent,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forward.on('error', () => {
          // The service itself is down: the SDK sees a dropped connection, as it would.
          res.destroy();
        });
        forward.end(body);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    return {
      service,
      url: `http://${host}:${port}`,
      port,
      async stop() {
        await closeServer(server);
        agent.destroy();
      },
    };
  };

  return {
    inject,
    clear() {
      for (const live of rules) live.cleared = true;
      rules = [];
    },
    hits: () => Object.fromEntries(hits),
    seen: () => Object.fromEntries(seen),
    async start(targets, host = '127.0.0.1') {
      const started: FaultProxy[] = [];
      try {
        for (const service of faultServices) started.push(await startProxy(service, targets[service], host));
      } catch (error) {
        await Promise.all(started.map((p) => p.stop().catch(() => undefined)));
        throw error;
      }
      return Object.fromEntries(started.map((p) => [p.service, p])) as Record<FaultService, FaultProxy>;
    },
  };
}
