import { describe, expect, it } from 'vitest';
import { formNumber, nestFields, valueAt } from '../../../shared/text/dotted-fields.ts';

describe('dotted field names', () => {
  it('reads numbers as people type them, and keeps what is not a whole number as text', () => {
    expect(formNumber('120 000')).toBe(120_000);
    expect(formNumber('120\u202f000')).toBe(120_000);
    expect(formNumber('120000,50')).toBe('120000,50');
    expect(formNumber('')).toBe('');
  });

  it('nests dotted names into the object the schema expects, numbers where numbers are due', () => {
    expect(nestFields({ 'budget.totalCost': '100 000', 'project.title': 'Eau', 'leadAuthority.contact.phone': ' ', sig: 'x' }, ['sig'])).toEqual({
      ok: true,
      value: { budget: { totalCost: 100_000 }, project: { title: 'Eau' } },
    });
  });

  it('names the first field that is no plain dotted path, and never writes through the prototype', () => {
    expect(nestFields({ '__proto__.polluted': 'yes' })).toEqual({ ok: false, unknownField: '__proto__.polluted' });
    expect(nestFields({ 'budget[0]': '1' })).toEqual({ ok: false, unknownField: 'budget[0]' });
    expect(nestFields({ budget: '1', 'budget.totalCost': '2' })).toEqual({ ok: false, unknownField: 'budget.totalCost' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('finds the value an issue is about, own properties only', () => {
    expect(valueAt({ budget: { totalCost: 5 } }, 'budget.totalCost')).toBe(5);
    expect(valueAt({ budget: {} }, 'budget.toString')).toBeUndefined();
    expect(valueAt(null, 'a')).toBeUndefined();
  });
});
