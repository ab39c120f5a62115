import './env.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { handler as health } from '../../../functions/health/handler.ts';
import { handler as listCalls } from '../../../functions/list-calls/handler.ts';
import { apiEvent, bodyOf, lambdaContext } from '../../fixtures/api-event.ts';
import { callItem } from './items.ts';
import { NOW, sampleCall } from './samples.ts';

const ddb = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  ddb.reset();
  vi.useRealTimers();
});

describe('GET /health', () => {
  it('answers ok without touching anything', async () => {
    const res = await health(apiEvent({ method: 'GET', resource: '/health' }), lambdaContext);
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({ status: 'ok' });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('GET /calls', () => {
  it('lists the calls open now with the contract’s fields, from one Query (never a Scan)', async () => {
    const open = sampleCall();
    const later = sampleCall({ id: '2027-T2', opensAt: '2027-12-15T00:00:00.000Z', closesAt: '2028-03-31T00:00:00.000Z' });
    const past = sampleCall({ id: '2026-T1', opensAt: '2025-12-15T00:00:00.000Z', closesAt: '2026-03-31T00:00:00.000Z' });
    ddb.on(QueryCommand).resolves({
      Items: [past, open, later].map((c) => ({ ...callItem(c, 120_000), awarded: new Set(['app-1']) })),
    });
    const res = await listCalls(apiEvent({ method: 'GET', resource: '/calls' }), lambdaContext);
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({ calls: [open] });
    expect(res.body).not.toContain('committed');
    expect(res.body).not.toContain('awarded');
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'gsi1', ExpressionAttributeValues: { ':pk': 'CALLS' } });
    expect(ddb).not.toHaveReceivedCommand(ScanCommand);
  });
});
