import './task-env.ts';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/check-eligibility/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import type { DraftDocument } from '../../../shared/domain/documents.ts';
import type { CallDocument } from '../../../shared/schemas/call.ts';
import { anApplication } from '../use-cases/fakes.ts';
import { applicationItem, callItem } from './task-env.ts';

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => {
  ddb.reset();
});

const REQUIRED: CallDocument[] = [
  { type: 'deliberation-fr', side: 'FR', label: { fr: 'Délibération du conseil (France)' }, formats: ['pdf'], required: true },
  { type: 'deliberation-ma', side: 'MA', label: { fr: 'Délibération du conseil (Maroc)' }, formats: ['pdf'], required: true },
  { type: 'budget', side: 'any', label: { fr: 'Budget détaillé' }, formats: ['xlsx'], required: true },
  { type: 'letters', side: 'any', label: { fr: 'Lettres' }, formats: ['pdf'], required: false },
];

const file = (type: string, status: DraftDocument['status']): DraftDocument => ({
  documentId: `doc-${type}`,
  type,
  filename: `${type}.pdf`,
  contentType: 'application/pdf',
  size: 1000,
  status,
  ...(status === 'REFUSED' ? { reason: 'threat' as const } : { scan: 'clean' as const }),
  by: 'lead',
  uploadedAt: '2027-01-10T08:00:00.000Z',
});

async function check(documents: DraftDocument[]) {
  const app = anApplication({ documents });
  ddb.onAnyCommand().resolves({});
  ddb.on(GetCommand, { Key: keys.application(app.id) }).resolves({ Item: applicationItem(app) });
  ddb.on(GetCommand, { Key: keys.call(app.callId) }).resolves({ Item: { ...callItem(), documents: REQUIRED } });
  return handler({ applicationId: app.id });
}

describe('CheckEligibility and the call’s required documents', () => {
  it('a missing and a refused required document make it INELIGIBLE, one reason per document, naming it', async () => {
    const out = await check([file('deliberation-fr', 'ACCEPTED'), file('budget', 'REFUSED')]);
    expect(out.eligible).toBe(false);
    expect(out.failedRules).toEqual(['document-missing', 'document-refused']);
    const update = ddb.commandCalls(UpdateCommand).find((c) => c.args[0].input.ExpressionAttributeValues?.[':to'] === 'INELIGIBLE');
    const stored = JSON.stringify(update?.args[0].input.ExpressionAttributeValues);
    expect(stored).toContain('Délibération du conseil (Maroc)');
    expect(stored).toContain('Budget détaillé');
    expect(stored).not.toContain('Lettres');
  });

  it('a complete dossier passes (an optional document may be missing)', async () => {
    const out = await check([file('deliberation-fr', 'ACCEPTED'), file('deliberation-ma', 'ACCEPTED'), file('budget', 'ACCEPTED')]);
    expect(out).toMatchObject({ eligible: true });
    expect(out.failedRules ?? []).toEqual([]);
  });
});
