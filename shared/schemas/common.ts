import * as z from 'zod';
import { fr } from 'zod/locales';

// French is the administration's language: zod's own messages (wrong type, missing field) too.
z.config(fr());

/** Whole euros: amounts are integers, never floats of cents. */
export const euros = z.number().int('montant en euros entiers').nonnegative('montant négatif');
export const positiveEuros = z.number().int('montant en euros entiers').positive('montant nul ou négatif');

export const isoDate = z.iso.date({ message: 'date attendue au format AAAA-MM-JJ' });
export const isoDateTime = z.iso.datetime({ offset: true, message: 'horodatage ISO 8601 attendu' });

/** Trimmed, non-empty, bounded text: user-supplied strings never reach storage unbounded. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'champ obligatoire')
    .max(max, `${max} caractères au plus`)
    // A lone surrogate is no character: it cannot be shown, emailed, nor stored as valid UTF-8.
    .refine((s) => typeof s.isWellFormed !== 'function' || s.isWellFormed(), 'texte mal encodé');

/**
 * A text the fund publishes in its languages: `{fr, ar?, en?}`, French required (the fallback).
 * A plain string is the French text alone, as calls were written before they had translations.
 */
export const localizedText = (max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? { fr: value } : value),
    z.strictObject({ fr: text(max), ar: text(max).optional(), en: text(max).optional() }),
  );

export const email = z.email({ message: 'adresse électronique invalide' }).max(254);
