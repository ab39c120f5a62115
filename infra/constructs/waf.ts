import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface WafProps {
  /** The API Gateway stage to protect. */
  readonly stageArn: string;
  /** Prefix of the web ACL's and its metrics' names. */
  readonly name: string;
  /** Requests per IP per 5 minutes before that IP is blocked. @default 1000 */
  readonly rateLimitPer5Minutes?: number;
}

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: false,
});

const managed = (name: string, priority: number, ruleActionOverrides?: CfnWebACL.RuleActionOverrideProperty[]): CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...(ruleActionOverrides && { ruleActionOverrides }) } },
  visibilityConfig: visibility(name),
});

/**
 * A regional web ACL on the API stage: AWS managed common and known-bad-input rules, the IP
 * reputation list, and a per-IP rate limit. Sampled requests are off: they would store query
 * strings (signed tokens).
 */
export class Waf extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: WafProps) {
    super(scope, id);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rules: [
        managed('AWSManagedRulesAmazonIpReputationList', 0),
        // Application bodies may exceed the common rule set's 8 KB body limit; the API refuses
        // bodies over 64 KiB itself (413), so that rule only counts.
        managed('AWSManagedRulesCommonRuleSet', 1, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
        {
          name: 'RatePerIp',
          priority: 3,
          action: { block: {} },
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.rateLimitPer5Minutes ?? 1000 } },
          visibilityConfig: visibility(`${props.name}-rate-per-ip`),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
