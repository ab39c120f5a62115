import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '../../shared/adapters/table-keys.ts';
import { ensureTable } from '../../local/services.ts';

type Dynalite = (options: { path?: string; createTableMs?: number }) => Server;

export const REGION = 'eu-west-3';

export interface CountingDynalite {
  url: string;
  /** Requests by operation (`Query`, `Scan`, `PutItem`…) since the last reset. */
  operations(): Record<string, number>;
  reset(): void;
  createTable(tableName: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * dynalite on disk under `dataDir` (as the local stack runs it), counting the operations it
 * receives by their `X-Amz-Target`, without touching the requests.
 */
export async function startCountingDynalite(dataDir: string): Promise<CountingDynalite> {
  const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;
  const server = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let counts: Record<string, number> = {};
  server.on('request', (req: { headers: Record<string, string | string[] | undefined> }) => {
    const op =
      String(req.headers['x-amz-target'] ?? '?')
        .split('.')
        .pop() ?? '?';
    counts[op] = (counts[op] ?? 0) + 1;
  });
  return {
    url,
    operations: () => ({ ...counts }),
    reset: () => {
      counts = {};
    },
    createTable: async (tableName) => {
      await ensureTable(url, REGION, tableDefinition(tableName));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The project's table (keys and index as table-keys.ts declares them), on demand. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, gsi1 } = TABLE_SCHEMA;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [partitionKey, sortKey, gsi1.partitionKey, gsi1.sortKey].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: gsi1.indexName,
        KeySchema: [
          { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}
