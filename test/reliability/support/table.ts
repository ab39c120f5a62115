import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_SCHEMA } from '../../../shared/adapters/table-keys.ts';

const dynalite = createRequire(import.meta.url)('dynalite') as (options: { createTableMs?: number }) => Server;

/** Operations that change the table when they succeed. */
export const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export type Item = Record<string, unknown>;

export interface CountingTable {
  doc: DynamoDBDocumentClient;
  tableName: string;
  endpoint: string;
  /** Requests the table received, by operation, since the start or the last `resetCounts`. */
  requests(): Record<string, number>;
  /** Write requests (attempted, conditional ones that failed included): the strictest count. */
  writeAttempts(): number;
  resetCounts(): void;
  /** Every item, sorted by key: tests compare the whole table before and after. */
  scan(): Promise<Item[]>;
  stop(): Promise<void>;
}

/**
 * A real, in-memory DynamoDB (dynalite) with the project's table, which counts the requests it
 * receives by operation (the X-Amz-Target of each): "0 writes" is measured on the wire, whatever
 * client made them.
 */
export async function startCountingTable(tableName = 'coopfund-test'): Promise<CountingTable> {
  const server = dynalite({ createTableMs: 0 });
  const counts = new Map<string, number>();
  server.on('request', (req: { headers: Record<string, string | string[] | undefined> }) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-3',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const { partitionKey, sortKey, gsi1 } = TABLE_SCHEMA;
  await client.send(
    new CreateTableCommand({
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
    }),
  );
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  counts.clear();
  return {
    doc,
    tableName,
    endpoint,
    requests: () => Object.fromEntries(counts),
    writeAttempts: () => [...counts].filter(([op]) => WRITE_OPERATIONS.has(op)).reduce((sum, [, count]) => sum + count, 0),
    resetCounts: () => counts.clear(),
    scan: () => scanTable(doc, tableName),
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every item of a table, sorted by `pk`/`sk` (tests only: the application never scans). */
export async function scanTable(doc: DynamoDBDocumentClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...((out.Items ?? []) as Item[]));
    start = out.LastEvaluatedKey;
  } while (start);
  const key = (i: Item) => `${String(i.pk)}\u0000${String(i.sk)}`;
  return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
