import { describe, expect, it } from 'vitest';
import { ar, catalogues, en, fr, type Catalogue } from '../../../shared/i18n/index.ts';
import { localizeIssues } from '../../../shared/i18n/issues.ts';
import { checkApplicationForm } from '../../../shared/pages/application-validation.ts';
import { applicationInputSchema } from '../../../shared/schemas/application.ts';

/** Every leaf of a catalogue as `dotted.key → text`. */
function leaves(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) for (const [k, leaf] of leaves(v, prefix ? `${prefix}.${key}` : key)) out.set(k, leaf);
  } else {
    out.set(prefix, value);
  }
  return out;
}
const placeholders = (text: unknown) => [...String(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the catalogues', () => {
  const reference = leaves(fr);

  it.each([
    ['ar', ar],
    ['en', en],
  ] as const)('%s has exactly the French keys, each a non-empty text with the same placeholders', (_, catalogue: Catalogue) => {
    const translated = leaves(catalogue);
    expect([...translated.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [key, text] of translated) {
      expect(typeof text, key).toBe('string');
      expect(String(text).trim(), key).not.toBe('');
      expect(placeholders(text), key).toEqual(placeholders(reference.get(key)));
    }
  });

  it('name their language and direction; Arabic is right to left', () => {
    expect(Object.entries(catalogues).map(([lang, t]) => [lang, t.meta.lang, t.meta.dir])).toEqual([
      ['fr', 'fr', 'ltr'],
      ['ar', 'ar', 'rtl'],
      ['en', 'en', 'ltr'],
    ]);
  });

  it('are not French in disguise: the Arabic texts are written in Arabic script', () => {
    for (const [key, text] of leaves(ar)) {
      if (key.startsWith('meta.') || key === 'form.authorityNameHelpLead') continue;
      expect(String(text), key).toMatch(/[\u0600-\u06FF]|^\{|ERROR|DAECT/);
    }
  });
});

describe('validation messages', () => {
  const check = (fields: Record<string, string>, t: Catalogue = fr) => {
    const result = checkApplicationForm(fields, t.validation);
    return result.ok ? {} : Object.fromEntries(result.issues.map((i) => [i.path, i.message]));
  };

  it('come from the issue and the field, in each language', () => {
    const fields = {
      callId: '2027-T1',
      'project.title': '',
      'project.summary': 'x'.repeat(5001),
      'project.theme': '',
      'project.startDate': '2027-02-30',
      'project.durationMonths': '2,5',
      'leadAuthority.country': 'FR',
      'leadAuthority.name': 'Ville de Lyon',
      'leadAuthority.kind': 'province_prefecture',
      'leadAuthority.contact.name': 'Claire',
      'leadAuthority.contact.email': 'claire@',
      'leadAuthority.contact.phone': 'abc',
      'partnerAuthority.country': 'MA',
      'partnerAuthority.name': 'Commune',
      'partnerAuthority.kind': 'commune',
      'partnerAuthority.contact.name': 'Youssef',
      'partnerAuthority.contact.email': 'y@example.ma',
      'budget.totalCost': '0',
      'budget.requestedAmount': '1500.5',
    };
    expect(check(fields)).toEqual({
      'project.title': 'Ce champ est obligatoire.',
      'project.summary': '5000 caractères au plus.',
      'project.theme': 'Ce champ est obligatoire.',
      'project.startDate': 'Saisissez une date valide.',
      'project.durationMonths': 'Saisissez un nombre.',
      'leadAuthority.contact.email': 'Saisissez une adresse électronique valide, par exemple nom@exemple.fr.',
      'leadAuthority.contact.phone': 'Saisissez un numéro de téléphone valide : chiffres, espaces et + ( ) - . seulement.',
      'budget.totalCost': 'Saisissez un montant supérieur à zéro.',
      'budget.requestedAmount': 'Saisissez un nombre entier, sans décimales.',
    });
    expect(check(fields, en)['project.title']).toBe('This field is required.');
    expect(check(fields, ar)['project.title']).toBe('هذه الخانة إلزامية.');
  });

  it('explain the schema’s own rules: more than the total cost, a kind the country has not', () => {
    const valid = {
      callId: '2027-T1',
      'project.title': 'Eau',
      'project.summary': 'Résumé',
      'project.theme': 'eau',
      'project.startDate': '2027-09-01',
      'project.durationMonths': '24',
      'leadAuthority.country': 'FR',
      'leadAuthority.name': 'Ville de Lyon',
      'leadAuthority.kind': 'commune',
      'leadAuthority.contact.name': 'Claire',
      'leadAuthority.contact.email': 'claire@example.fr',
      'partnerAuthority.country': 'MA',
      'partnerAuthority.name': 'Commune',
      'partnerAuthority.kind': 'epci',
      'partnerAuthority.contact.name': 'Youssef',
      'partnerAuthority.contact.email': 'y@example.ma',
      'budget.totalCost': '100 000',
      'budget.requestedAmount': '50000',
    };
    expect(check(valid)).toEqual({ 'partnerAuthority.kind': 'Ce type de collectivité n’existe pas dans ce pays.' });
    expect(check({ ...valid, 'partnerAuthority.kind': 'commune', 'budget.requestedAmount': '150000' })).toEqual({
      'budget.requestedAmount': 'La subvention demandée ne peut pas dépasser le coût total.',
    });
    expect(check({ ...valid, 'partnerAuthority.kind': 'commune' })).toEqual({});
    expect(check({ ...valid, 'partnerAuthority.kind': 'commune', status: 'APPROVED' })).toEqual({ status: 'Ce champ n’est pas attendu.' });
  });

  it('one message per field: the first zod reports', () => {
    const result = applicationInputSchema.safeParse({ callId: '' });
    expect(result.success).toBe(false);
    const issues = localizeIssues(result.error!.issues, { callId: '' }, fr.validation);
    expect(new Set(issues.map((i) => i.path)).size).toBe(issues.length);
  });
});
