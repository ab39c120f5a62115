import type { CallDocument, DocumentFormat } from '../schemas/call.ts';
import type { DocumentRule } from './call-rules.ts';

/**
 * A draft's documents: what a file must be to count, told from what S3 says of it (size, content
 * type, first bytes, the malware scan's verdict). Pure: no I/O; the use cases read and write.
 *
 * A document is `UPLOADED` when its upload was granted (its record written before the presigned
 * POST), then `ACCEPTED` or `REFUSED` (with its reason) once `complete` has looked at the object.
 */

export const documentStatuses = ['UPLOADED', 'ACCEPTED', 'REFUSED'] as const;
export type DocumentStatus = (typeof documentStatuses)[number];

/** Why a stored file was refused (its record keeps the code; the catalogues word it, `documentRefusals`). */
export const refusalReasons = ['empty', 'too-large', 'wrong-format', 'content-type', 'threat', 'unknown-type'] as const;
export type RefusalReason = (typeof refusalReasons)[number];

/** The malware scan's verdict on an accepted file: `pending` is checked again before any download. */
export type ScanVerdict = 'clean' | 'threat' | 'pending' | 'unscanned';

/** A document of a draft (and, once filed, of its application): its file name is metadata only. */
export interface DraftDocument {
  documentId: string;
  /** The call's document type it answers. */
  type: string;
  /** Sanitised (`sanitizeFilename`): the name a download gets, never a path. */
  filename: string;
  /** The format's content type, the one the upload was signed for. */
  contentType: string;
  /** Declared when the upload was granted; the stored object's once checked. */
  size: number;
  status: DocumentStatus;
  reason?: RefusalReason;
  /** The scan's verdict when it was accepted. */
  scan?: Exclude<ScanVerdict, 'threat'>;
  /** Who asked for the upload: the lead's contact or the partner's (a draft's roles). */
  by: 'lead' | 'partner';
  uploadedAt: string;
  /** When `complete` settled it. */
  checkedAt?: string;
}

/** The object key of a document: under its draft's (then application's) prefix, nothing else. */
export const documentPrefix = (draftId: string): string => `applications/${draftId}/`;
export const documentKey = (draftId: string, documentId: string): string => `${documentPrefix(draftId)}${documentId}`;

/** How many first bytes `complete` reads: enough for every signature below, and for a CSV's first lines. */
export const HEAD_BYTES = 4096;

/** How long a presigned POST stays valid. */
export const UPLOAD_EXPIRY_SECONDS = 15 * 60;

/** The content type each format is uploaded and downloaded with. */
export const CONTENT_TYPES: Readonly<Record<DocumentFormat, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  csv: 'text/csv',
};

/** The file name extensions of each format, the first one the one a name is given when it has none of them. */
export const EXTENSIONS: Readonly<Record<DocumentFormat, readonly string[]>> = {
  pdf: ['pdf'],
  png: ['png'],
  jpeg: ['jpg', 'jpeg'],
  xlsx: ['xlsx'],
  ods: ['ods'],
  csv: ['csv'],
};

/** The format a declared content type names (case and parameters aside: `text/csv; charset=utf-8`), if any. */
export function formatOfContentType(contentType: string): DocumentFormat | undefined {
  const bare = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const found = (Object.entries(CONTENT_TYPES) as [DocumentFormat, string][]).find(([, type]) => type === bare);
  return found?.[0];
}

const startsWith = (head: Uint8Array, signature: readonly number[], at = 0): boolean =>
  head.length >= at + signature.length && signature.every((byte, i) => head[at + i] === byte);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const PDF = ascii('%PDF-');
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const ZIP_ENTRY = [0x50, 0x4b, 0x03, 0x04];
const ODS_MIMETYPE = CONTENT_TYPES.ods;

/** The first entry of a ZIP archive, from its local file header: its name, how it is stored, and its data if it is in `head`. */
function firstZipEntry(head: Uint8Array): { name: string; stored: boolean; data: Uint8Array } | undefined {
  if (!startsWith(head, ZIP_ENTRY) || head.length < 30) return undefined;
  const u16 = (at: number) => (head[at] ?? 0) | ((head[at + 1] ?? 0) << 8);
  const method = u16(8);
  const nameLength = u16(26);
  const extraLength = u16(28);
  const size = u16(18) | (u16(20) << 16);
  const nameEnd = 30 + nameLength;
  if (nameEnd > head.length) return undefined;
  const name = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(30, nameEnd));
  const dataStart = nameEnd + extraLength;
  return { name, stored: method === 0, data: head.subarray(dataStart, Math.min(head.length, dataStart + size)) };
}

/**
 * An OOXML package's parts: the workbook writers we know put one of these first (Excel
 * `[Content_Types].xml`, openpyxl `docProps/…`, others `_rels/.rels` or `xl/…`); the order of a
 * ZIP's entries is free, so no single name can be required.
 */
const OOXML_FIRST_PART = /^(?:\[Content_Types\]\.xml|_rels\/\.rels|docProps\/|xl\/|customXml\/)/;

/**
 * Text as a CSV must be: valid UTF-8 (a BOM allowed), with no NUL and no control character but
 * tab, CR and LF (C1 controls and DEL included). `truncated`: `head` stops inside the file, so a
 * character cut at its end is not an error.
 */
function isCsvText(head: Uint8Array, truncated: boolean): boolean {
  let bytes = head;
  if (truncated) {
    // Drop a multi-byte sequence cut by the end of what was read (at most 3 bytes).
    let lead = bytes.length - 1;
    while (lead >= 0 && bytes.length - lead <= 3 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead--;
    const first = bytes[lead] ?? 0;
    const needed = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
    if (lead >= 0 && needed > bytes.length - lead) bytes = bytes.subarray(0, lead);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return false;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is refused.
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(text);
}

/**
 * The format the first bytes of a file show, if it is one of ours. What is checked, in the first
 * `HEAD_BYTES` bytes: PDF `%PDF-`; PNG its 8-byte signature; JPEG `FF D8 FF`; ODS a ZIP whose first
 * entry is `mimetype`, stored, holding `application/vnd.oasis.opendocument.spreadsheet` (as the
 * OpenDocument format requires); XLSX a ZIP whose first entry is a part of an OOXML package (any
 * other ZIP is no spreadsheet of ours); CSV text (see `isCsvText`). A ZIP's content beyond its
 * first entry, and a CSV beyond its first bytes, are not read.
 */
export function sniffFormat(head: Uint8Array, size: number): DocumentFormat | undefined {
  if (startsWith(head, PDF)) return 'pdf';
  if (startsWith(head, PNG)) return 'png';
  if (startsWith(head, JPEG)) return 'jpeg';
  const entry = firstZipEntry(head);
  if (entry) {
    if (entry.name === 'mimetype') {
      return entry.stored && new TextDecoder().decode(entry.data) === ODS_MIMETYPE ? 'ods' : undefined;
    }
    return OOXML_FIRST_PART.test(entry.name) ? 'xlsx' : undefined;
  }
  if (startsWith(head, ZIP_ENTRY)) return undefined;
  return head.length > 0 && isCsvText(head, size > head.length) ? 'csv' : undefined;
}

/** Characters a file name never keeps: controls (C0, DEL, C1) and the bidi embeddings, overrides, isolates and marks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is removed.
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Longest name kept, in characters, its extension included. */
export const MAX_FILENAME = 200;

/**
 * A file name fit to keep as metadata and to offer a download under: its last path part only
 * (`../`, `C:\…` gone), no control or bidi-control character, in NFC, no leading dots or spaces
 * nor trailing dots or spaces, at most 200 characters (the extension kept), and ending with an
 * extension of `format` (added when it has another: `notes.html` declared CSV becomes
 * `notes.html.csv`, so nothing opens it as what it is not). Never empty.
 */
export function sanitizeFilename(raw: string, format: DocumentFormat): string {
  const cleaned = raw.toWellFormed().normalize('NFC').replace(UNSAFE_IN_NAME, '');
  const base = (cleaned.split(/[/\\]/).pop() ?? '').replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  const known = EXTENSIONS[format];
  const [stem, suffix] = known.includes(extension) ? [base.slice(0, dot), base.slice(dot)] : [base, `.${known[0]}`];
  const room = MAX_FILENAME - [...suffix].length;
  // Cut by code points, never inside a surrogate pair; trailing dots and spaces of the cut go too.
  const cut = [...stem]
    .slice(0, room)
    .join('')
    .replace(/[\s.]+$/, '');
  return `${cut || 'document'}${suffix}`;
}

/** What S3 holds for a document (shared/ports `StoredObject`), as the rules read it. */
export interface StoredFile {
  size: number;
  contentType: string | undefined;
  head: Uint8Array;
  scan: ScanVerdict;
}

export type Verdict = { status: 'ACCEPTED'; scan: Exclude<ScanVerdict, 'threat'> } | { status: 'REFUSED'; reason: RefusalReason };

/**
 * Whether a stored file counts as the document it was declared to be, first failure first:
 * not a type of the call any more, flagged by the scan, empty, over the type's limit, stored with
 * another content type than the one signed, or first bytes of another format. A scan still
 * `pending` (or no scan, locally) does not hold it back; the download checks it again.
 */
export function judgeUpload(document: Pick<DraftDocument, 'contentType'>, rule: DocumentRule | undefined, file: StoredFile): Verdict {
  if (!rule) return { status: 'REFUSED', reason: 'unknown-type' };
  if (file.scan === 'threat') return { status: 'REFUSED', reason: 'threat' };
  if (file.size <= 0) return { status: 'REFUSED', reason: 'empty' };
  if (file.size > rule.maxBytes) return { status: 'REFUSED', reason: 'too-large' };
  const declared = formatOfContentType(document.contentType);
  if (declared === undefined || file.contentType === undefined || formatOfContentType(file.contentType) !== declared) {
    return { status: 'REFUSED', reason: 'content-type' };
  }
  if (!rule.formats.includes(declared) || sniffFormat(file.head, file.size) !== declared) return { status: 'REFUSED', reason: 'wrong-format' };
  return { status: 'ACCEPTED', scan: file.scan };
}

/** Why a required document does not count: missing, or refused (or never checked) — with its type. */
export interface DocumentShortfall {
  type: string;
  problem: 'missing' | 'refused' | 'unchecked';
}

/**
 * Each required document of the call that has no accepted file, in the call's order: `refused`
 * when its only files were refused, `unchecked` when a file was uploaded but never completed,
 * `missing` when there is none. Documents of a type the call does not ask for count for nothing.
 */
export function documentShortfalls(
  required: readonly Pick<CallDocument, 'type' | 'required'>[],
  documents: readonly Pick<DraftDocument, 'type' | 'status'>[],
): DocumentShortfall[] {
  return required
    .filter((d) => d.required)
    .flatMap((d): DocumentShortfall[] => {
      const files = documents.filter((f) => f.type === d.type);
      if (files.some((f) => f.status === 'ACCEPTED')) return [];
      if (files.some((f) => f.status === 'UPLOADED')) return [{ type: d.type, problem: 'unchecked' }];
      return [{ type: d.type, problem: files.length > 0 ? 'refused' : 'missing' }];
    });
}

/** A draft's documents as a list, oldest first (the item keeps them by id). */
export function documentList(documents: Readonly<Record<string, DraftDocument>> | undefined): DraftDocument[] {
  return Object.values(documents ?? {}).sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt) || a.documentId.localeCompare(b.documentId));
}
