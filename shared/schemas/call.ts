import * as z from 'zod';
import { isoDateTime, localizedText, positiveEuros, text } from './common.ts';

export const callId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'identifiant d’appel invalide (lettres, chiffres, - et _)');

export const theme = z.strictObject({
  code: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'code de thème invalide'),
  /** In the fund's languages (French required). */
  label: localizedText(120),
});

/** A call for projects (appel à projets): every eligibility rule is data carried here. */
export const callSchema = z
  .strictObject({
    id: callId,
    /** In the fund's languages (French required). */
    title: localizedText(200),
    opensAt: isoDateTime,
    closesAt: isoDateTime,
    themes: z.array(theme).min(1, 'au moins un thème'),
    durationMonths: z.strictObject({
      min: z.number().int().min(1),
      max: z.number().int().max(120),
    }),
    cofinancingCeiling: z.number().gt(0).max(1),
    grant: z.strictObject({ min: positiveEuros, max: positiveEuros }),
    envelope: positiveEuros,
  })
  .refine((c) => Date.parse(c.opensAt) < Date.parse(c.closesAt), {
    message: 'la clôture doit suivre l’ouverture',
    path: ['closesAt'],
  })
  .refine((c) => c.durationMonths.min <= c.durationMonths.max, {
    message: 'durée minimale supérieure à la maximale',
    path: ['durationMonths', 'max'],
  })
  .refine((c) => c.grant.min <= c.grant.max, {
    message: 'subvention minimale supérieure à la maximale',
    path: ['grant', 'max'],
  })
  .refine((c) => c.grant.max <= c.envelope, {
    message: 'subvention maximale supérieure à l’enveloppe',
    path: ['grant', 'max'],
  });
export type Call = z.infer<typeof callSchema>;

/** A reviewer (instructeur) of a call's roster; `authority` is where they work (conflict of interest). */
export const reviewerSchema = z.strictObject({
  name: text(120),
  email: z.email().max(254),
  authority: text(200),
});
export type Reviewer = z.infer<typeof reviewerSchema>;

export const coChairSide = z.enum(['FR', 'MA']);
export type CoChairSide = z.infer<typeof coChairSide>;

export const coChairSchema = z.strictObject({
  side: coChairSide,
  name: text(120),
  email: z.email().max(254),
});
export type CoChair = z.infer<typeof coChairSchema>;
