import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { allApplications, listApplications } from '../../../admin/use-cases/applications.ts';
import { dynamoRepository } from '../../../shared/adapters/dynamodb-repository.ts';
import { gsi, keys, TABLE_SCHEMA } from '../../../shared/adapters/table-keys.ts';
import { statuses } from '../../../shared/domain/status.ts';
import { demoCall } from '../../../local/seed.ts';

/**
 * The admin listing stays fast with thousands of applications only if it reads the status
 * partition of the index, never the table: BENCHMARKS.md §4 times it, this proves its shape.
 */

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => {
  ddb.reset();
});

const call = demoCall(new Date('2027-03-01T00:00:00Z'));
const repository = () => dynamoRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-3' })), 'coopfund-test');
const app = (id: string) => ({
  ...keys.application(id),
  gsi1pk: gsi.applicationsByStatus(call.id, 'IN_REVIEW'),
  gsi1sk: `2027-03-02T10:00:00.000Z#${id}`,
  id,
  callId: call.id,
  status: 'IN_REVIEW',
  // The listing gives each side's request: a stored application always has its budget.
  budget: { totalCost: 100_000, requestedAmount: 50_000 },
});

describe('the admin listing by call and status', () => {
  it('reads a page with one Query of gsi1 on the status partition, the next page from its cursor, and never scans', async () => {
    ddb.on(GetCommand, { Key: keys.call(call.id) }).resolves({ Item: { ...keys.call(call.id), ...call, committed: 0 } });
    const last = { pk: keys.application('b').pk, sk: 'APP', gsi1pk: gsi.applicationsByStatus(call.id, 'IN_REVIEW'), gsi1sk: `2027-03-02T10:00:00.000Z#b` };
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [app('a'), app('b')], LastEvaluatedKey: last })
      .resolves({ Items: [app('c')] });

    const first = await listApplications({ repository: repository() }, { callId: call.id, status: 'IN_REVIEW', limit: 2 });
    const second = await listApplications({ repository: repository() }, { callId: call.id, status: 'IN_REVIEW', limit: 2, cursor: first.cursor! });

    expect([...first.items, ...second.items].map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(second.cursor).toBeUndefined();
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: 'coopfund-test',
      IndexName: TABLE_SCHEMA.gsi1.indexName,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `CALL#${call.id}#STATUS#IN_REVIEW` },
      Limit: 2,
    });
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 2, { IndexName: 'gsi1', ExclusiveStartKey: last, Limit: 2 });
    // A filter would read the whole partition and drop rows: the page must come from the key alone.
    for (const query of ddb.commandCalls(QueryCommand)) expect(query.args[0].input.FilterExpression).toBeUndefined();
    expect(ddb).not.toHaveReceivedCommand(ScanCommand);
  });

  it('walks every status of a call (export, purge) status partition by status partition, never with a Scan', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const seen = [];
    for await (const application of allApplications(repository(), call.id)) seen.push(application);

    expect(seen).toEqual([]);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, statuses.length);
    for (const [i, status] of statuses.entries()) {
      expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, i + 1, {
        IndexName: 'gsi1',
        ExpressionAttributeValues: { ':pk': gsi.applicationsByStatus(call.id, status) },
      });
    }
    expect(ddb).not.toHaveReceivedCommand(ScanCommand);
  });
});
