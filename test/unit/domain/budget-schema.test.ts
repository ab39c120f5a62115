import { describe, expect, it } from 'vitest';
import { budgetDraftSchema, budgetRulesSchema, budgetSchema } from '../../../shared/schemas/budget.ts';
import { type Dossier, missingFields } from '../../../shared/schemas/dossier.ts';
import { aBudget, budgetRules } from '../../fixtures/budget.ts';
import { aDossier } from '../../fixtures/dossier.ts';

/** The fields a parse complains about, each once (a value may break two checks). */
const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => [...new Set(r.error?.issues.map((i) => i.path.join('.')))];

/** `aBudget()` with its first line's amount replaced (by anything, even what the type forbids). */
const withFirstAmount = (amount: unknown) => {
  const budget = aBudget();
  return { ...budget, lines: [{ ...budget.lines[0], amount }, ...budget.lines.slice(1)] };
};

describe('budget schema (a budget to file)', () => {
  it('accepts the budget of the contract (lines, both authorities, both sides of the fund)', () => {
    const r = budgetSchema.safeParse(aBudget({ others: [{ name: 'Agence de l’eau', amount: 0 }] }));
    expect(r.success).toBe(true);
  });

  it('reads a budget that names no other co-funder as having none (the draft page sends no empty row)', () => {
    const { others: _none, ...funding } = aBudget().funding;
    const r = budgetSchema.safeParse({ ...aBudget(), funding });
    expect(r.success).toBe(true);
    expect(r.data?.funding.others).toEqual([]);
    expect(missingFields(aDossier({ budget: { ...aBudget(), funding } as Dossier['budget'] }))).toEqual([]);
  });

  it.each([
    ['a negative amount', -1],
    ['a fractional amount', 1000.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an amount as text', '40000'],
    ['null', null],
    ['an absurd amount', 1e12],
    ['an unsafe integer', 2 ** 53 + 2],
  ])('refuses %s, naming the field', (_, amount) => {
    expect(paths(budgetSchema.safeParse(withFirstAmount(amount)))).toEqual(['lines.0.amount']);
  });

  it('accepts the bounds themselves: 0 and a billion euros', () => {
    expect(budgetSchema.safeParse(withFirstAmount(0)).success).toBe(true);
    expect(budgetSchema.safeParse(withFirstAmount(1_000_000_000)).success).toBe(true);
    expect(paths(budgetSchema.safeParse(withFirstAmount(1_000_000_001)))).toEqual(['lines.0.amount']);
  });

  it('refuses malformed sources: fractional dirhams, negative in-kind, a co-funder without a name', () => {
    const r = budgetSchema.safeParse(aBudget({ fundMA: 324_000.5, lead: { cash: 1, inKind: -5 }, others: [{ name: ' ', amount: 10 }] }));
    expect(paths(r).sort()).toEqual(['funding.fundMA', 'funding.lead.inKind', 'funding.others.0.name']);
  });

  it('refuses a year outside 1..10, an unknown category and an overlong label', () => {
    const line = aBudget().lines[0]!;
    const r = budgetSchema.safeParse(
      aBudget({}, [
        { ...line, year: 0 },
        { ...line, year: 11 },
        { ...line, year: 1.5 },
        { ...line, category: 'bribes' as 'other' },
        { ...line, label: 'x'.repeat(201) },
      ]),
    );
    expect(paths(r)).toEqual(['lines.0.year', 'lines.1.year', 'lines.2.year', 'lines.3.category', 'lines.4.label']);
  });

  it('refuses 1,000 lines with one clear issue, quickly', () => {
    const line = aBudget().lines[0]!;
    const started = performance.now();
    const r = budgetSchema.safeParse(
      aBudget(
        {},
        Array.from({ length: 1000 }, () => line),
      ),
    );
    expect(performance.now() - started).toBeLessThan(200);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['lines', '200 lignes de dépense au plus']]);
    expect(
      budgetSchema.safeParse(
        aBudget(
          {},
          Array.from({ length: 200 }, () => line),
        ),
      ).success,
    ).toBe(true);
  });

  it('refuses more than 20 other co-funders', () => {
    const others = Array.from({ length: 21 }, (_, i) => ({ name: `Cofinanceur ${i}`, amount: 0 }));
    expect(paths(budgetSchema.safeParse(aBudget({ others })))).toEqual(['funding.others']);
    expect(budgetSchema.safeParse(aBudget({ others: others.slice(1) })).success).toBe(true);
  });

  it('refuses unknown keys at every level (the old fields too)', () => {
    const budget = aBudget();
    expect(budgetSchema.safeParse({ ...budget, totalCost: 120_000 }).success).toBe(false);
    expect(budgetSchema.safeParse({ ...budget, funding: { ...budget.funding, fundEU: 1 } }).success).toBe(false);
    expect(budgetSchema.safeParse({ ...budget, funding: { ...budget.funding, lead: { cash: 1, inKind: 0, loan: 5 } } }).success).toBe(false);
    expect(budgetSchema.safeParse({ ...budget, lines: [{ ...budget.lines[0], vat: 20 }] }).success).toBe(false);
  });

  it('requires every source and at least one line to file', () => {
    const { fundMA: _fundMA, ...funding } = aBudget().funding;
    expect(paths(budgetSchema.safeParse({ ...aBudget(), funding }))).toEqual(['funding.fundMA']);
    expect(paths(budgetSchema.safeParse(aBudget({}, [])))).toEqual(['lines']);
    expect(paths(budgetSchema.safeParse({ lines: aBudget().lines }))).toEqual(['funding']);
  });
});

describe('budget draft schema (may be incomplete, never malformed)', () => {
  it('accepts what is not typed yet: nothing, a line with only a label, a lead with only cash', () => {
    expect(budgetDraftSchema.safeParse({}).success).toBe(true);
    expect(budgetDraftSchema.safeParse({ lines: [{ label: 'Formation' }] }).success).toBe(true);
    expect(budgetDraftSchema.safeParse({ funding: { lead: { cash: 5000 } } }).success).toBe(true);
    expect(budgetDraftSchema.safeParse(aBudget()).success).toBe(true);
  });

  it('refuses what is present but malformed, with the same bounds as filing', () => {
    expect(paths(budgetDraftSchema.safeParse({ lines: [{ amount: -3 }] }))).toEqual(['lines.0.amount']);
    expect(paths(budgetDraftSchema.safeParse({ lines: [{ amount: 0.5 }] }))).toEqual(['lines.0.amount']);
    expect(paths(budgetDraftSchema.safeParse({ funding: { fundMA: Number.NaN } }))).toEqual(['funding.fundMA']);
    expect(paths(budgetDraftSchema.safeParse({ funding: { partner: { inKind: '12' } } }))).toEqual(['funding.partner.inKind']);
    expect(paths(budgetDraftSchema.safeParse({ lines: Array.from({ length: 1000 }, () => ({})) }))).toEqual(['lines']);
    expect(budgetDraftSchema.safeParse({ lines: [{ colour: 'red' }] }).success).toBe(false);
    expect(budgetDraftSchema.safeParse({ funding: null }).success).toBe(false);
    expect(budgetDraftSchema.safeParse([]).success).toBe(false);
  });
});

describe('budget rules schema (what a call carries)', () => {
  it('accepts the fund’s usual rules and refuses inverted bounds, a rate of 0 and shares beyond 4 decimals', () => {
    expect(budgetRulesSchema.safeParse(budgetRules()).success).toBe(true);
    expect(paths(budgetRulesSchema.safeParse(budgetRules({ grants: { FR: { min: 5, max: 1 }, MA: { min: 0, max: 0 } } })))).toEqual(['grants.FR.max']);
    expect(paths(budgetRulesSchema.safeParse(budgetRules({ madPerEur: 0 })))).toEqual(['madPerEur']);
    expect(paths(budgetRulesSchema.safeParse(budgetRules({ madPerEur: 10.12345 })))).toEqual(['madPerEur']);
    expect(paths(budgetRulesSchema.safeParse(budgetRules({ minLeadShare: 1 / 3 })))).toEqual(['minLeadShare']);
    expect(paths(budgetRulesSchema.safeParse(budgetRules({ cofinancingCeiling: 0 })))).toEqual(['cofinancingCeiling']);
    expect(budgetRulesSchema.safeParse(budgetRules({ minLeadShare: 0.0725, madPerEur: 10.7532 })).success).toBe(true);
  });
});
