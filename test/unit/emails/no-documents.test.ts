import { describe, expect, it } from 'vitest';
import type { DraftDocument } from '../../../shared/domain/documents.ts';
import {
  changesRequestedEmail,
  decisionRequestEmail,
  escalationEmail,
  ineligibleEmail,
  receivedEmail,
  withdrawnEmail,
} from '../../../shared/emails/templates.ts';
import { anApplication } from '../use-cases/fakes.ts';

const document = (documentId: string, filename: string): DraftDocument => ({
  documentId,
  type: 'budget',
  filename,
  contentType: 'application/pdf',
  size: 4096,
  status: 'ACCEPTED',
  scan: 'clean',
  by: 'lead',
  uploadedAt: '2027-01-11T08:00:00.000Z',
});

/** What no email may carry: a document's name or key, the bucket's endpoint, a presigned link's signature. */
const FORBIDDEN = [/deliberation-conseil\.pdf/, /budget-detaille\.pdf/, /applications\/app-docs\/d[12]/, /amazonaws\.com/, /X-Amz-/i, /s3[.-]/];

describe('emails never carry a document nor a download link', () => {
  const app = anApplication({ id: 'app-docs', documents: [document('d1', 'deliberation-conseil.pdf'), document('d2', 'budget-detaille.pdf')] });
  const link = 'https://fonds.example.org/tasks/t1?sig=abc.v1';
  const tracking = 'https://fonds.example.org/applications/app-docs?token=tok';
  const emails = {
    received: receivedEmail(app, tracking),
    ineligible: ineligibleEmail(app, ['Pièce manquante : budget.'], tracking),
    withdrawn: withdrawnEmail(app, tracking),
    changes: changesRequestedEmail(app, 'Précisez le budget.', link, '2027-02-01T00:00:00.000Z', tracking),
    review: decisionRequestEmail(app, 'review', link, '2027-02-01T00:00:00.000Z', 0),
    committee: decisionRequestEmail(app, 'committee-FR', link, '2027-02-01T00:00:00.000Z', 1),
    escalation: escalationEmail(app, 'review', 2),
  };

  it.each(Object.entries(emails))('%s', (_, email) => {
    const everything = JSON.stringify(email);
    for (const pattern of FORBIDDEN) expect(everything).not.toMatch(pattern);
  });
});
