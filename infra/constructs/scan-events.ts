import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { type EventFunctionName, eventFunctionNames, FUNCTIONS, type FunctionDeclaration } from '../../shared/catalogue/functions.ts';
import { MALWARE_SCAN_EVENT } from '../../shared/schemas/malware-scan-event.ts';
import { AppFunction, pascal } from './app-function.ts';
import type { SchedulesProps } from './schedules.ts';
import { DOCUMENTS_PREFIX } from '../stacks/stateful-stack.ts';

/** The functions' defaults and the resources they may be granted, as the sweeps get them (no links to email). */
export type ScanEventsProps = Omit<SchedulesProps, 'baseUrl'>;

/**
 * The functions of the catalogue invoked by an AWS service's event (kind `event`). Today one:
 * `record-scan`, on GuardDuty Malware Protection's result for each object under `applications/`
 * of the documents' bucket. Its rule exists only where the bucket is scanned (the stage's
 * `malwareScan`); elsewhere the function is built but nothing invokes it. The local stack runs no
 * such rule (local/scheduler.ts runs scheduled rules only), and scans nothing.
 */
export class ScanEvents extends Construct {
  readonly functions: Record<EventFunctionName, AppFunction>;

  constructor(scope: Construct, id: string, props: ScanEventsProps) {
    super(scope, id);
    const { documents } = props.resources;
    const entries = eventFunctionNames.map((name) => {
      const declaration: FunctionDeclaration = FUNCTIONS[name];
      if (declaration.event !== 'malware-scan') throw new Error(`event function ${name} declares no event this construct knows`);
      const fn = new AppFunction(this, `${pascal(name)}Function`, { name, defaults: props.defaults, resources: props.resources });
      if (documents.scanned) {
        new Rule(this, `${pascal(name)}Rule`, {
          description: `coopfund ${name}: GuardDuty's result for each document`,
          eventPattern: {
            source: [MALWARE_SCAN_EVENT.source],
            detailType: [MALWARE_SCAN_EVENT.detailType],
            detail: { s3ObjectDetails: { bucketName: [documents.bucket.bucketName], objectKey: [{ prefix: DOCUMENTS_PREFIX }] } },
          },
          // Retried for a day (a throttled table, S3 unavailable): the record and the deletion are idempotent.
          targets: [new LambdaFunction(fn, { retryAttempts: 8, maxEventAge: Duration.hours(24) })],
        });
      }
      return [name, fn] as const;
    });
    this.functions = Object.fromEntries(entries) as Record<EventFunctionName, AppFunction>;
  }
}
