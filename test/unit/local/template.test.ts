import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../../local/template.ts';
import { statefulStack, statelessStack } from './fixture-template.ts';

const template = () => loadTemplate([structuredClone(statefulStack), structuredClone(statelessStack)]);
const arn = (name: string) => `arn:aws:lambda:eu-west-3:000000000000:function:${name}`;

describe('loadTemplate', () => {
  it('turns the state machine definition into plain ASL, intrinsics resolved and substitutions applied', () => {
    const sm = template().stateMachine;

    expect(sm.logicalId).toBe('Machine');
    expect(sm.arn).toBe('arn:aws:states:eu-west-3:000000000000:stateMachine:Machine');
    expect(sm.definition.States.Check).toMatchObject({ Type: 'Task', Resource: arn('CheckFn') });
    expect(sm.definition.States.Ask).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSeconds: 120,
      Parameters: { FunctionName: arn('AskFn'), Payload: { 'id.$': '$.id', 'taskToken.$': '$$.Task.Token' } },
    });
    expect(sm.definition.States.Log).toMatchObject({ Parameters: { FunctionName: 'coopfund-log' } });
  });

  it('maps every Lambda reference of the definition to its function', () => {
    const { functionByResource } = template().stateMachine;

    expect(functionByResource.get(arn('CheckFn'))).toBe('CheckFn');
    expect(functionByResource.get('AskFn')).toBe('AskFn');
    expect(functionByResource.get('coopfund-log')).toBe('LogFn');
    expect(functionByResource.get(arn('coopfund-log'))).toBe('LogFn');
    expect(functionByResource.has('SubmitFn')).toBe(false);
  });

  it('lists the functions that have an entry, with their raw environment', () => {
    const { functions } = template();

    expect([...functions.keys()].sort()).toEqual(['AskFn', 'CheckFn', 'HealthFn', 'LogFn', 'SubmitFn']);
    expect(functions.get('LogFn')).toEqual({
      logicalId: 'LogFn',
      entry: 'functions/log/handler.ts',
      handlerExport: 'main',
      environment: {},
      timeoutSeconds: 30,
      memorySize: 128,
      functionName: 'coopfund-log',
      arn: arn('coopfund-log'),
    });
    expect(functions.get('SubmitFn')?.environment.STATE_MACHINE_ARN).toEqual({ Ref: 'Machine' });
  });

  it('resolves an environment with the local physical values', () => {
    const t = template();
    const env = t.resolve(t.functions.get('SubmitFn')?.environment, { Table: 'coopfund-local' });

    expect(env).toEqual({
      TABLE_NAME: 'coopfund-local',
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-3:000000000000:stateMachine:Machine',
      GREETING: 'hello from eu-west-3 to x',
      TABLE_ARN: arn('CheckFn'),
    });
    expect(t.resolve(t.functions.get('AskFn')?.environment, { Table: 't', Secret: 'arn:local:secret' })).toEqual({
      TABLE_NAME: 't',
      SIGNING_SECRET_ARN: 'arn:local:secret',
    });
    expect(() => t.resolve({ Ref: 'Nope' })).toThrow(/unknown logical id Nope/);
  });

  it('builds the routes from the API resource tree, AWS_PROXY methods only', () => {
    expect(template().routes).toEqual([
      { method: 'POST', path: '/applications', functionLogicalId: 'SubmitFn', restApiLogicalId: 'Api' },
      { method: 'GET', path: '/applications/{id}', functionLogicalId: 'CheckFn', restApiLogicalId: 'Api' },
      { method: 'GET', path: '/', functionLogicalId: 'HealthFn', restApiLogicalId: 'Api' },
    ]);
  });

  it('gives a CreateTable input without what dynalite lacks, that dynalite accepts', async () => {
    const { table } = template();
    expect(table.logicalId).toBe('Table');
    expect(table.timeToLiveAttribute).toBe('expiresAt');
    expect(Object.keys(table.createTableInput).sort()).toEqual(['AttributeDefinitions', 'BillingMode', 'GlobalSecondaryIndexes', 'KeySchema']);

    const dynalite = createRequire(import.meta.url)('dynalite') as (o: object) => import('node:http').Server;
    const server = dynalite({ createTableMs: 0 });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'eu-west-3',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    try {
      await client.send(new CreateTableCommand({ ...table.createTableInput, TableName: 'fixture' }));
      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'fixture' }));
      expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['gsi1']);
    } finally {
      client.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses a definition that invokes a function the app cannot run locally', () => {
    const stateless = structuredClone(statelessStack);
    (stateless.Resources.Machine.Properties.DefinitionString['Fn::Join'][1] as unknown[])[1] = {
      'Fn::GetAtt': ['LogRetentionFn', 'Arn'],
    };
    expect(() => loadTemplate([structuredClone(statefulStack), stateless])).toThrow(/LogRetentionFn.*coopfund:entry/);
  });

  it('accepts the definition as an object (Definition) as well', () => {
    const stateless = structuredClone(statelessStack) as unknown as { Resources: { Machine: { Properties: unknown } } };
    stateless.Resources.Machine.Properties = {
      Definition: { StartAt: 'Only', States: { Only: { Type: 'Task', Resource: { 'Fn::GetAtt': ['HealthFn', 'Arn'] }, End: true } } },
    };
    const sm = loadTemplate([structuredClone(statefulStack), stateless]).stateMachine;
    expect(sm.definition.States.Only?.Resource).toBe(arn('HealthFn'));
    expect(sm.functionByResource.get(arn('HealthFn'))).toBe('HealthFn');
  });
});
