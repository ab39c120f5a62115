import type { z } from 'zod';
import { ValidationError } from '../domain/errors.ts';

/**
 * Parses with `schema` or throws a ValidationError holding every issue as zod found it (the HTTP
 * layer words them for its clients).
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, message = 'Certains champs sont invalides.'): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(message, result.error.issues);
  return result.data;
}
