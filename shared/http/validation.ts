import type { z } from 'zod';
import { ValidationError, type Issue } from '../domain/errors.ts';

const dotted = (path: readonly PropertyKey[]) => path.map(String).join('.');

/**
 * zod issues as the API reports them: dotted paths (`budget.requestedAmount`). An unknown field is
 * reported at its own path (`status`), not at its parent's, so a form can point at it.
 */
export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.flatMap((issue): Issue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: dotted([...issue.path, key]), message: 'champ inconnu' }))
      : [{ path: dotted(issue.path), message: issue.message }],
  );
}

/** Parses with `schema` or throws a ValidationError (400) listing every issue. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, message = 'Certains champs sont invalides.'): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(message, issuesOf(result.error));
  return result.data;
}
