/**
 * A small hand-written pair of stacks in the shapes `cdk synth` produces (cross-stack exports,
 * Fn::Join definition with Fn::GetAtt and Ref AWS::Partition, DefinitionSubstitutions, an API
 * resource tree with AWS_PROXY methods), for testing the template loader without the CDK app.
 */

const entry = (path: string) => ({ 'coopfund:entry': path });
const fn = (path: string, env: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    Code: { ZipFile: 'placeholder' },
    Handler: 'index.handler',
    Runtime: 'nodejs24.x',
    Timeout: 10,
    Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] },
    Environment: { Variables: env },
    ...extra,
  },
  Metadata: entry(path),
});
const proxy = (fnId: string) => ({
  Type: 'AWS_PROXY',
  IntegrationHttpMethod: 'POST',
  Uri: {
    'Fn::Join': [
      '',
      ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:eu-west-3:lambda:path/2015-03-31/functions/', { 'Fn::GetAtt': [fnId, 'Arn'] }, '/invocations'],
    ],
  },
});

export const statefulStack = {
  Resources: {
    Table: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, KMSMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
      DeletionPolicy: 'Retain',
    },
    Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
  },
  Outputs: {
    ExportsOutputRefTable: { Value: { Ref: 'Table' }, Export: { Name: 'stateful:ExportsOutputRefTable' } },
    ExportsOutputRefSecret: { Value: { Ref: 'Secret' }, Export: { Name: 'stateful:ExportsOutputRefSecret' } },
  },
};

const tableName = { 'Fn::ImportValue': 'stateful:ExportsOutputRefTable' };

const definitionParts = [
  '{"StartAt":"Check","States":{"Check":{"Type":"Task","Resource":"',
  { 'Fn::GetAtt': ['CheckFn', 'Arn'] },
  '","ResultPath":"$.check","Next":"Ask"},"Ask":{"Type":"Task","Resource":"arn:',
  { Ref: 'AWS::Partition' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub variable, as the template holds it.
  ':states:::lambda:invoke.waitForTaskToken","TimeoutSeconds":${AskTimeout},"Parameters":{"FunctionName":"',
  { 'Fn::GetAtt': ['AskFn', 'Arn'] },
  '","Payload":{"id.$":"$.id","taskToken.$":"$$.Task.Token"}},"ResultPath":"$.answer","Next":"Log"},',
  '"Log":{"Type":"Task","Resource":"arn:',
  { Ref: 'AWS::Partition' },
  ':states:::lambda:invoke","Parameters":{"FunctionName":"',
  { Ref: 'LogFn' },
  '","Payload.$":"$"},"OutputPath":"$.Payload","End":true}}}',
];

export const statelessStack = {
  Resources: {
    FnRole: { Type: 'AWS::IAM::Role', Properties: {} },
    CheckFn: fn('functions/check/handler.ts', { TABLE_NAME: tableName }),
    AskFn: fn('functions/ask/handler.ts', { TABLE_NAME: tableName, SIGNING_SECRET_ARN: { 'Fn::ImportValue': 'stateful:ExportsOutputRefSecret' } }),
    LogFn: fn('functions/log/handler.ts', {}, { FunctionName: 'coopfund-log', Timeout: 30, Handler: 'index.main' }),
    SubmitFn: fn('functions/submit/handler.ts', {
      TABLE_NAME: tableName,
      STATE_MACHINE_ARN: { Ref: 'Machine' },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub variables, as the template holds them.
      GREETING: { 'Fn::Sub': 'hello from ${AWS::Region} to ${Name}' },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub variable.
      TABLE_ARN: { 'Fn::Sub': ['${T}', { T: { 'Fn::GetAtt': ['CheckFn', 'Arn'] } }] },
    }),
    HealthFn: fn('functions/health/handler.ts'),
    // A CDK helper function (custom resource provider): no entry, not run locally.
    LogRetentionFn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Code: { S3Bucket: 'x', S3Key: 'y' } } },
    Machine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: { 'Fn::Join': ['', definitionParts] },
        DefinitionSubstitutions: { AskTimeout: '120' },
        RoleArn: { 'Fn::GetAtt': ['FnRole', 'Arn'] },
      },
    },
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api' } },
    ApiApplications: {
      Type: 'AWS::ApiGateway::Resource',
      Properties: { ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] }, PathPart: 'applications', RestApiId: { Ref: 'Api' } },
    },
    ApiApplicationsId: {
      Type: 'AWS::ApiGateway::Resource',
      Properties: { ParentId: { Ref: 'ApiApplications' }, PathPart: '{id}', RestApiId: { Ref: 'Api' } },
    },
    ApiApplicationsPOST: {
      Type: 'AWS::ApiGateway::Method',
      Properties: { HttpMethod: 'POST', ResourceId: { Ref: 'ApiApplications' }, RestApiId: { Ref: 'Api' }, Integration: proxy('SubmitFn') },
    },
    ApiApplicationsIdGET: {
      Type: 'AWS::ApiGateway::Method',
      Properties: { HttpMethod: 'GET', ResourceId: { Ref: 'ApiApplicationsId' }, RestApiId: { Ref: 'Api' }, Integration: proxy('CheckFn') },
    },
    ApiApplicationsIdOPTIONS: {
      Type: 'AWS::ApiGateway::Method',
      Properties: { HttpMethod: 'OPTIONS', ResourceId: { Ref: 'ApiApplicationsId' }, RestApiId: { Ref: 'Api' }, Integration: { Type: 'MOCK' } },
    },
    ApiRootGET: {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        HttpMethod: 'GET',
        ResourceId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
        RestApiId: { Ref: 'Api' },
        Integration: proxy('HealthFn'),
      },
    },
  },
  Parameters: { Name: { Type: 'String', Default: 'x' } },
};
