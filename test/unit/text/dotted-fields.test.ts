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

  it("reads a list's rows by index into an array, in index order, and a draft's empty fields as absent", () => {
    const posted = {
      'budget.lines.1.label': 'Missions',
      'budget.lines.1.amount': '8 000',
      'budget.lines.0.year': '1',
      'budget.lines.0.category': 'personnel',
      'budget.lines.0.amount': '40000',
      'budget.lines.2.label': '',
      'budget.lines.2.amount': '',
      'budget.funding.lead.cash': '25000',
      'budget.funding.fundMA': '324000',
      'budget.funding.others.0.name': 'Agence de l’eau',
      'budget.funding.others.0.amount': '1000',
      'project.title': '',
    };
    expect(nestFields(posted, [], { omitEmpty: true })).toEqual({
      ok: true,
      value: {
        budget: {
          lines: [
            { year: 1, category: 'personnel', amount: 40_000 },
            { label: 'Missions', amount: 8000 },
          ],
          funding: { lead: { cash: 25_000 }, fundMA: 324_000, others: [{ name: 'Agence de l’eau', amount: 1000 }] },
        },
      },
    });
    // Without the option, a required field left empty is kept as '' (the schema says it is required).
    expect(nestFields({ 'project.title': '' })).toEqual({ ok: true, value: { project: { title: '' } } });
  });

  it('refuses an index that is no plain row number, a list mixed with an object, and a row inside a row', () => {
    expect(nestFields({ 'budget.lines.01.amount': '1' })).toEqual({ ok: false, unknownField: 'budget.lines.01.amount' });
    expect(nestFields({ 'budget.lines.1000.amount': '1' })).toEqual({ ok: false, unknownField: 'budget.lines.1000.amount' });
    expect(nestFields({ 'budget.lines.-1.amount': '1' })).toEqual({ ok: false, unknownField: 'budget.lines.-1.amount' });
    expect(nestFields({ 'budget.lines.0': '1' })).toEqual({ ok: false, unknownField: 'budget.lines.0' });
    expect(nestFields({ 'budget.lines.0.a.1.b': '1' })).toEqual({ ok: false, unknownField: 'budget.lines.0.a.1.b' });
    expect(nestFields({ 'budget.lines.label': 'x', 'budget.lines.0.label': 'y' })).toEqual({ ok: false, unknownField: 'budget.lines.0.label' });
    expect(nestFields({ 'budget.lines.0.label': 'y', 'budget.lines.label': 'x' })).toEqual({ ok: false, unknownField: 'budget.lines.label' });
    expect(nestFields({ 'constructor.prototype.polluted': 'yes' })).toEqual({ ok: true, value: { constructor: { prototype: { polluted: 'yes' } } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('finds the value an issue is about, own properties only', () => {
    expect(valueAt({ budget: { totalCost: 5 } }, 'budget.totalCost')).toBe(5);
    expect(valueAt({ budget: {} }, 'budget.toString')).toBeUndefined();
    expect(valueAt(null, 'a')).toBeUndefined();
  });
});
