import { ENV } from '../../shared/config/env.ts';

/**
 * The environment a function finds in Lambda, with deployed-looking values: the handlers parse it
 * at cold start, so a bundle cannot even load without it. No endpoint points at AWS: anything a
 * module might call at load fails at once on a closed local port.
 */
export function functionEnvironment(functionName: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: 'eu-west-3',
    AWS_DEFAULT_REGION: 'eu-west-3',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_LAMBDA_FUNCTION_NAME: `coopfund-${functionName}`,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    POWERTOOLS_SERVICE_NAME: 'coopfund',
    [ENV.tableName]: 'coopfund-bench',
    [ENV.stateMachineArn]: 'arn:aws:states:eu-west-3:000000000000:stateMachine:coopfund-bench',
    [ENV.baseUrl]: 'https://coopfund.example.org',
    [ENV.senderEmail]: 'no-reply@coopfund.example.org',
    [ENV.adminEmails]: 'admins@coopfund.example.org',
    [ENV.signingSecretArn]: 'arn:aws:secretsmanager:eu-west-3:000000000000:secret:coopfund-signing-AbCdEf',
    [ENV.linkTtlSeconds]: '604800',
    [ENV.metricsNamespace]: 'coopfund/bench',
    [ENV.documentsBucket]: 'coopfund-bench-documents',
    ...extra,
  };
}
