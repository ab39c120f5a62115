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
import { type ApiFunctionName, apiFunctionNames } from '../../shared/catalogue/functions.ts';
import { pathParamNames, type RouteDeclaration, ROUTES, routeNames } from '../../shared/catalogue/routes.ts';
import type { StageConfig } from '../config.ts';
import { AppFunction, type FunctionDefaults, pascal } from './app-function.ts';
import type { SharedResources } from './permissions.ts';
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
  /** With the workflow that `POST /applications` starts and `POST /tasks/{taskId}` resumes. */
  readonly resources: SharedResources & { readonly stateMachine: IStateMachine };
}

/**
 * The public REST API: Lambda proxy routes, JSON access logs without query strings, stage
 * throttling, and a WAF when the stage enables it. No X-Ray tracing, like the functions behind it.
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
        tracingEnabled: false,
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

  /**
   * Creates the API's functions (shared/catalogue/functions.ts) and their routes
   * (shared/catalogue/routes.ts): one method per declared route, its path parameters required.
   * Call once.
   */
  addRoutes(props: ApiRoutesProps): Record<ApiFunctionName, AppFunction> {
    if (this.functions) throw new Error('Api.addRoutes may only be called once');
    const { baseUrl } = this.stageConfig;
    const functions = Object.fromEntries(
      apiFunctionNames.map((name) => [
        name,
        new AppFunction(this, pascal(name), {
          name,
          defaults: this.defaults,
          resources: props.resources,
          // Only a configured URL: see `url`. Without one the handlers derive it from the request.
          environment: baseUrl ? { [ENV.baseUrl]: baseUrl } : {},
        }),
      ]),
    ) as Record<ApiFunctionName, AppFunction>;
    this.functions = functions;

    // Path parameters must be present and bodies reach the handlers, whose zod schemas answer with
    // field-level issues in the contract's error shape (no body model: a body that is not JSON
    // must reach its handler to get its 415).
    const validator = this.restApi.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    for (const name of routeNames) {
      const route: RouteDeclaration = ROUTES[name];
      const params = pathParamNames(route.path);
      const validated = params.length > 0 || route.body !== 'none';
      this.route(this.restApi.root.resourceForPath(route.path), route.method, functions[route.function], validated ? validator : undefined, params);
    }
    return functions;
  }

  private route(resource: IResource, verb: string, handler: AppFunction, validator: RequestValidator | undefined, pathParams: string[]): Method {
    const method = resource.addMethod(verb, new LambdaIntegration(handler, { allowTestInvoke: false }), {
      ...(validator && { requestValidator: validator }),
      ...(pathParams.length > 0 && {
        requestParameters: Object.fromEntries(pathParams.map((p) => [`method.request.path.${p}`, true])),
      }),
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
