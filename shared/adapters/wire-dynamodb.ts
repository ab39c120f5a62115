import type { Config } from '../config/load.ts';
import type { Repository } from '../ports/index.ts';

/** The repository over DynamoDB (`realPorts({ repository: dynamodb })`). */
export async function dynamodb(config: Config): Promise<Repository> {
  const [{ DynamoDBClient }, { DynamoDBDocumentClient }, { dynamoRepository }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
    import('./dynamodb-repository.ts'),
  ]);
  const client = new DynamoDBClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 } });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return dynamoRepository(doc, config.tableName);
}
