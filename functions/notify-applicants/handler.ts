import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { realPorts } from '../../shared/adapters/ports.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { notifyApplicants } from '../../shared/use-cases/notify-applicants.ts';
import { parseTaskEvent, runTask } from '../../shared/use-cases/workflow-support.ts';
import { applicantTemplates } from '../../shared/workflow/contract.ts';

/** SendReceipt / NotifyIneligible / NotifyWithdrawn / NotifyDecision: one email to both contacts. */
const ports = realPorts({ repository: dynamodb, mailer: ses, signer: secretSigner, require: ['baseUrl'] });
const logger = new Logger({ persistentKeys: { task: 'notify-applicants' } });
const eventSchema = z.object({ applicationId: z.string().min(1), template: z.enum(applicantTemplates) });

export const handler = async (event: unknown): Promise<{ sent: boolean }> => {
  const input = parseTaskEvent(eventSchema, event);
  return runTask(logger, input.applicationId, () => notifyApplicants(ports, input), (out) => ({
    template: input.template,
    sent: out.sent,
  }));
};
