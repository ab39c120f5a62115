import { documentKey } from '../domain/documents.ts';
import { scanVerdictOf } from '../domain/malware-scan.ts';
import type { Clock, DocumentScanRecord, DocumentStore, Repository } from '../ports/index.ts';

export interface RecordScanPorts {
  repository: Repository;
  documents: Pick<DocumentStore, 'remove'>;
  clock: Clock;
}

/** A document's key: `applications/{draft or application id}/{documentId}`, nothing else. */
const DOCUMENT_KEY = /^applications\/([A-Za-z0-9_-]{1,64})\/([A-Za-z0-9_-]{1,64})$/;

export type RecordScanResult =
  /** The key names no document of ours: nothing was done. */
  | { outcome: 'unknown-key'; key: string }
  | ({ outcome: 'recorded'; applicationId: string; documentId: string; verdict: 'clean' | 'threat'; removed: boolean } & DocumentScanRecord);

/**
 * GuardDuty's verdict on an object of the documents' bucket, after the fact (its EventBridge
 * event; the upload's `complete` may have come before it, with the scan still pending, or not yet).
 * 1. The key must be a document's (`applications/{id}/{documentId}`); any other is only reported.
 * 2. The verdict (`NO_THREATS_FOUND` clean, any other result a threat: fail closed) is recorded on
 *    the draft's document and on the application's, one conditional write each
 *    (`recordDocumentScan`): a threat refuses the document with reason `threat`, a clean scan lets
 *    the decision pages offer its download.
 * 3. A threat's object is deleted, every version, as every refused file is: whether or not a
 *    record named it, nothing may download it. Idempotent: a replayed event records nothing new
 *    and deletes what is already gone.
 */
export async function recordScan(ports: RecordScanPorts, event: { key: string; result: string | undefined }): Promise<RecordScanResult> {
  const match = DOCUMENT_KEY.exec(event.key);
  if (!match) return { outcome: 'unknown-key', key: event.key };
  const [, applicationId = '', documentId = ''] = match;
  const verdict = scanVerdictOf(event.result) === 'clean' ? 'clean' : 'threat';
  const recorded = await ports.repository.recordDocumentScan(applicationId, documentId, verdict, ports.clock.now().toISOString());
  if (verdict === 'threat') await ports.documents.remove(documentKey(applicationId, documentId));
  return { outcome: 'recorded', applicationId, documentId, verdict, removed: verdict === 'threat', ...recorded };
}
