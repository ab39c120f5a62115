import * as z from 'zod';
import type { Issue } from '../domain/errors.ts';
import { authoritySchema, checkAuthorityKinds, contactSchema, projectSchema } from './application.ts';
import { budgetDraftSchema, budgetSchema } from './budget.ts';
import { callId } from './call.ts';
import { email, text } from './common.ts';

/**
 * The joint dossier both authorities build: the project, each authority with its contact, and the
 * budget (cost lines and funding sources). `dossierSchema` is the dossier ready to be filed;
 * `dossierDraftSchema` a draft's, where anything may be missing but nothing present malformed:
 * the same fields, bounds and strictness (an unknown field is refused, at any depth).
 */

export { dossierSections, type DossierSection } from '../domain/dossier-sections.ts';

export const dossierSchema = z
  .strictObject({ project: projectSchema, leadAuthority: authoritySchema, partnerAuthority: authoritySchema, budget: budgetSchema })
  .superRefine(checkAuthorityKinds);
export type Dossier = z.infer<typeof dossierSchema>;

const contactDraft = contactSchema.partial();
const authorityDraft = authoritySchema.extend({ contact: contactDraft }).partial();

export const dossierDraftSchema = z
  .strictObject({
    project: projectSchema.partial().optional(),
    leadAuthority: authorityDraft.optional(),
    partnerAuthority: authorityDraft.optional(),
    budget: budgetDraftSchema.optional(),
  })
  .superRefine(checkAuthorityKinds);
export type DossierDraft = z.infer<typeof dossierDraftSchema>;

/** A person a draft is shared with: the lead's contact, the partner's. */
export const draftContactSchema = z.strictObject({ name: text(120), email });

/** `POST /drafts`: the call, and the lead authority (at least its contact, to send the edit link to). */
export const newDraftSchema = z.strictObject({
  callId,
  leadAuthority: authorityDraft.extend({ contact: contactSchema }).superRefine((a, ctx) => checkAuthorityKinds({ leadAuthority: a }, ctx)),
});
export type NewDraft = z.infer<typeof newDraftSchema>;

/** `POST /drafts/{id}/invite`: the partner's contact, who gets its own edit link. */
export const inviteSchema = z.strictObject({ contact: draftContactSchema });

/** `POST /drafts/{id}/return`: why the partner sends the dossier back to the lead. */
export const returnSchema = z.strictObject({ comment: text(2000) });

const MISSING = 'champ obligatoire';

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const segment of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[segment];
  }
  return at;
}

/**
 * What a well-formed draft still lacks to be filed: every missing field by its dotted path (and
 * every rule of the complete dossier it breaks, such as the first cost line), in one list. Empty:
 * the draft can be filed.
 */
export function missingFields(draft: DossierDraft): Issue[] {
  const result = dossierSchema.safeParse(draft);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: valueAt(draft, issue.path) === undefined ? MISSING : issue.message,
  }));
}
