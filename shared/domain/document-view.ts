import type { Call } from '../schemas/call.ts';
import type { DraftDocument } from './documents.ts';
import type { Localized } from './localized.ts';

/**
 * A filed application's documents as people read them, on the decision pages and the tracking
 * page: the type, the file's name (metadata only), its size and where it stands. Never its key
 * nor a link: the decision pages add a download link themselves, when the file may be fetched.
 */
export interface DocumentEntry {
  type: string;
  filename: string;
  size: number;
  status: DraftDocument['status'];
  reason?: NonNullable<DraftDocument['reason']>;
}

export const documentEntry = (d: DraftDocument): DocumentEntry => ({
  type: d.type,
  filename: d.filename,
  size: d.size,
  status: d.status,
  ...(d.reason === undefined ? {} : { reason: d.reason }),
});

/** The call's label of each type of document, in every language it has. */
export function documentLabels(call: Pick<Call, 'documents'> | undefined): Record<string, Localized> {
  return Object.fromEntries((call?.documents ?? []).map((d) => [d.type, d.label]));
}
