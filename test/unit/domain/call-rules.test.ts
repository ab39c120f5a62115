import { describe, expect, it } from 'vitest';
import { budgetRulesOf, DEFAULT_PARTNER_CONFIRMATION_DAYS, envelopesOf, filingRulesOf } from '../../../shared/domain/call-rules.ts';
import { callSchema } from '../../../shared/schemas/call.ts';
import { aCall } from '../../fixtures/domain.ts';

const twoSided = {
  envelopes: { FR: { amount: 300_000, currency: 'EUR' }, MA: { amount: 3_240_000, currency: 'MAD' } },
  madPerEur: 10.8,
  minLeadShare: 0.1,
  maxInKindShare: 0.5,
  grants: { FR: { min: 10_000, max: 150_000 }, MA: { min: 0, max: 1_620_000 } },
  partnerConfirmationDays: 10,
  requirePartnerConfirmation: false,
};

describe('a call’s joint-dossier rules', () => {
  it('read a call written before them as a French side only, filed without the partner’s confirmation', () => {
    const call = callSchema.parse(aCall());
    expect(envelopesOf(call)).toEqual({ FR: { amount: call.envelope, currency: 'EUR' }, MA: { amount: 0, currency: 'MAD' } });
    expect(budgetRulesOf(call)).toMatchObject({ minLeadShare: 0, maxInKindShare: 1, grants: { FR: call.grant, MA: { min: 0, max: 0 } } });
    expect(filingRulesOf(call)).toEqual({ partnerConfirmationDays: DEFAULT_PARTNER_CONFIRMATION_DAYS, requirePartnerConfirmation: false });
  });

  it('ask the partner’s confirmation by default of a call with both envelopes, within the default window', () => {
    const { requirePartnerConfirmation: _, partnerConfirmationDays: __, ...rules } = twoSided;
    const call = callSchema.parse({ ...aCall({ envelope: 300_000 }), ...rules });
    expect(filingRulesOf(call)).toEqual({ partnerConfirmationDays: DEFAULT_PARTNER_CONFIRMATION_DAYS, requirePartnerConfirmation: true });
    expect(filingRulesOf(callSchema.parse({ ...aCall(), requirePartnerConfirmation: true }))).toMatchObject({ requirePartnerConfirmation: true });
  });

  it('are data on the call when it gives them', () => {
    const call = callSchema.parse({ ...aCall({ envelope: 300_000 }), ...twoSided });
    expect(envelopesOf(call).MA).toEqual({ amount: 3_240_000, currency: 'MAD' });
    expect(budgetRulesOf(call)).toEqual({
      cofinancingCeiling: call.cofinancingCeiling,
      minLeadShare: 0.1,
      maxInKindShare: 0.5,
      madPerEur: 10.8,
      grants: twoSided.grants,
    });
    expect(filingRulesOf(call)).toEqual({ partnerConfirmationDays: 10, requirePartnerConfirmation: false });
  });

  it('refuse a Moroccan side without its rate, a French envelope or bounds other than the call’s, and shares out of 0..1', () => {
    const paths = (fields: Record<string, unknown>) => {
      const r = callSchema.safeParse({ ...aCall({ envelope: 300_000 }), ...twoSided, ...fields });
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    expect(paths({ madPerEur: undefined })).toContain('madPerEur');
    expect(paths({ envelopes: { ...twoSided.envelopes, FR: { amount: 1, currency: 'EUR' } } })).toContain('envelopes.FR.amount');
    expect(paths({ envelopes: { ...twoSided.envelopes, MA: { amount: 1, currency: 'EUR' } } })).toContain('envelopes.MA.currency');
    expect(paths({ grants: { ...twoSided.grants, FR: { min: 1, max: 2 } } })).toContain('grants.FR');
    expect(paths({ minLeadShare: 1.5 })).toContain('minLeadShare');
    expect(paths({ partnerConfirmationDays: 0 })).toContain('partnerConfirmationDays');
    expect(paths({})).toEqual([]);
  });
});
