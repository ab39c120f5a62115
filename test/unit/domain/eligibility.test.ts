import { describe, expect, it } from 'vitest';
import { checkEligibility, cofinancingShare, isCallOpen } from '../../../shared/domain/eligibility.ts';
import type { Budget } from '../../../shared/schemas/budget.ts';
import { aBudget, budgetRules } from '../../fixtures/budget.ts';
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

describe('eligibility on a budget of cost lines and sources', () => {
  /** The joint dossier's rules: an 80 % ceiling, 10 % own share, in-kind at most half, both sides' bounds. */
  const dossierCall = aCall({
    cofinancingCeiling: 0.8,
    madPerEur: 10.8,
    minLeadShare: 0.1,
    maxInKindShare: 0.5,
    envelopes: { FR: { amount: 300_000, currency: 'EUR' }, MA: { amount: 3_240_000, currency: 'MAD' } },
    grants: budgetRules().grants,
  });
  const withBudget = (budget: Budget) => {
    const app = anApplication();
    // The totals an old reader sees; below the call's minimum grant, which only old applications are held to.
    return { ...app, budget: { totalCost: 120_000, requestedAmount: 5_000, ...budget } };
  };
  const plain = (s: string | undefined) => s?.replace(/[\u202f\u00a0]/g, ' ');

  it('holds the application to the call’s budget rules, not to the two totals’ rules', () => {
    expect(checkEligibility(withBudget(aBudget()), dossierCall)).toEqual([]);
  });

  it('gives each broken rule with its figures and a French sentence, amounts in both currencies', () => {
    const failed = checkEligibility(withBudget(aBudget({ lead: { cash: 10_000, inKind: 20_000 } })), dossierCall);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ rule: 'in-kind-share', values: { inKind: 20_000, contribution: 30_000, maxShare: 0.5, max: 15_000 } });
    expect(plain(failed[0]?.reason)).toBe(
      'La contribution en nature du porteur, 20 000 € (216 000 MAD), ne doit pas dépasser 50 % de sa contribution de 30 000 € (324 000 MAD), soit 15 000 € (162 000 MAD) au plus.',
    );
  });

  it('says the Moroccan side’s bounds in dirhams first, and keeps the other rules in their order', () => {
    const app = withBudget(aBudget({ partner: { cash: 50_000, inKind: 5_000 }, fundMA: 54_000 }));
    const failed = checkEligibility({ ...app, project: { ...app.project, durationMonths: 48 } }, dossierCall);
    expect(failed.map((f) => f.rule)).toEqual(['duration', 'grant-bounds-ma']);
    expect(plain(failed[1]?.reason)).toBe(
      'La subvention demandée au côté marocain, 54 000 MAD (5 000 €), doit être comprise entre 108 000 MAD (10 000 €) et 1 620 000 MAD (150 000 €).',
    );
  });

  it('on a call with no Moroccan side, says amounts in euros only', () => {
    const frenchOnly = aCall({ cofinancingCeiling: 0.8 });
    const failed = checkEligibility(withBudget(aBudget({ fundFR: 5_000, fundMA: 0, others: [{ name: 'Agence de l’eau', amount: 55_000 }] })), frenchOnly);
    expect(failed.map((f) => f.rule)).toEqual(['grant-bounds-fr']);
    expect(plain(failed[0]?.reason)).toBe('La subvention demandée au côté français, 5 000 €, doit être comprise entre 10 000 € et 150 000 €.');
  });
});
