import * as z from 'zod';
import { madPerEur, share, sideGrants, wholeDirhams, wholeEuros } from './budget.ts';
import { isoDateTime, localizedText, positiveEuros, text } from './common.ts';

export const callId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'identifiant d’appel invalide (lettres, chiffres, - et _)');

export const theme = z.strictObject({
  code: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'code de thème invalide'),
  /** In the fund's languages (French required). */
  label: localizedText(120),
});

/** The formats a call may accept for a document (what `complete` recognises from the first bytes). */
export const documentFormats = ['pdf', 'png', 'jpeg', 'xlsx', 'ods', 'csv'] as const;
export const documentFormat = z.enum(documentFormats);
export type DocumentFormat = z.infer<typeof documentFormat>;

/** The code of a type of document (`deliberation-fr`, `budget-sheet`): unique in its call. */
export const documentType = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'type de pièce invalide (minuscules, chiffres, - et _)');

/** Largest size a call may allow for one file (S3 presigned POSTs stay well under 5 GB). */
export const MAX_DOCUMENT_BYTES = 100 * 1024 * 1024;

/** A document a call asks for: who provides it (a side, or `any`), in which formats, how big at most. */
export const callDocumentSchema = z.strictObject({
  type: documentType,
  side: z.enum(['FR', 'MA', 'any']),
  /** In the fund's languages (French required). */
  label: localizedText(200),
  formats: z
    .array(documentFormat)
    .min(1, 'au moins un format')
    .refine((formats) => new Set(formats).size === formats.length, 'format en double'),
  /** Bytes a file may have (10 MB when the call does not say, shared/domain/call-rules.ts). */
  maxBytes: z.number().int().min(1).max(MAX_DOCUMENT_BYTES).optional(),
  required: z.boolean(),
});
export type CallDocument = z.infer<typeof callDocumentSchema>;

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
    // The joint dossier's rules. Optional: a call written before them reads with the defaults of
    // shared/domain/call-rules.ts (a French side only, filed without the partner's confirmation).
    /** Both sides of the fund: France in EUR (MEAE), Morocco in MAD (DGCT). */
    envelopes: z
      .strictObject({
        FR: z.strictObject({ amount: wholeEuros, currency: z.literal('EUR') }),
        MA: z.strictObject({ amount: wholeDirhams, currency: z.literal('MAD') }),
      })
      .optional(),
    /** Dirhams for one euro, frozen for the call (required when the Moroccan side grants anything). */
    madPerEur: madPerEur.optional(),
    /** The lead's own contribution, at least this share of the total cost. */
    minLeadShare: share.optional(),
    /** The lead's in-kind contribution, at most this share of its contribution. */
    maxInKindShare: share.optional(),
    /** What each side may grant one project (France in EUR, Morocco in MAD). */
    grants: sideGrants.optional(),
    /** Days the partner has to confirm a request to file made before the close. */
    partnerConfirmationDays: z.number().int().min(1).max(60).optional(),
    /** Whether the Moroccan partner must confirm before an application is filed (by default: when the call has both envelopes). */
    requirePartnerConfirmation: z.boolean().optional(),
    /** The documents an application gives (none for a call written before them). */
    documents: z
      .array(callDocumentSchema)
      .max(40)
      .refine((documents) => new Set(documents.map((d) => d.type)).size === documents.length, 'type de pièce en double')
      .optional(),
    /** Files an application may hold at most (20 when the call does not say). */
    maxDocuments: z.number().int().min(1).max(100).optional(),
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
  .refine((c) => c.madPerEur !== undefined || ((c.envelopes?.MA.amount ?? 0) === 0 && (c.grants?.MA.max ?? 0) === 0), {
    message: 'cours du dirham requis quand le côté marocain accorde des fonds',
    path: ['madPerEur'],
  })
  .refine((c) => c.envelopes === undefined || c.envelopes.FR.amount === c.envelope, {
    message: 'l’enveloppe française doit être l’enveloppe de l’appel',
    path: ['envelopes', 'FR', 'amount'],
  })
  .refine((c) => c.grants === undefined || (c.grants.FR.min === c.grant.min && c.grants.FR.max === c.grant.max), {
    message: 'les bornes françaises doivent être celles de l’appel (grant)',
    path: ['grants', 'FR'],
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

/** The fields a call may leave out (its dossier rules then take their defaults, shared/domain/call-rules.ts). */
export const optionalCallFields = Object.entries(callSchema.shape)
  .filter(([, field]) => field.safeParse(undefined).success)
  .map(([name]) => name as keyof Call);
