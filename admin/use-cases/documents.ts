import type { DraftDocument } from '../../shared/domain/documents.ts';
import { documentKey, formatOfContentType, sanitizeFilename } from '../../shared/domain/documents.ts';
import { requireApplication } from './applications.ts';
import type { AdminPorts, DocumentDownload, Progress } from './context.ts';

/** Characters some file systems refuse in a name (Windows', beside the controls and `/` `\` already gone). */
const UNSAFE_ON_DISK = /[<>:"|?*]/g;
/** Names Windows keeps for devices, whatever their extension. */
const DEVICE = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
/** The usual limit of a file name, in bytes (ext4, APFS); a 200-character Arabic name is twice that. */
const MAX_NAME_BYTES = 255;

const bytesOf = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The name a document gets in a local folder: the stored name sanitised again (it was when it was
 * uploaded; a record may be older than today's rules), then what file systems refuse besides
 * (`<>:"|?*`, a device name, more than 255 bytes), and ` (2)`, ` (3)`… before the extension when
 * another document of the application already took that name (`taken`, compared without case, as
 * macOS and Windows do).
 */
export function localFileName(document: Pick<DraftDocument, 'filename' | 'contentType'>, taken: ReadonlySet<string> = new Set()): string {
  const format = formatOfContentType(document.contentType) ?? 'pdf';
  const clean = sanitizeFilename(document.filename, format).replace(UNSAFE_ON_DISK, '_');
  const dot = clean.lastIndexOf('.');
  const extension = clean.slice(dot);
  let stem = clean.slice(0, dot);
  if (DEVICE.test(stem)) stem = `_${stem}`;
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? extension : ` (${n})${extension}`;
    let cut = stem;
    // Cut by code points until the name fits in bytes (never inside a character).
    while (cut.length > 0 && bytesOf(cut) + bytesOf(suffix) > MAX_NAME_BYTES) cut = [...cut].slice(0, -1).join('');
    const name = `${cut.replace(/[\s.]+$/, '') || 'document'}${suffix}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/** Where fetched documents go: a folder of the local file system in the CLI, a map in tests. */
export interface DocumentFolder {
  /** Where it is, for messages. */
  label: string;
  /** Takes `name` for a document to come; `undefined` (nothing changed) when it holds that name already and may not replace it. */
  create(name: string, options: { replace: boolean }): Promise<FolderFile | undefined>;
}

export interface FolderFile {
  /** Writes the whole body: the file then holds it, and nothing else (a replaced file, only once all of it arrived). */
  fill(body: AsyncIterable<Uint8Array>): Promise<void>;
  /** Gives the name up (nothing came to put in it): what was there before stays. */
  discard(): Promise<void>;
}

export interface FetchedDocument {
  documentId: string;
  type: string;
  /** The name as the applicant's file had it (sanitised on upload). */
  filename: string;
  /** The name in the folder. */
  file: string;
  size: number;
  outcome: 'written' | 'kept' | 'skipped';
  /** Why it was skipped: flagged by the scan, its scan not finished, gone from the bucket. */
  reason?: 'threat' | 'scan-pending' | 'missing';
}

export interface FetchResult {
  applicationId: string;
  folder: string;
  documents: FetchedDocument[];
  /** Documents not fetched because they were never accepted (uploaded unchecked, or refused). */
  notAccepted: number;
}

/**
 * `applications documents`: an application's accepted documents, saved in a folder.
 * 1. The application must exist; only its ACCEPTED documents are fetched, oldest first.
 * 2. Each gets its local name (`localFileName`), unique within the application.
 * 3. Where the stage scans (the document's record says so), the object's verdict is read again
 *    first: a file flagged since, or whose scan has not finished, is never fetched.
 * 4. A file of that name already in the folder is kept (nothing downloaded) unless `replace`;
 *    otherwise the object is streamed into it.
 */
export async function fetchDocuments(
  { repository, documents }: Pick<AdminPorts, 'repository' | 'documents'>,
  request: { applicationId: string; folder: DocumentFolder; replace?: boolean; progress?: Progress },
): Promise<FetchResult> {
  const application = await requireApplication(repository, request.applicationId);
  const all = application.documents ?? [];
  const accepted = all.filter((d) => d.status === 'ACCEPTED');
  const taken = new Set<string>();
  const result: FetchResult = { applicationId: application.id, folder: request.folder.label, documents: [], notAccepted: all.length - accepted.length };
  for (const [i, document] of accepted.entries()) {
    const file = localFileName(document, taken);
    taken.add(file.toLowerCase());
    const key = documentKey(application.id, document.documentId);
    const row = { documentId: document.documentId, type: document.type, filename: document.filename, file, size: document.size };
    const skipped = (reason: FetchedDocument['reason']) => result.documents.push({ ...row, outcome: 'skipped', reason });
    request.progress?.({ done: i, total: accepted.length, what: 'documents fetched' });

    if (document.scan !== undefined && document.scan !== 'unscanned') {
      const scan = (await documents.inspect(key, 0))?.scan;
      if (scan === undefined) {
        skipped('missing');
        continue;
      }
      if (scan === 'threat' || scan === 'pending') {
        skipped(scan === 'threat' ? 'threat' : 'scan-pending');
        continue;
      }
    }
    const target = await request.folder.create(file, { replace: request.replace ?? false });
    if (!target) {
      result.documents.push({ ...row, outcome: 'kept' });
      continue;
    }
    let object: DocumentDownload | undefined;
    try {
      object = await documents.download(key);
      if (object) await target.fill(object.body);
      else await target.discard();
    } catch (error) {
      await target.discard();
      throw error;
    }
    if (!object) skipped('missing');
    else result.documents.push({ ...row, size: object.size, outcome: 'written' });
  }
  request.progress?.({ done: accepted.length, total: accepted.length, what: 'documents fetched' });
  return result;
}
