import type { z } from 'zod';
import type { FoundIssue, Issue } from '../domain/errors.ts';

const dotted = (path: readonly PropertyKey[]) => path.map(String).join('.');

/** What the API answers for a field it does not know. */
export const UNKNOWN_FIELD = 'champ inconnu';

/**
 * Issues as the API reports them: dotted paths (`budget.requestedAmount`). An unknown field is
 * reported at its own path (`status`), not at its parent's, so a form can point at it.
 */
export function formatIssues(issues: readonly FoundIssue[]): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    if (typeof issue.path === 'string') return [{ path: issue.path, message: issue.message }];
    const { path } = issue;
    return 'code' in issue && issue.code === 'unrecognized_keys' && issue.keys
      ? issue.keys.map((key) => ({ path: dotted([...path, key]), message: UNKNOWN_FIELD }))
      : [{ path: dotted(path), message: issue.message }];
  });
}

/** A zod error's issues as the API reports them. */
export const issuesOf = (error: z.ZodError): Issue[] => formatIssues(error.issues);
