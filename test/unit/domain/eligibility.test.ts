import { describe, expect, it } from 'vitest';
import { checkEligibility, cofinancingShare, isCallOpen } from '../../../shared/domain/eligibility.ts';
import { aCall, anApplication } from '../../fixtures/domain.ts';

describe('eligibility rules', () => {
  it('accepts an application that meets every rule of the call', () => {
    expect(checkEligibility(anApplication(), aCall())).toEqual([]);
  });

  it('returns every failed rule at once, each with a French reason', () => {
    const app = anApplication({
      project: { ...anApplication().project, theme: 'espace', durationMonths: 48, startDate: '2027-01-01' },
      leadAuthority: { ...anApplication().leadAuthority, country: 'MA' },
      partnerAuthority: { ...anApplication().partnerAuthority, country: 'FR', kind: 'commune' },
      budget: { totalCost: 100_000, requestedAmount: 90_000 },
    });
    const failed = checkEligibility(app, aCall());
    expect(failed.map((f) => f.rule)).toEqual(['lead-french', 'partner-moroccan', 'theme', 'duration', 'cofinancing-ceiling', 'start-date']);
    expect(failed.find((f) => f.rule === 'duration')?.reason).toBe('La durée du projet (48 mois) doit être comprise entre 12 et 36 mois.');
    expect(failed.find((f) => f.rule === 'cofinancing-ceiling')?.reason).toContain('50 %');
  });

  it('applies the co-financing ceiling in whole euros, inclusive', () => {
    const atCeiling = anApplication({ budget: { totalCost: 100_001, requestedAmount: 50_000 } });
    expect(checkEligibility(atCeiling, aCall())).toEqual([]);
    const above = anApplication({ budget: { totalCost: 99_999, requestedAmount: 50_000 } });
    expect(checkEligibility(above, aCall()).map((f) => f.rule)).toEqual(['cofinancing-ceiling']);
  });

  it('refuses amounts outside the grant bounds', () => {
    const small = anApplication({ budget: { totalCost: 100_000, requestedAmount: 9_999 } });
    expect(checkEligibility(small, aCall()).map((f) => f.rule)).toEqual(['grant-bounds']);
  });

  it('requires the project to start after the call closes', () => {
    const onClosingDay = anApplication({ project: { ...anApplication().project, startDate: '2027-03-31' } });
    expect(checkEligibility(onClosingDay, aCall()).map((f) => f.rule)).toEqual(['start-date']);
  });
});

describe('call window', () => {
  it('is open from opensAt included to closesAt excluded', () => {
    const call = aCall();
    expect(isCallOpen(call, new Date('2026-12-14T23:59:59Z'))).toBe(false);
    expect(isCallOpen(call, new Date('2026-12-15T00:00:00Z'))).toBe(true);
    expect(isCallOpen(call, new Date('2027-03-31T23:59:59Z'))).toBe(false);
  });

  it('computes the co-financing share', () => {
    expect(cofinancingShare({ totalCost: 120_000, requestedAmount: 30_000 })).toBe(0.25);
  });
});
