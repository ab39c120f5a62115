import { describe, expect, it } from 'vitest';
import { applicationFromDossier, canConfirmAt, canDraftTransition, changedSections, contactOf, draftStatuses } from '../../../shared/domain/draft.ts';
import { dossierDraftSchema, dossierSchema, missingFields, newDraftSchema } from '../../../shared/schemas/dossier.ts';
import { aBudget } from '../../fixtures/budget.ts';
import { aCall } from '../../fixtures/domain.ts';
import { aDossier, aDraft, PARTNER_CONTACT } from '../../fixtures/dossier.ts';

const call = aCall({ closesAt: '2027-03-31T23:59:59Z' });
const issuePaths = (value: unknown) => {
  const result = dossierDraftSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
};

describe('draft statuses', () => {
  it('go DRAFT → AWAITING_PARTNER → SUBMITTED, back to DRAFT from the partner, never out of SUBMITTED', () => {
    const allowed = draftStatuses.flatMap((from) => draftStatuses.filter((to) => canDraftTransition(from, to)).map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(['AWAITING_PARTNER→DRAFT', 'AWAITING_PARTNER→SUBMITTED', 'DRAFT→AWAITING_PARTNER', 'DRAFT→SUBMITTED']);
  });
});

describe('the partner’s confirmation window', () => {
  const days = 14;
  it('is open while the call is, whenever the request was made', () => {
    expect(canConfirmAt(call, undefined, days, new Date('2027-03-31T23:59:58Z'))).toBe(true);
  });
  it('after the close, only for a request made before it, and for that many days after the request', () => {
    const requested = '2027-03-30T12:00:00Z';
    expect(canConfirmAt(call, requested, days, new Date('2027-04-13T12:00:00Z'))).toBe(true);
    expect(canConfirmAt(call, requested, days, new Date('2027-04-13T12:00:01Z'))).toBe(false);
    expect(canConfirmAt(call, undefined, days, new Date('2027-04-01T00:00:00Z'))).toBe(false);
    expect(canConfirmAt(call, '2027-04-01T00:00:00Z', days, new Date('2027-04-02T00:00:00Z'))).toBe(false);
  });
});

describe('the dossier of a draft', () => {
  it('accepts anything missing, at any depth', () => {
    expect(dossierDraftSchema.safeParse({}).success).toBe(true);
    expect(
      dossierDraftSchema.safeParse({ project: { title: 'Eau' }, leadAuthority: { contact: { email: 'a@b.fr' } }, budget: { funding: { lead: {} } } }).success,
    ).toBe(true);
  });

  it('refuses what is present and malformed, naming the field', () => {
    expect(issuePaths({ project: { durationMonths: 1.5 } })).toEqual(['project.durationMonths']);
    expect(issuePaths({ budget: { lines: [{ amount: -1 }] } })).toEqual(['budget.lines.0.amount']);
    expect(issuePaths({ budget: { funding: { fundMA: Number.NaN } } })).toEqual(['budget.funding.fundMA']);
    expect(issuePaths({ leadAuthority: { contact: { email: 'nope' } } })).toEqual(['leadAuthority.contact.email']);
    expect(issuePaths({ partnerAuthority: { country: 'MA', kind: 'epci' } })).toEqual(['partnerAuthority.kind']);
  });

  it('refuses unknown fields at every depth (nobody sets a status or a version through it)', () => {
    expect(issuePaths({ status: 'SUBMITTED' })).toEqual(['']);
    expect(issuePaths({ project: { status: 'x' } })).toEqual(['project']);
    expect(issuePaths({ leadAuthority: { contact: { role: 'partner' } } })).toEqual(['leadAuthority.contact']);
    expect(issuePaths({ budget: { funding: { lead: { loan: 3 } } } })).toEqual(['budget.funding.lead']);
  });

  it('is complete when the full dossier parses; otherwise every missing field is listed', () => {
    expect(missingFields(aDossier())).toEqual([]);
    expect(dossierSchema.safeParse(aDossier()).success).toBe(true);
    const { project: _p, ...noProject } = aDossier();
    const issues = missingFields({ ...noProject, budget: { lines: [], funding: aBudget().funding }, partnerAuthority: { name: 'Commune de Fès' } });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'project', message: 'champ obligatoire' },
        { path: 'partnerAuthority.country', message: 'champ obligatoire' },
        { path: 'partnerAuthority.kind', message: 'champ obligatoire' },
        { path: 'partnerAuthority.contact', message: 'champ obligatoire' },
        { path: 'budget.lines', message: 'au moins une ligne de dépense' },
      ]),
    );
    expect(issues).toHaveLength(5);
  });

  it('a new draft needs the call and the lead’s contact, nothing else', () => {
    expect(newDraftSchema.safeParse({ callId: '2027-T1', leadAuthority: { contact: { name: 'A', email: 'a@b.fr' } } }).success).toBe(true);
    expect(newDraftSchema.safeParse({ callId: '2027-T1', leadAuthority: { name: 'Ville de Lyon' } }).success).toBe(false);
    expect(newDraftSchema.safeParse({ callId: '2027-T1', leadAuthority: { contact: { name: 'A', email: 'a@b.fr' } }, status: 'SUBMITTED' }).success).toBe(
      false,
    );
  });
});

describe('a save’s sections and the application filed from a dossier', () => {
  it('names the top-level sections a save changed', () => {
    const before = aDossier();
    expect(changedSections(before, structuredClone(before))).toEqual([]);
    expect(changedSections(before, { ...before, project: { ...before.project, title: 'Autre' }, budget: aBudget({ fundFR: 1 }) })).toEqual([
      'project',
      'budget',
    ]);
    const { partnerAuthority: _gone, ...rest } = before;
    expect(changedSections(before, rest)).toEqual(['partnerAuthority']);
  });

  it('the partner is the invited contact, else the dossier’s', () => {
    expect(contactOf(aDraft({ dossier: aDossier() }), 'partner')).toEqual(PARTNER_CONTACT);
    expect(contactOf(aDraft({ partner: { name: 'B', email: 'b@x.ma' } }), 'partner')).toEqual({ name: 'B', email: 'b@x.ma' });
    expect(contactOf(aDraft(), 'partner')).toBeUndefined();
  });

  it('keeps the total cost and the request in euros (both sides of the fund), and the lines and sources', () => {
    const app = applicationFromDossier(aDraft(), aDossier(), 10.8, '2027-02-01T00:00:00.000Z');
    expect(app.budget.totalCost).toBe(120_000);
    // 30 000 € from France, 324 000 MAD = 30 000 € from Morocco.
    expect(app.budget.requestedAmount).toBe(60_000);
    expect(app.budget.lines).toHaveLength(4);
    expect(app.budget.funding?.fundMA).toBe(324_000);
    expect(app).toMatchObject({ id: aDraft().id, status: 'SUBMITTED', callId: '2027-T1', language: 'fr' });
  });
});
