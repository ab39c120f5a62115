import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { FUNCTIONS, type FunctionDeclaration, type ScheduledFunctionName, scheduledFunctionNames } from '../../shared/catalogue/functions.ts';
import { ENV } from '../../shared/config/env.ts';
import { AppFunction, type FunctionDefaults, pascal } from './app-function.ts';
import type { SharedResources } from './permissions.ts';

export interface SchedulesProps {
  readonly defaults: FunctionDefaults;
  readonly resources: SharedResources;
  /** The public base URL of the links the sweeps email. */
  readonly baseUrl: string;
}

/**
 * The scheduled functions of the catalogue (kind `scheduled`), each invoked by an EventBridge rule
 * every `schedule`. They are sweeps: each run finds in the table what is due (a deadline reminder…)
 * and does it once (sent-markers), so a late or repeated run changes nothing, and a wait of weeks or
 * years is data plus the next sweep, never an execution kept waiting. The local stack runs the same
 * rules (local/scheduler.ts).
 */
export class Schedules extends Construct {
  readonly functions: Record<ScheduledFunctionName, AppFunction>;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const entries = scheduledFunctionNames.map((name) => {
      const declaration: FunctionDeclaration = FUNCTIONS[name];
      if (!declaration.schedule) throw new Error(`scheduled function ${name} declares no schedule`);
      const fn = new AppFunction(this, `${pascal(name)}Function`, {
        name,
        defaults: props.defaults,
        resources: props.resources,
        environment: { [ENV.baseUrl]: props.baseUrl },
      });
      new Rule(this, `${pascal(name)}Schedule`, {
        description: `coopfund ${name}: ${declaration.schedule}`,
        schedule: Schedule.expression(declaration.schedule),
        // A failed run is retried twice within the hour, then left to the next period.
        targets: [new LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
      });
      return [name, fn] as const;
    });
    this.functions = Object.fromEntries(entries) as Record<ScheduledFunctionName, AppFunction>;
  }
}
