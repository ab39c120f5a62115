import { describe, expect, it } from 'vitest';
import { applicationInputSchema, resubmissionSchema } from '../../../shared/schemas/application.ts';
import { callSchema } from '../../../shared/schemas/call.ts';
import { committeeDecisionSchemas, reviewDecisionSchema } from '../../../shared/schemas/decisions.ts';
import { aCall, anApplication } from '../../fixtures/domain.ts';

const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => r.error?.issues.map((i) => i.path.join('.')) ?? [];

describe('application schema', () => {
  it('accepts the body of POST /applications', () => {
    expect(applicationInputSchema.safeParse(anApplication()).success).toBe(true);
  });

  it('refuses unknown fields, so nobody can set a status', () => {
    const r = applicationInputSchema.safeParse({ ...anApplication(), status: 'APPROVED' });
    expect(r.success).toBe(false);
  });

  it('refuses fractional euros and a request above the total cost', () => {
    const r = applicationInputSchema.safeParse(anApplication({ budget: { totalCost: 1000.5, requestedAmount: 2000 } }));
    expect(paths(r)).toContain('budget.totalCost');
    const r2 = applicationInputSchema.safeParse(anApplication({ budget: { totalCost: 1000, requestedAmount: 2000 } }));
    expect(paths(r2)).toEqual(['budget.requestedAmount']);
  });

  it('refuses text that is not well-formed Unicode (a lone surrogate)', () => {
    const app = anApplication();
    const r = applicationInputSchema.safeParse({ ...app, project: { ...app.project, title: 'Eau \uD800 potable' } });
    expect(paths(r)).toEqual(['project.title']);
  });

  it('refuses an authority kind that does not exist in its country', () => {
    const app = anApplication();
    const r = applicationInputSchema.safeParse({
      ...app,
      partnerAuthority: { ...app.partnerAuthority, kind: 'epci' },
    });
    expect(paths(r)).toEqual(['partnerAuthority.kind']);
  });

  it('validates a resubmission without its call', () => {
    const { callId: _callId, ...rest } = anApplication();
    expect(resubmissionSchema.safeParse(rest).success).toBe(true);
    expect(resubmissionSchema.safeParse(anApplication()).success).toBe(false);
  });
});

describe('call schema', () => {
  it('accepts a well-formed call and refuses inverted bounds', () => {
    expect(callSchema.safeParse(aCall()).success).toBe(true);
    expect(paths(callSchema.safeParse(aCall({ grant: { min: 5, max: 1 } })))).toContain('grant.max');
  });

  it('takes the title and theme labels in the fund’s languages, French required; a plain string is the French text', () => {
    const title = { fr: 'Appel 2027', ar: 'طلب 2027', en: 'Call 2027' };
    expect(callSchema.parse({ ...aCall(), title }).title).toEqual(title);
    expect(callSchema.parse({ ...aCall(), title: '  Appel 2027 ' }).title).toEqual({ fr: 'Appel 2027' });
    expect(callSchema.parse({ ...aCall(), themes: [{ code: 'eau', label: 'Eau' }] }).themes).toEqual([{ code: 'eau', label: { fr: 'Eau' } }]);
    for (const bad of [{ ar: 'طلب 2027' }, { fr: 'Appel', de: 'Aufruf' }, { fr: 'Appel', en: '' }, { fr: 'x'.repeat(201) }, {}, 42]) {
      expect(callSchema.safeParse({ ...aCall(), title: bad }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(callSchema.safeParse({ ...aCall(), themes: [{ code: 'eau', label: { en: 'Water' } }] }).success).toBe(false);
  });
});

describe('decision schemas', () => {
  it('requires a comment unless the review is favourable', () => {
    const scores = { relevance: '4', feasibility: '3', partnership: '5', impact: '4' };
    expect(reviewDecisionSchema.safeParse({ decision: 'favorable', ...scores }).success).toBe(true);
    expect(paths(reviewDecisionSchema.safeParse({ decision: 'changes', ...scores }))).toEqual(['comment']);
    expect(paths(reviewDecisionSchema.safeParse({ decision: 'favorable', ...scores, impact: '6' }))).toEqual(['impact']);
  });

  it('needs a whole granted amount of the co-chair’s own side to approve and a comment to reject', () => {
    const { FR, MA } = committeeDecisionSchemas;
    expect(FR.parse({ decision: 'approve', grantedFR: '40000' })).toEqual({ decision: 'approve', grantedFR: 40_000, comment: '' });
    expect(FR.safeParse({ decision: 'approve', grantedFR: '12.5' }).success).toBe(false);
    expect(FR.safeParse({ decision: 'approve', grantedFR: '0' }).success).toBe(false);
    expect(FR.safeParse({ decision: 'approve', grantedMA: '40000' }).success).toBe(false);
    expect(MA.parse({ decision: 'approve', grantedMA: '0' })).toEqual({ decision: 'approve', grantedMA: 0, comment: '' });
    expect(MA.safeParse({ decision: 'approve', grantedFR: '40000' }).success).toBe(false);
    expect(MA.safeParse({ decision: 'reject', comment: '' }).success).toBe(false);
  });
});
