import * as z from 'zod';
import { email, isoDate, positiveEuros, text } from './common.ts';
import { callId } from './call.ts';

export const contactSchema = z.strictObject({
  name: text(120),
  email,
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ().-]{6,25}$/, 'numéro de téléphone invalide')
    .optional(),
});

export const frenchKinds = ['commune', 'epci', 'departement', 'region'] as const;
export const moroccanKinds = ['commune', 'province_prefecture', 'region'] as const;

/** The lead authority; `country` is checked by eligibility (a reason), not refused by the schema. */
export const authoritySchema = z.strictObject({
  name: text(200),
  country: z.enum(['FR', 'MA']),
  kind: z.enum(['commune', 'epci', 'departement', 'region', 'province_prefecture']),
  contact: contactSchema,
});

export const projectSchema = z.strictObject({
  title: text(200),
  summary: text(5000),
  theme: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'code de thème invalide'),
  startDate: isoDate,
  durationMonths: z.number().int('nombre entier de mois').min(1).max(120),
});

export const budgetSchema = z
  .strictObject({
    totalCost: positiveEuros.max(1_000_000_000),
    requestedAmount: positiveEuros.max(1_000_000_000),
  })
  .refine((b) => b.requestedAmount <= b.totalCost, {
    message: 'le montant demandé dépasse le coût total',
    path: ['requestedAmount'],
  });

const applicationFields = {
  project: projectSchema,
  leadAuthority: authoritySchema,
  partnerAuthority: authoritySchema,
  budget: budgetSchema,
};

type Authority = { country?: 'FR' | 'MA' | undefined; kind?: string | undefined };
type Authorities = { leadAuthority?: Authority | undefined; partnerAuthority?: Authority | undefined };

/**
 * A commune exists on both sides; an EPCI only in France, a province only in Morocco. Checked when
 * both the country and the kind are given (a draft may have either alone).
 */
export function checkAuthorityKinds(a: Authorities, ctx: z.RefinementCtx): void {
  for (const key of ['leadAuthority', 'partnerAuthority'] as const) {
    const authority = a[key];
    if (authority?.country === undefined || authority.kind === undefined) continue;
    const kinds: readonly string[] = authority.country === 'FR' ? frenchKinds : moroccanKinds;
    if (!kinds.includes(authority.kind)) {
      ctx.addIssue({
        code: 'custom',
        path: [key, 'kind'],
        message: `type de collectivité « ${authority.kind} » inconnu pour le pays ${authority.country}`,
      });
    }
  }
}

/** The body of `POST /applications`. Strict: unknown fields (such as `status`) are refused. */
export const applicationInputSchema = z.strictObject({ callId, ...applicationFields }).superRefine(checkAuthorityKinds);
export type ApplicationInput = z.infer<typeof applicationInputSchema>;

/** A resubmission after changes were requested: the same application, its call unchanged. */
export const resubmissionSchema = z.strictObject(applicationFields).superRefine(checkAuthorityKinds);
export type Resubmission = z.infer<typeof resubmissionSchema>;
