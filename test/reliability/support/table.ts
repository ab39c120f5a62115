import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scanTable, startDynaliteTable, type Item } from '../../fixtures/dynalite-table.ts';

export { scanTable, type Item };

/** Operations that change the table when they succeed. */
export const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

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
 * client made them. Counting starts once the table is ready.
 */
export async function startCountingTable(tableName = 'coopfund-test'): Promise<CountingTable> {
  const table = await startDynaliteTable(tableName, { marshallOptions: { removeUndefinedValues: true } });
  const counts = new Map<string, number>();
  table.server.on('request', (req: { headers: Record<string, string | string[] | undefined> }) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
  });
  const { doc } = table;
  return {
    doc,
    tableName,
    endpoint: table.endpoint,
    requests: () => Object.fromEntries(counts),
    writeAttempts: () => [...counts].filter(([op]) => WRITE_OPERATIONS.has(op)).reduce((sum, [, count]) => sum + count, 0),
    resetCounts: () => counts.clear(),
    scan: () => scanTable(doc, tableName),
    stop: () => table.stop(),
  };
}
