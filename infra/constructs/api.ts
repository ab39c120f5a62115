import { Aws, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  type RequestValidator,
  type IResource,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/env.ts';
import type { StageConfig } from '../config.ts';
import { type ApiFunctionName, AppFunction, type FunctionDefaults } from './app-function.ts';
import { type FunctionNeeds, grantNeeds, type SharedResources } from './permissions.ts';
import { Waf } from './waf.ts';

/**
 * The access log line. Only path-level fields: the query string carries tracking tokens and link
 * signatures, and `resourcePath` is the route template, so no id or token is ever logged.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  errorType: '$context.error.responseType',
} as const;

/**
 * The headers of API Gateway's own answers (unknown route, throttled, too large, integration
 * failure), static values in API Gateway's quoting. A static value cannot hold a quote, hence
 * `sandbox` as the policy: a JSON error needs no more, and nothing it holds can run.
 */
export const GATEWAY_SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': "'nosniff'",
  'Content-Security-Policy': "'sandbox'",
  'X-Frame-Options': "'DENY'",
  'Referrer-Policy': "'no-referrer'",
  'Strict-Transport-Security': "'max-age=63072000; includeSubDomains'",
  'Cache-Control': "'no-store'",
};

export interface ApiProps {
  readonly config: StageConfig;
  readonly defaults: FunctionDefaults;
}

export interface ApiRoutesProps {
  readonly resources: SharedResources;
  /** The workflow that `POST /applications` starts and `POST /tasks/{taskId}` resumes. */
  readonly stateMachine: IStateMachine;
}

const needs: Record<ApiFunctionName, FunctionNeeds> = {
  health: {},
  'list-calls': { table: 'read' },
  'submit-application': { table: 'readWrite', signs: true },
  'track-application': { table: 'read', signs: true },
  'show-task': { table: 'read', signs: true },
  'decide-task': { table: 'readWrite', signs: true },
  'show-form': { table: 'read' },
};

/**
 * The public REST API: Lambda proxy routes, JSON access logs without query strings, stage
 * throttling, tracing, and a WAF when the stage enables it.
 *
 * Built in two steps: the API first, so that the workflow's emails can link to `url`; then
 * `addRoutes`, once the state machine their handlers start exists.
 */
export class Api extends Construct {
  readonly restApi: RestApi;
  /**
   * The API's base URL, no trailing slash. Built from the API id and the literal stage name rather
   * than `restApi.url`, which references the deployment stage: the deployment depends on every
   * route's function, which would make the workflow functions (and the state machine the routes
   * start) a dependency cycle.
   */
  readonly url: string;
  /** Set by `addRoutes`. */
  functions?: Record<ApiFunctionName, AppFunction>;
  private readonly defaults: FunctionDefaults;
  private readonly stageConfig: StageConfig;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config } = props;
    this.defaults = props.defaults;
    this.stageConfig = config;

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.defaults.logRetention,
      removalPolicy: props.defaults.logRemovalPolicy,
    });
    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: `coopfund-${config.stage}`,
      description: 'coopfund: applications to the Franco-Moroccan decentralised cooperation fund',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: config.stage,
        tracingEnabled: true,
        throttlingRateLimit: config.apiRateLimit,
        throttlingBurstLimit: config.apiBurstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    // One output, the stack's own ApiUrl: drop the RestApi's default `Endpoint` output.
    this.restApi.node.tryRemoveChild('Endpoint');
    this.url = `https://${this.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${config.stage}`;

    // API Gateway's own errors in the contract's shape; an unknown route is a 404, not its 403.
    // They carry the security headers our functions add to every answer (GATEWAY_SECURITY_HEADERS).
    this.restApi.addGatewayResponse('UnknownRoute', {
      type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      responseHeaders: GATEWAY_SECURITY_HEADERS,
      templates: { 'application/json': '{"error":"NOT_FOUND","message":"Not found"}' },
    });
    for (const [id, type] of [
      ['Default4xx', ResponseType.DEFAULT_4XX],
      ['Default5xx', ResponseType.DEFAULT_5XX],
    ] as const) {
      this.restApi.addGatewayResponse(id, {
        type,
        responseHeaders: GATEWAY_SECURITY_HEADERS,
        templates: { 'application/json': '{"error":"$context.error.responseType","message":$context.error.messageString}' },
      });
    }

    const stage = this.restApi.deploymentStage;
    if (config.wafEnabled) {
      new Waf(this, 'Waf', { stageArn: stage.stageArn, name: `coopfund-${config.stage}` });
    } else {
      Validations.of(stage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason: `WAF is off for the ${config.stage} stage by configuration (wafEnabled=false); the stage is throttled.`,
      });
    }
    Validations.of(stage).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason:
        'Execution logging is off on purpose: it needs an account-wide CloudWatch role and at INFO it records query strings (signed tokens). The JSON access log records every request without them.',
    });
  }

  /** Creates the API's functions and their routes. Call once. */
  addRoutes(props: ApiRoutesProps): Record<ApiFunctionName, AppFunction> {
    if (this.functions) throw new Error('Api.addRoutes may only be called once');
    const { baseUrl } = this.stageConfig;
    const fn = (name: ApiFunctionName, id: string, environment: Record<string, string> = {}) => {
      const f = new AppFunction(this, id, {
        ...this.defaults,
        environment: {
          ...this.defaults.environment,
          // Only a configured URL: see `url`. Without one the handlers derive it from the request.
          ...(baseUrl && { [ENV.baseUrl]: baseUrl }),
          ...environment,
        },
        name,
      });
      grantNeeds(f, needs[name], props.resources);
      return f;
    };
    const functions = {
      health: fn('health', 'Health'),
      'list-calls': fn('list-calls', 'ListCalls'),
      'submit-application': fn('submit-application', 'SubmitApplication', {
        [ENV.stateMachineArn]: props.stateMachine.stateMachineArn,
      }),
      'track-application': fn('track-application', 'TrackApplication'),
      'show-task': fn('show-task', 'ShowTask'),
      'decide-task': fn('decide-task', 'DecideTask'),
      'show-form': fn('show-form', 'ShowForm'),
    } satisfies Record<ApiFunctionName, AppFunction>;
    this.functions = functions;
    props.stateMachine.grantStartExecution(functions['submit-application']);
    props.stateMachine.grantTaskResponse(functions['decide-task']);

    const validator = this.restApi.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const root = this.restApi.root;
    const applications = root.addResource('applications');
    const application = applications.addResource('{id}');
    const task = root.addResource('tasks').addResource('{taskId}');

    this.route(root.addResource('health'), 'GET', functions.health);
    this.route(root.addResource('calls'), 'GET', functions['list-calls']);
    // No body model: the handler's zod schema answers with field-level issues in the contract's
    // error shape, and a non-JSON body must reach it to get its 415.
    this.route(applications, 'POST', functions['submit-application'], validator);
    this.route(application, 'GET', functions['track-application'], validator, 'id');
    // Mail scanners GET and HEAD every link: both only render (show-task never writes).
    this.route(task, 'GET', functions['show-task'], validator, 'taskId');
    this.route(task, 'HEAD', functions['show-task'], validator, 'taskId');
    this.route(task, 'POST', functions['decide-task'], validator, 'taskId');
    // The application form and its one script (the page's style is inline, allowed by hash).
    this.route(root, 'GET', functions['show-form']);
    this.route(root.addResource('assets').addResource('{asset}'), 'GET', functions['show-form'], validator, 'asset');
    return functions;
  }

  private route(resource: IResource, verb: string, handler: AppFunction, validator?: RequestValidator, pathParam?: string): Method {
    const method = resource.addMethod(verb, new LambdaIntegration(handler, { allowTestInvoke: false }), {
      ...(validator && { requestValidator: validator }),
      ...(pathParam && { requestParameters: { [`method.request.path.${pathParam}`]: true } }),
    });
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Public by design: applicants have no account; tracking and decision pages are guarded by HMAC-signed links checked in the handler.',
    });
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'No user pool: applicants, reviewers and co-chairs act through signed, single-use links.',
    });
    return method;
  }
}
