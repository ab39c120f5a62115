import 'aws-sdk-client-mock-vitest/extend';

// Never reach AWS from tests: any client that escapes a mock or a local endpoint fails fast.
process.env.AWS_REGION ??= 'eu-west-3';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.CDK_DISABLE_CLI_TELEMETRY = '1';
process.env.CDK_DISABLE_VERSION_CHECK = '1';
