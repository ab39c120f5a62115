import * as z from 'zod';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { notifyApplicants } from '../../shared/use-cases/notify-applicants.ts';
import { applicantTemplates } from '../../shared/workflow/contract.ts';
import { applicationId, taskHandler } from '../task-handler.ts';

/** SendReceipt / NotifyIneligible / NotifyWithdrawn / NotifyDecision: one email to both contacts. */
export const handler = taskHandler({
  name: 'notify-applicants',
  adapters: { repository: dynamodb, mailer: ses, signer: secretSigner },
  input: z.object({ applicationId, template: z.enum(applicantTemplates) }),
  run: notifyApplicants,
  summary: (out, input) => ({ template: input.template, sent: out.sent }),
});
