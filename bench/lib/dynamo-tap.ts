import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { TABLE_SCHEMA } from '../../shared/adapters/table-keys.ts';

/**
 * A counting proxy in front of dynalite, for the cost of an application in DynamoDB units.
 *
 * The local stack starts dynalite itself (local/services.ts `require('dynalite')`) and gives its
 * URL to every function. `installDynamoTap()` replaces the module in the CommonJS cache, before
 * the stack starts, by a factory that returns this proxy in dynalite's place: the stack listens on
 * the proxy, the real dynalite listens on a free port behind it. Nothing else changes.
 *
 * Units, as DynamoDB on-demand bills them:
 * - the table's read and write units are dynalite's own `ConsumedCapacity` (asked for with
 *   `ReturnConsumedCapacity: TOTAL` on every request): 1 WRU per KB written (the larger of the old
 *   and new item), 1 RRU per 4 KB read strongly consistent, half of it eventually consistent;
 * - dynalite does not count the index: a write that adds, changes or removes an item of `gsi1`
 *   (projection ALL) is charged here 1 WRU per KB of the index entry, twice when the index key
 *   changes (the old entry is deleted, the new one put), as DynamoDB does. The item before and
 *   after each write is read directly from dynalite (not counted), one write per key at a time;
 * - a conditional write that fails still consumes its write units (1 per KB of the item).
 */

export interface TapCounts {
  requests: Record<string, number>;
  /** Read request units (table and index reads). */
  rru: number;
  /** Write request units on the table. */
  wruTable: number;
  /** Write request units on gsi1. */
  wruIndex: number;
}

export interface DynamoTap {
  /** A copy of the counters so far. */
  counts(): TapCounts;
  /** `after − before`, member by member. */
  diff(before: TapCounts, after: TapCounts): TapCounts;
}

export type AttributeMap = Record<string, Record<string, unknown>>;
type Dynalite = ((options: object) => Server) & { __coopfundTap?: true };

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const req = createRequire(import.meta.url);

export function installDynamoTap(): DynamoTap {
  const path = req.resolve('dynalite');
  const original = req('dynalite') as Dynalite;
  if (original.__coopfundTap) throw new Error('the DynamoDB tap is installed already');
  const { itemSize } = req('dynalite/db') as { itemSize: (item: AttributeMap) => number };
  const totals: TapCounts = { requests: {}, rru: 0, wruTable: 0, wruIndex: 0 };

  const factory = ((options: object) => {
    const inner = original(options);
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    let innerPort = 0;
    const locks = new Map<string, Promise<unknown>>();

    const forward = (target: string, body: string, headers: IncomingMessage['headers']) =>
      new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
        const { host: _h, 'content-length': _l, connection: _c, ...rest } = headers;
        const out = httpRequest(
          {
            host: '127.0.0.1',
            port: innerPort,
            method: 'POST',
            path: '/',
            agent,
            headers: { ...rest, 'x-amz-target': target, 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
            res.on('error', reject);
          },
        );
        out.on('error', reject);
        out.end(body);
      });

    /** The item as it is now, straight from dynalite: not counted. */
    const current = async (tableName: string, key: AttributeMap, headers: IncomingMessage['headers']): Promise<AttributeMap | undefined> => {
      const got = await forward('DynamoDB_20120810.GetItem', JSON.stringify({ TableName: tableName, Key: key, ConsistentRead: true }), headers);
      return (JSON.parse(got.body.toString('utf8')) as { Item?: AttributeMap }).Item;
    };

    const kb = (item: AttributeMap | undefined) => (item ? Math.max(1, Math.ceil(itemSize(item) / 1024)) : 0);

    const handle = async (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const target = String(request.headers['x-amz-target'] ?? '');
      const op = target.split('.').pop() ?? '?';
      totals.requests[op] = (totals.requests[op] ?? 0) + 1;
      let body = Buffer.concat(chunks).toString('utf8');
      let input: Record<string, unknown> = {};
      try {
        input = JSON.parse(body) as Record<string, unknown>;
        if (!input.ReturnConsumedCapacity || input.ReturnConsumedCapacity === 'NONE') {
          body = JSON.stringify({ ...input, ReturnConsumedCapacity: 'TOTAL' });
        }
      } catch {
        // not JSON: dynalite answers it as it would have
      }

      const tableName = String(input.TableName ?? '');
      const key = WRITES.has(op) ? keyOf(op, input) : undefined;
      const run = async () => {
        const before = key ? await current(tableName, key, request.headers) : undefined;
        const answer = await forward(target, body, request.headers);
        if (answer.status === 200) {
          const parsed = JSON.parse(answer.body.toString('utf8') || '{}') as {
            ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }>;
          };
          const consumed = [parsed.ConsumedCapacity ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
          if (WRITES.has(op) || op === 'BatchWriteItem') totals.wruTable += consumed;
          else totals.rru += consumed;
          if (key) totals.wruIndex += indexWriteUnits(before, await current(tableName, key, request.headers), kb);
        } else if (key && answer.body.includes('ConditionalCheckFailedException')) {
          totals.wruTable += Math.max(1, kb(before));
        }
        return answer;
      };
      // Writes to one item go through one at a time, so that "before" and "after" are this write's.
      let answer: Awaited<ReturnType<typeof forward>>;
      if (key) {
        const lock = JSON.stringify(key);
        const previous = locks.get(lock) ?? Promise.resolve();
        const mine = previous.then(run);
        const settled = mine.then(
          () => undefined,
          () => undefined,
        );
        locks.set(lock, settled);
        try {
          answer = await mine;
        } finally {
          if (locks.get(lock) === settled) locks.delete(lock);
        }
      } else {
        answer = await run();
      }
      const { 'content-length': _l, connection: _c, 'transfer-encoding': _t, ...headers } = answer.headers;
      response.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
      response.end(answer.body);
    };

    const proxy = createServer((request, response) => {
      handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(error) }));
      });
    });
    const listen = proxy.listen.bind(proxy) as (...args: unknown[]) => Server;
    proxy.listen = ((...args: unknown[]) => {
      inner.listen(0, '127.0.0.1', () => {
        innerPort = (inner.address() as AddressInfo).port;
        listen(...args);
      });
      return proxy;
    }) as Server['listen'];
    const close = proxy.close.bind(proxy);
    proxy.close = ((callback?: (error?: Error) => void) => {
      close(() => {
        agent.destroy();
        // dynalite's own close() also closes its LevelDB, whose lock a restart needs.
        inner.close((error?: Error) => callback?.(error));
        inner.closeAllConnections();
      });
      return proxy;
    }) as Server['close'];
    return proxy;
  }) as Dynalite;
  factory.__coopfundTap = true;
  const cached = req.cache[path];
  if (!cached) throw new Error('dynalite is not in the CommonJS cache');
  cached.exports = factory;

  return {
    counts: () => structuredClone(totals),
    diff(before, after) {
      const requests: Record<string, number> = {};
      for (const [op, n] of Object.entries(after.requests)) {
        const d = n - (before.requests[op] ?? 0);
        if (d !== 0) requests[op] = d;
      }
      return { requests, rru: after.rru - before.rru, wruTable: after.wruTable - before.wruTable, wruIndex: after.wruIndex - before.wruIndex };
    },
  };
}

/**
 * Write units a write costs on gsi1 (projection ALL), from the item before and after it: an entry
 * added or removed is one write of its size, an entry whose index key changed is a delete and a
 * put, an entry rewritten in place is one write, and an item outside the index costs nothing.
 */
export function indexWriteUnits(before: AttributeMap | undefined, after: AttributeMap | undefined, kb: (item: AttributeMap | undefined) => number): number {
  const keyOfIndex = (item: AttributeMap | undefined) => {
    const pk = item?.[TABLE_SCHEMA.gsi1.partitionKey];
    const sk = item?.[TABLE_SCHEMA.gsi1.sortKey];
    return pk && sk ? JSON.stringify([pk, sk]) : undefined;
  };
  const was = keyOfIndex(before);
  const is = keyOfIndex(after);
  if (!was && !is) return 0;
  if (was && !is) return kb(before);
  if (!was && is) return kb(after);
  if (was !== is) return kb(before) + kb(after);
  return isDeepStrictEqual(before, after) ? 0 : kb(after);
}

/** The primary key a write touches: `Key`, or the key attributes of `Item` for a put. */
function keyOf(op: string, input: Record<string, unknown>): AttributeMap | undefined {
  if (op === 'PutItem') {
    const item = input.Item as AttributeMap | undefined;
    const pk = item?.[TABLE_SCHEMA.partitionKey];
    const sk = item?.[TABLE_SCHEMA.sortKey];
    return pk && sk ? { [TABLE_SCHEMA.partitionKey]: pk, [TABLE_SCHEMA.sortKey]: sk } : undefined;
  }
  return (input.Key as AttributeMap | undefined) ?? undefined;
}
