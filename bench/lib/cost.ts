/**
 * What an application costs in AWS, from what one local run counted. Published on-demand list
 * prices of us-east-1 (no free tier, no data transfer, no CloudWatch Logs, no X-Ray, no WAF).
 */

export const PRICES = {
  region: 'us-east-1',
  /** Step Functions Standard, per state transition ($0.025 per 1,000). */
  stepFunctionsTransition: 0.025 / 1_000,
  /** Lambda arm64, per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** Lambda, per request ($0.20 per million). */
  lambdaRequest: 0.2 / 1_000_000,
  /** DynamoDB on-demand, per write request unit ($1.25 per million). */
  dynamoWru: 1.25 / 1_000_000,
  /** DynamoDB on-demand, per read request unit ($0.25 per million). */
  dynamoRru: 0.25 / 1_000_000,
  /** API Gateway REST API, per request ($3.50 per million). */
  apiRequest: 3.5 / 1_000_000,
  /** SES, per email sent to one recipient ($0.10 per 1,000). */
  sesEmail: 0.1 / 1_000,
  /** eu-west-3 (Paris) lists these services about 16 % higher. */
  euWest3Factor: 1.16,
} as const;

/** What one application used, on one path of the workflow. */
export interface Usage {
  stateTransitions: number;
  lambda: { invocations: number; billedMs: number; memoryMb: number };
  dynamo: { rru: number; wru: number };
  apiRequests: number;
  /** Recipients, summed over the emails (SES bills each recipient). */
  emails: number;
}

export interface CostLine {
  service: string;
  quantity: string;
  usd: number;
}

export function costOf(usage: Usage): { lines: CostLine[]; total: number } {
  const gbSeconds = (usage.lambda.billedMs / 1000) * (usage.lambda.memoryMb / 1024);
  const lines: CostLine[] = [
    { service: 'Step Functions (Standard)', quantity: `${usage.stateTransitions} transitions`, usd: usage.stateTransitions * PRICES.stepFunctionsTransition },
    {
      service: 'Lambda (arm64)',
      quantity: `${usage.lambda.invocations} invocations, ${gbSeconds.toFixed(3)} GB-s`,
      usd: usage.lambda.invocations * PRICES.lambdaRequest + gbSeconds * PRICES.lambdaGbSecond,
    },
    {
      service: 'DynamoDB (on-demand)',
      quantity: `${round(usage.dynamo.wru)} WRU, ${round(usage.dynamo.rru)} RRU`,
      usd: usage.dynamo.wru * PRICES.dynamoWru + usage.dynamo.rru * PRICES.dynamoRru,
    },
    { service: 'API Gateway (REST)', quantity: `${usage.apiRequests} requests`, usd: usage.apiRequests * PRICES.apiRequest },
    { service: 'SES', quantity: `${usage.emails} emails`, usd: usage.emails * PRICES.sesEmail },
  ];
  return { lines, total: lines.reduce((sum, line) => sum + line.usd, 0) };
}

/** Lambda bills each invocation's duration rounded up to the millisecond. */
export const billedMs = (durationsMs: readonly number[]): number => durationsMs.reduce((sum, d) => sum + Math.max(1, Math.ceil(d)), 0);

const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
