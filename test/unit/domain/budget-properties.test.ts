import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetGap, budgetRuleCodes, checkBudget, eurToMad, isBalanced, madToEur } from '../../../shared/domain/budget.ts';
import { type Budget, type BudgetRules, budgetCategories, budgetDraftSchema, budgetRulesSchema, budgetSchema } from '../../../shared/schemas/budget.ts';

/**
 * Properties over generated budgets: hostile ones (what a client may send) never make parsing or the
 * rules throw, and budgets built to balance always pass the balance rule.
 */

const RUNS = 1_000;

/** Numbers a hostile client sends: NaN, ±Infinity, -0, fractions, negatives, huge, numeric text. */
const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer({ min: -2_000_000_000, max: 20_000_000_000 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0.5, 2 ** 53, Number.MAX_VALUE, 1e9, 1e9 + 1),
  fc.string().map((s) => `${s}1`),
  fc.constantFrom(null, undefined, true, [], {}),
);

/** Mostly well-formed, sometimes not: so whole budgets parse often enough for the rules to run on them. */
const mostly = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 40, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: hostile });

/** An object of these fields, sometimes missing one, with a key nobody knows, or something else entirely. */
const hostileObject = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  mostly(
    fc.oneof(
      { weight: 30, arbitrary: fc.record(fields) },
      { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.record({ ...fields, extra: fc.anything() }) },
    ),
    fc.anything(),
  );

const amount = mostly(fc.oneof(fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 1_000_000_000 })), hostileNumber);
const dirhams = mostly(fc.integer({ min: 0, max: 12_000_000_000 }), hostileNumber);

const hostileLine = hostileObject({
  year: mostly(fc.integer({ min: 1, max: 10 }), hostileNumber),
  category: mostly(fc.constantFrom(...budgetCategories), fc.string()),
  label: mostly(
    fc.string({ maxLength: 199 }).map((s) => `L${s}`),
    fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), hostileNumber),
  ),
  amount,
});

const contribution = hostileObject({ cash: amount, inKind: amount });

const hostileBudget = hostileObject({
  lines: mostly(
    fc.oneof(
      { weight: 6, arbitrary: fc.array(hostileLine, { minLength: 1, maxLength: 6 }) },
      { weight: 1, arbitrary: fc.array(hostileLine, { minLength: 195, maxLength: 260 }) },
    ),
    hostileNumber,
  ),
  funding: hostileObject({
    lead: contribution,
    partner: contribution,
    fundFR: amount,
    fundMA: dirhams,
    others: mostly(
      fc.array(
        hostileObject({
          name: mostly(
            fc.string({ maxLength: 199 }).map((s) => `N${s}`),
            fc.string(),
          ),
          amount,
        }),
        { maxLength: 22 },
      ),
      hostileNumber,
    ),
  }),
});

/** Valid rules of a call: shares and rates to four decimals, ordered bounds. */
const wholeUpTo = (max: number) => fc.integer({ min: 0, max });
const fourDecimals = (min: number, max: number) => fc.integer({ min: min * 10_000, max: max * 10_000 }).map((n) => n / 10_000);
const bounds = (max: number) => fc.tuple(wholeUpTo(max), wholeUpTo(max)).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));
const rules: fc.Arbitrary<BudgetRules> = fc.record({
  cofinancingCeiling: fourDecimals(0, 1).filter((s) => s > 0),
  minLeadShare: fourDecimals(0, 1),
  maxInKindShare: fourDecimals(0, 1),
  madPerEur: fourDecimals(1, 100),
  grants: fc.record({ FR: bounds(1_000_000_000), MA: bounds(12_000_000_000) }),
});

/** What a balanced budget is made of: its lines and how its total is shared among the sources. */
const balancedMaterial = fc.record({
  lines: fc.array(
    fc.record({
      year: fc.integer({ min: 1, max: 10 }),
      category: fc.constantFrom(...budgetCategories),
      label: fc.constant('Dépense'),
      amount: fc.oneof({ weight: 4, arbitrary: wholeUpTo(1_000_000) }, { weight: 1, arbitrary: wholeUpTo(1_000_000_000) }),
    }),
    { minLength: 1, maxLength: 200 },
  ),
  weights: fc.array(fc.nat(1_000), { minLength: 6, maxLength: 6 }),
  others: fc.integer({ min: 0, max: 3 }),
});

/**
 * A budget whose sources add up to its costs exactly: each source a share of the total (at most
 * the schema's bound), the Moroccan side's euros turned into dirhams at the call's rate, and the
 * lead's cash the rest, so the conversion's rounding is absorbed.
 */
function balancedBudget({ lines, weights, others }: typeof balancedMaterial extends fc.Arbitrary<infer M> ? M : never, madPerEur: number): Budget {
  const total = lines.reduce((s, l) => s + l.amount, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0) + 1;
  const parts = weights.map((w) => Math.min(1_000_000_000, Math.floor((total * w) / weightSum)));
  const [leadInKind, partnerCash, partnerInKind, fundFR, fundMAEur, other] = parts as [number, number, number, number, number, number];
  const fundMA = Math.min(12_000_000_000, eurToMad(fundMAEur, madPerEur));
  const otherAmounts = Array.from({ length: others }, (_, i) => (i === 0 ? other : 0));
  const othersTotal = otherAmounts.reduce((s, a) => s + a, 0);
  const leadCash = total - leadInKind - partnerCash - partnerInKind - fundFR - madToEur(fundMA, madPerEur) - othersTotal;
  return {
    lines,
    funding: {
      lead: { cash: leadCash, inKind: leadInKind },
      partner: { cash: partnerCash, inKind: partnerInKind },
      fundFR,
      fundMA,
      others: otherAmounts.map((amount, i) => ({ name: `Cofinanceur ${i + 1}`, amount })),
    },
  };
}

describe('budget properties', () => {
  it(`${RUNS} hostile budgets: parsing never throws, and the rules never throw on what parses`, () => {
    let parsed = 0;
    fc.assert(
      fc.property(hostileBudget, rules, (input, call) => {
        const draft = budgetDraftSchema.safeParse(input);
        const complete = budgetSchema.safeParse(input);
        // What can be filed can be saved as a draft.
        if (complete.success) expect(draft.success).toBe(true);
        if (!complete.success) expect(complete.error.issues.length).toBeGreaterThan(0);
        if (complete.success) {
          parsed++;
          for (const failure of checkBudget(complete.data, call)) {
            expect(budgetRuleCodes).toContain(failure.rule);
            for (const value of Object.values(failure.values)) expect(Number.isFinite(value)).toBe(true);
          }
        }
      }),
      { numRuns: RUNS },
    );
    // The generator reaches valid budgets too, or the rules would hardly have been exercised.
    expect(parsed).toBeGreaterThan(RUNS / 20);
  });

  it(`${RUNS} budgets built to balance pass the balance rule, parse, and are checked deterministically`, () => {
    let parsed = 0;
    fc.assert(
      fc.property(rules, balancedMaterial, (call, material) => {
        const budget = balancedBudget(material, call.madPerEur);
        expect(budgetRulesSchema.safeParse(call).success).toBe(true);
        const parse = budgetSchema.safeParse(budget);
        if (budget.funding.lead.cash > 1_000_000_000) {
          // The other sources could not absorb the costs within the schema's bounds: refused, not wrong.
          expect(parse.success).toBe(false);
          return;
        }
        expect(parse.success).toBe(true);
        parsed++;
        expect(budgetGap(budget, call.madPerEur)).toBe(0);
        expect(isBalanced(budget, call.madPerEur)).toBe(true);
        const failures = checkBudget(budget, call);
        expect(failures.map((f) => f.rule)).not.toContain('budget-balance');
        expect(checkBudget(budget, call)).toEqual(failures);
        // Two euros more on one side, and the balance rule says so.
        const over = { ...budget, funding: { ...budget.funding, partner: { ...budget.funding.partner, inKind: budget.funding.partner.inKind + 2 } } };
        expect(checkBudget(over, call).map((f) => f.rule)).toContain('budget-balance');
      }),
      { numRuns: RUNS },
    );
    expect(parsed).toBeGreaterThan(RUNS / 2);
  });

  it('euros to dirhams and back gives the same euros, at any rate of at least 1 MAD for 1 €', () => {
    fc.assert(
      fc.property(wholeUpTo(1_000_000_000), fourDecimals(1, 100), (eur, rate) => {
        expect(madToEur(eurToMad(eur, rate), rate)).toBe(eur);
      }),
      { numRuns: RUNS },
    );
  });

  it('dirhams to euros is the nearest euro, and back is within half a euro’s worth of dirhams', () => {
    fc.assert(
      fc.property(wholeUpTo(12_000_000_000), fourDecimals(1, 100), (mad, rate) => {
        const eur = madToEur(mad, rate);
        // |mad / rate − eur| ≤ ½, in integers: |mad × 10⁴ − eur × rate × 10⁴| ≤ rate × 10⁴ / 2.
        const rateScaled = BigInt(Math.round(rate * 10_000));
        const gap = BigInt(mad) * 10_000n - BigInt(eur) * rateScaled;
        expect(2n * (gap < 0n ? -gap : gap) <= rateScaled).toBe(true);
        expect(Math.abs(eurToMad(eur, rate) - mad)).toBeLessThanOrEqual(Math.ceil(rate / 2));
      }),
      { numRuns: RUNS },
    );
  });
});
