import { describe, expect, it } from 'vitest';
import {
  budgetRuleCodes,
  checkBudget,
  costTotal,
  eurToMad,
  isBalanced,
  LEGACY_LINE_LABEL,
  legacyBudget,
  madToEur,
  requestedEur,
  sourcesTotalEur,
} from '../../../shared/domain/budget.ts';
import { budgetSchema } from '../../../shared/schemas/budget.ts';
import { aBudget, budgetRules } from '../../fixtures/budget.ts';

const line = (amount: number) => ({ year: 1, category: 'other' as const, label: 'Dépense', amount });
const rulesBroken = (...args: Parameters<typeof checkBudget>) => checkBudget(...args).map((f) => f.rule);

describe('conversion between dirhams and euros', () => {
  it('converts at the call’s rate to the nearest whole unit', () => {
    expect(madToEur(324_000, 10.8)).toBe(30_000);
    expect(eurToMad(30_000, 10.8)).toBe(324_000);
    expect(madToEur(26, 10.8)).toBe(2); // 2.407…
    expect(eurToMad(1, 10.7532)).toBe(11); // 10.7532
    expect(madToEur(0, 10.8)).toBe(0);
  });

  it('rounds a half up, where floating point would see 7.4999…', () => {
    // 81 / 10.8 is exactly 7.5; as floats it is 7.499999999999999, which Math.round makes 7.
    expect(madToEur(81, 10.8)).toBe(8);
    expect(madToEur(297, 10.8)).toBe(28);
    expect(eurToMad(5, 10.7531)).toBe(54); // 53.7655
  });

  it('stays exact at the largest amounts the schema allows', () => {
    expect(madToEur(12_000_000_000, 10.8)).toBe(1_111_111_111);
    expect(eurToMad(1_000_000_000, 10.7532)).toBe(10_753_200_000);
  });

  it('refuses a rate that is no rate (a bug in the caller, not an applicant’s error)', () => {
    expect(() => madToEur(100, 0)).toThrow(RangeError);
    expect(() => eurToMad(100, Number.NaN)).toThrow(RangeError);
  });
});

describe('budget totals', () => {
  it('adds the lines, and every source with the Moroccan side in euros', () => {
    const budget = aBudget({ others: [{ name: 'Agence de l’eau', amount: 1_000 }] });
    expect(costTotal(budget)).toBe(120_000);
    expect(sourcesTotalEur(budget, 10.8)).toBe(121_000);
    expect(requestedEur(budget, 10.8)).toBe(60_000);
    expect(isBalanced(budget, 10.8)).toBe(false);
    expect(isBalanced(aBudget(), 10.8)).toBe(true);
  });

  it('counts what a draft has not filled in yet as 0', () => {
    expect(costTotal({})).toBe(0);
    expect(costTotal({ lines: [{ label: 'Formation' }, { amount: 500 }] })).toBe(500);
    expect(sourcesTotalEur({ funding: { lead: { cash: 100 }, fundMA: 108 } }, 10.8)).toBe(110);
    expect(requestedEur({}, 10.8)).toBe(0);
  });
});

describe('checkBudget', () => {
  it('accepts the usual budget', () => {
    expect(checkBudget(aBudget(), budgetRules())).toEqual([]);
  });

  it('balance: sources may differ from costs by 1 € after conversion, not 2', () => {
    expect(rulesBroken(aBudget({ fundFR: 30_001 }), budgetRules())).toEqual([]);
    expect(rulesBroken(aBudget({ fundFR: 29_999 }), budgetRules())).toEqual([]);
    // 324 005 MAD is 30 000.46 €: rounded, exactly balanced.
    expect(rulesBroken(aBudget({ fundMA: 324_005 }), budgetRules())).toEqual([]);
    expect(checkBudget(aBudget({ fundFR: 30_002 }), budgetRules())).toEqual([
      { rule: 'budget-balance', values: { costs: 120_000, sources: 120_002, difference: 2 } },
    ]);
    expect(checkBudget(aBudget({ fundFR: 29_998 }), budgetRules())).toEqual([
      { rule: 'budget-balance', values: { costs: 120_000, sources: 119_998, difference: -2 } },
    ]);
  });

  it('fund share: both sides together at most the ceiling of the total cost', () => {
    // The fund asks 60 000 € of 120 000 €: exactly 50 %.
    expect(rulesBroken(aBudget(), budgetRules({ cofinancingCeiling: 0.5 }))).toEqual([]);
    const over = aBudget({ lead: { cash: 24_999, inKind: 5_000 }, fundFR: 30_001 });
    expect(checkBudget(over, budgetRules({ cofinancingCeiling: 0.5 }))).toEqual([
      { rule: 'cofinancing-ceiling', values: { requested: 60_001, total: 120_000, ceiling: 0.5, max: 60_000 } },
    ]);
    // The Moroccan side counts, converted: 10.8 MAD more is 1 € more.
    expect(rulesBroken(aBudget({ lead: { cash: 24_999, inKind: 5_000 }, fundMA: 324_011 }), budgetRules({ cofinancingCeiling: 0.5 }))).toEqual([
      'cofinancing-ceiling',
    ]);
  });

  it('fund share: 29 of 100 is within a 29 % ceiling (as floats, 100 × 0.29 is 28.999…)', () => {
    const budget = aBudget({ lead: { cash: 71, inKind: 0 }, partner: { cash: 0, inKind: 0 }, fundFR: 29, fundMA: 0 }, [line(100)]);
    const rules = budgetRules({ cofinancingCeiling: 0.29, grants: { FR: { min: 0, max: 100 }, MA: { min: 0, max: 0 } } });
    expect(checkBudget(budget, rules)).toEqual([]);
  });

  it('lead share: the lead’s own cash and in-kind at least its minimum share, rounded up to the euro', () => {
    // The lead brings 30 000 € of 120 000 €: exactly 25 %.
    expect(rulesBroken(aBudget(), budgetRules({ minLeadShare: 0.25 }))).toEqual([]);
    const short = aBudget({ lead: { cash: 24_999, inKind: 5_000 }, partner: { cash: 25_001, inKind: 5_000 } });
    expect(checkBudget(short, budgetRules({ minLeadShare: 0.25 }))).toEqual([
      { rule: 'lead-share', values: { lead: 29_999, total: 120_000, minShare: 0.25, min: 30_000 } },
    ]);
    // 10 % of 120 005 € is 12 000.5 €: 12 000 € is not enough, 12 001 € is.
    const odd = (lead: number) => aBudget({ lead: { cash: lead, inKind: 0 }, partner: { cash: 60_005 - lead, inKind: 0 } }, [line(120_005)]);
    expect(checkBudget(odd(12_000), budgetRules())).toEqual([{ rule: 'lead-share', values: { lead: 12_000, total: 120_005, minShare: 0.1, min: 12_001 } }]);
    expect(rulesBroken(odd(12_001), budgetRules())).toEqual([]);
  });

  it('lead share: 7 of 100 reaches a 7 % minimum (as floats, 0.07 × 100 is 7.000…1)', () => {
    const budget = aBudget({ lead: { cash: 7, inKind: 0 }, partner: { cash: 0, inKind: 0 }, fundFR: 93, fundMA: 0 }, [line(100)]);
    const rules = budgetRules({ minLeadShare: 0.07, cofinancingCeiling: 1, grants: { FR: { min: 0, max: 100 }, MA: { min: 0, max: 0 } } });
    expect(checkBudget(budget, rules)).toEqual([]);
  });

  it('in-kind: at most its share of the lead’s contribution', () => {
    const lead = (cash: number, inKind: number) => aBudget({ lead: { cash, inKind } });
    expect(rulesBroken(lead(15_000, 15_000), budgetRules())).toEqual([]);
    expect(checkBudget(lead(14_999, 15_001), budgetRules())).toEqual([
      { rule: 'in-kind-share', values: { inKind: 15_001, contribution: 30_000, maxShare: 0.5, max: 15_000 } },
    ]);
    // No contribution at all: no in-kind either, nothing to say about it (the lead share says it).
    expect(rulesBroken(aBudget({ lead: { cash: 0, inKind: 0 }, partner: { cash: 55_000, inKind: 5_000 } }), budgetRules())).toEqual(['lead-share']);
  });

  it('French side: within its bounds in euros, both bounds included', () => {
    const fr = (fundFR: number) => aBudget({ fundFR, partner: { cash: 55_000 - fundFR, inKind: 5_000 } });
    const rules = budgetRules({ grants: { FR: { min: 10_000, max: 40_000 }, MA: budgetRules().grants.MA } });
    expect(rulesBroken(fr(10_000), rules)).toEqual([]);
    expect(rulesBroken(fr(40_000), rules)).toEqual([]);
    expect(checkBudget(fr(9_999), rules)).toEqual([{ rule: 'grant-bounds-fr', values: { requested: 9_999, min: 10_000, max: 40_000 } }]);
    expect(rulesBroken(fr(40_001), rules)).toEqual(['grant-bounds-fr']);
  });

  it('Moroccan side: within its bounds in dirhams, both bounds included', () => {
    const ma = (fundMA: number) => aBudget({ fundMA });
    const rules = (min: number, max: number) => budgetRules({ grants: { FR: budgetRules().grants.FR, MA: { min, max } } });
    expect(rulesBroken(ma(324_000), rules(324_000, 324_000))).toEqual([]);
    expect(checkBudget(ma(324_000), rules(324_001, 400_000))).toEqual([
      { rule: 'grant-bounds-ma', values: { requested: 324_000, min: 324_001, max: 400_000 } },
    ]);
    expect(rulesBroken(ma(324_000), rules(0, 323_999))).toEqual(['grant-bounds-ma']);
  });

  it('a side asking nothing passes only when the call’s minimum for that side is 0', () => {
    const frenchOnly = aBudget({ fundFR: 60_000, fundMA: 0 });
    expect(rulesBroken(frenchOnly, budgetRules())).toEqual(['grant-bounds-ma']);
    const rules = budgetRules({ grants: { FR: budgetRules().grants.FR, MA: { min: 0, max: 1_620_000 } } });
    expect(rulesBroken(frenchOnly, rules)).toEqual([]);
  });

  it('a total cost of 0 is one failure, and no share of it is judged', () => {
    const empty = aBudget({ lead: { cash: 0, inKind: 0 }, partner: { cash: 0, inKind: 0 }, fundFR: 0, fundMA: 0 }, [line(0)]);
    const rules = budgetRules({ grants: { FR: { min: 0, max: 1 }, MA: { min: 0, max: 1 } } });
    expect(checkBudget(empty, rules)).toEqual([{ rule: 'budget-total', values: { total: 0 } }]);
    // Sources for no cost: unbalanced too, but still no share.
    expect(rulesBroken(aBudget({}, [line(0)]), budgetRules())).toEqual(['budget-total', 'budget-balance']);
  });

  it('reports every broken rule, in a stable order', () => {
    const everything = aBudget({ lead: { cash: 0, inKind: 1 }, partner: { cash: 0, inKind: 0 }, fundFR: 5, fundMA: 50 }, [line(0)]);
    expect(rulesBroken(everything, budgetRules())).toEqual(['budget-total', 'budget-balance', 'in-kind-share', 'grant-bounds-fr', 'grant-bounds-ma']);
    const shares = aBudget({ lead: { cash: 0, inKind: 10 }, partner: { cash: 0, inKind: 0 }, fundFR: 5, fundMA: 54 }, [line(100)]);
    // Everything but a total of 0: every other rule broken at once, in the declared order.
    expect(rulesBroken(shares, budgetRules({ cofinancingCeiling: 0.01, minLeadShare: 0.2 }))).toEqual(budgetRuleCodes.slice(1));
    expect(budgetRuleCodes[0]).toBe('budget-total');
  });
});

describe('legacyBudget', () => {
  it('maps an old budget to one line and the French side of the fund, a budget that parses and balances', () => {
    const budget = legacyBudget({ totalCost: 120_000, requestedAmount: 50_000 });
    expect(budget).toEqual({
      lines: [{ year: 1, category: 'other', label: LEGACY_LINE_LABEL, amount: 120_000 }],
      funding: { lead: { cash: 70_000, inKind: 0 }, partner: { cash: 0, inKind: 0 }, fundFR: 50_000, fundMA: 0, others: [] },
    });
    expect(budgetSchema.safeParse(budget).success).toBe(true);
    expect(isBalanced(budget, 10.8)).toBe(true);
    expect(requestedEur(budget, 10.8)).toBe(50_000);
  });

  it('is still judged by the rules (an old 50 % request under a 50 % ceiling passes)', () => {
    const rules = budgetRules({ cofinancingCeiling: 0.5, grants: { FR: { min: 10_000, max: 150_000 }, MA: { min: 0, max: 0 } } });
    expect(checkBudget(legacyBudget({ totalCost: 100_000, requestedAmount: 50_000 }), rules)).toEqual([]);
    expect(rulesBroken(legacyBudget({ totalCost: 100_000, requestedAmount: 50_001 }), rules)).toEqual(['cofinancing-ceiling']);
  });

  it('never gives the lead a negative contribution, even from a record the old schema should have refused', () => {
    const budget = legacyBudget({ totalCost: 1_000, requestedAmount: 2_000 });
    expect(budget.funding.lead.cash).toBe(0);
    expect(budgetSchema.safeParse(budget).success).toBe(true);
  });
});
