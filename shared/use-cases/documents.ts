import { type DocumentRule, documentRulesOf } from '../domain/call-rules.ts';
import {
  CONTENT_TYPES,
  EXTENSIONS,
  type DraftDocument,
  documentKey,
  formatOfContentType,
  HEAD_BYTES,
  judgeUpload,
  type RefusalReason,
  sanitizeFilename,
  UPLOAD_EXPIRY_SECONDS,
} from '../domain/documents.ts';
import type { DraftRecord } from '../domain/draft.ts';
import { DocumentNotUploadedError, DraftGoneError, NotFoundError, TooManyDocumentsError, TransientError, ValidationError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { fill, formatMegabytes } from '../i18n/format.ts';
import { fr } from '../i18n/fr.ts';
import type { DocumentStore, DraftDocumentResult } from '../ports/index.ts';
import type { DocumentFormat } from '../schemas/call.ts';
import { documentRequestSchema, documentSlotSchema } from '../schemas/documents.ts';
import { beforeClose, type DraftReadPorts, type DraftRequest, openDraft, requireStatus } from './draft-access.ts';
import { parseOrThrow } from './validate.ts';

/**
 * A draft's documents, through the same edit links as the draft (either contact). The file itself
 * never passes through here: the upload is granted as a presigned POST for one exact key, the
 * browser sends the file straight to storage, and `complete` then looks at what arrived. Each
 * change of the draft is one conditional write on its item; the key is always built here from the
 * draft's id and a document id of ours, so no request can name an object outside its draft.
 */

export interface DocumentPorts extends DraftReadPorts {
  documents: DocumentStore;
  newId?: () => string;
}

/** What a stored document's check answers: its status, and why when it was refused. */
export interface DocumentCheck {
  documentId: string;
  status: DraftDocument['status'];
  reason?: RefusalReason;
}

const DOCUMENT_ID = /^[A-Za-z0-9_-]{22}$/;
const refusals = fr.documents.refusals;

/** The draft's document `documentId`: 404 for an id of the wrong shape, another draft's, or one deleted. */
function documentOf(draft: DraftRecord, documentId: string): DraftDocument {
  const document = DOCUMENT_ID.test(documentId) ? draft.documents?.[documentId] : undefined;
  if (!document) throw new NotFoundError('Cette pièce n’existe pas dans ce dossier.');
  return document;
}

/** A change of the documents the draft's item refused: said as the draft's own refusals are. */
function refused(result: Exclude<DraftDocumentResult, { outcome: 'done' }>, max: number): never {
  switch (result.reason) {
    case 'full':
      throw tooMany(max);
    case 'closed':
      throw new DraftGoneError(`L’appel à projets « ${result.current?.callId ?? ''} » est clos.`);
    case 'status':
      requireStatus(result.current ?? { status: 'SUBMITTED' }, 'DRAFT');
      throw new DraftGoneError('Ce dossier ne peut plus être modifié.');
    case 'exists':
      throw new TransientError('document id taken, try again');
    default:
      throw new NotFoundError('Cette pièce n’existe pas dans ce dossier.');
  }
}

const tooMany = (max: number) => {
  const message = fill(refusals['too-many'], { max });
  return new TooManyDocumentsError(message, [{ path: 'documents', message }]);
};

const invalid = (path: string, message: string) => new ValidationError('Ce fichier ne peut pas être envoyé.', [{ path, message }]);

/**
 * POST /drafts/{id}/documents. 1. The edit link (403/404/410). 2. `{type, filename, size,
 * contentType}` (400): a format the type accepts, a size within 1 byte and the type's limit, the
 * name sanitised. Then as every grant (`grant` below): a DRAFT of an open call, a type it asks
 * for, room for one more file, the record, the presigned POST.
 */
export async function requestUpload(
  ports: DocumentPorts,
  request: Pick<DraftRequest, 'id' | 'sig'> & { body: unknown; redirect?: string },
): Promise<{ documentId: string; document: DraftDocument; upload: { url: string; fields: Record<string, string> } }> {
  const opened = await openDraft(ports, request);
  const input = parseOrThrow(documentRequestSchema, request.body, 'La demande d’envoi est invalide.');
  return grant(
    ports,
    opened,
    input.type,
    (rule) => {
      const format = formatOfContentType(input.contentType);
      if (!format || !rule.formats.includes(format)) throw formatNotAllowed(rule);
      if (input.size === 0) throw invalid('size', refusals.empty);
      if (input.size > rule.maxBytes) throw invalid('size', fill(refusals['too-large'], { max: formatMegabytes(fr, rule.maxBytes) }));
      return { format, filename: sanitizeFilename(input.filename, format), size: input.size };
    },
    () => request.redirect,
  );
}

/**
 * POST /drafts/{id}/documents from the draft's page without JavaScript (a form: `type`, and
 * `format` when the type accepts several). The same rules as `requestUpload` but the file's name
 * and size, which the page cannot know before the file is sent: the document is named after its
 * type (`deliberation-fr.pdf`) and its size is 0 until `complete` reads it; storage still refuses
 * anything outside 1 byte..the type's limit. `redirect(documentId)` is where storage sends the
 * browser back (the draft's page, a GET that only shows).
 */
export async function openUploadSlot(
  ports: DocumentPorts,
  request: Pick<DraftRequest, 'id' | 'sig'> & { body: unknown; redirect: (documentId: string) => string },
): Promise<{
  documentId: string;
  document: DraftDocument;
  rule: DocumentRule;
  format: DocumentFormat;
  upload: { url: string; fields: Record<string, string> };
}> {
  const opened = await openDraft(ports, request);
  const input = parseOrThrow(documentSlotSchema, request.body, 'La demande d’envoi est invalide.');
  let chosen: { rule: DocumentRule; format: DocumentFormat } | undefined;
  const granted = await grant(
    ports,
    opened,
    input.type,
    (rule) => {
      const format = input.format ?? (rule.formats.length === 1 ? rule.formats[0] : undefined);
      if (!format || !rule.formats.includes(format)) throw formatNotAllowed(rule);
      chosen = { rule, format };
      return { format, filename: `${rule.type}.${EXTENSIONS[format][0]}`, size: 0 };
    },
    request.redirect,
  );
  return { ...granted, ...(chosen as NonNullable<typeof chosen>) };
}

const formatNotAllowed = (rule: DocumentRule) =>
  invalid('contentType', fill(refusals['format-not-allowed'], { formats: rule.formats.map((f) => f.toUpperCase()).join(', ') }));

/**
 * What both ways of asking share, after the link and the body: 3. A DRAFT (409/410) of a call
 * not yet closed (410), a type it asks for (400), what `describe` checks of the file (400), room
 * for one more file (409). 4. The document's record, `UPLOADED`, in one conditional write that
 * checks all of that again. 5. The presigned POST for its key only, `content-length-range` and
 * content type included, valid 15 minutes; `redirect` (the page's form) is where storage sends
 * the browser back.
 */
async function grant(
  ports: DocumentPorts,
  { draft, call, role }: Awaited<ReturnType<typeof openDraft>>,
  type: string,
  describe: (rule: DocumentRule) => { format: DocumentFormat; filename: string; size: number },
  redirect: (documentId: string) => string | undefined,
): Promise<{ documentId: string; document: DraftDocument; upload: { url: string; fields: Record<string, string> } }> {
  requireStatus(draft, 'DRAFT');
  const now = ports.clock.now();
  beforeClose(call, now);
  const { documents: rules, maxDocuments } = documentRulesOf(call);
  const rule = rules.find((r) => r.type === type);
  if (!rule) throw invalid('type', refusals['unknown-type']);
  const { format, filename, size } = describe(rule);
  if (Object.keys(draft.documents ?? {}).length >= maxDocuments) throw tooMany(maxDocuments);

  const document: DraftDocument = {
    documentId: (ports.newId ?? newId)(),
    type: rule.type,
    filename,
    contentType: CONTENT_TYPES[format],
    size,
    status: 'UPLOADED',
    by: role,
    uploadedAt: now.toISOString(),
  };
  const added = await ports.repository.addDraftDocument(draft.id, document, { max: maxDocuments, at: document.uploadedAt });
  if (added.outcome === 'refused') refused(added, maxDocuments);
  const back = redirect(document.documentId);
  const upload = await ports.documents.presignUpload({
    key: documentKey(draft.id, document.documentId),
    contentType: document.contentType,
    maxBytes: rule.maxBytes,
    expiresInSeconds: UPLOAD_EXPIRY_SECONDS,
    ...(back === undefined ? {} : { redirect: back }),
  });
  return { documentId: document.documentId, document, upload };
}

const checkOf = (document: DraftDocument): DocumentCheck => ({
  documentId: document.documentId,
  status: document.status,
  ...(document.reason === undefined ? {} : { reason: document.reason }),
});

/**
 * POST /drafts/{id}/documents/{documentId}/complete. 1. The edit link; the draft's own document
 * (404 otherwise). 2. Settled before: the same answer (and a refused file's object removed again,
 * should the first removal have failed). 3. A DRAFT (409/410). 4. What storage holds under its
 * key (409 when nothing arrived yet), judged (shared/domain/documents.ts `judgeUpload`): size,
 * content type, first bytes against the declared format, the scan's verdict. 5. `ACCEPTED` or
 * `REFUSED` in one conditional write from `UPLOADED` (a twin that came first gives its answer);
 * a refused file's object is removed.
 */
export async function completeUpload(ports: DocumentPorts, request: Pick<DraftRequest, 'id' | 'sig'> & { documentId: string }): Promise<DocumentCheck> {
  const { draft, call } = await openDraft(ports, request);
  const document = documentOf(draft, request.documentId);
  const key = documentKey(draft.id, document.documentId);
  if (document.status !== 'UPLOADED') {
    if (document.status === 'REFUSED') await ports.documents.remove(key);
    return checkOf(document);
  }
  requireStatus(draft, 'DRAFT');
  const stored = await ports.documents.inspect(key, HEAD_BYTES);
  if (!stored) throw new DocumentNotUploadedError(refusals['not-uploaded'], [{ path: 'file', message: refusals['not-uploaded'] }]);
  const rules = documentRulesOf(call);
  const verdict = judgeUpload(
    document,
    rules.documents.find((r) => r.type === document.type),
    stored,
  );
  const settled = await ports.repository.settleDraftDocument(draft.id, document.documentId, {
    ...verdict,
    size: stored.size,
    at: ports.clock.now().toISOString(),
  });
  if (settled.outcome === 'refused') {
    const current = settled.current?.documents?.[document.documentId];
    if (settled.reason === 'settled' && current) return checkOf(current);
    refused(settled, rules.maxDocuments);
  }
  if (verdict.status === 'REFUSED') {
    await ports.documents.remove(key);
    return { documentId: document.documentId, status: 'REFUSED', reason: verdict.reason };
  }
  return { documentId: document.documentId, status: 'ACCEPTED' };
}

/**
 * DELETE /drafts/{id}/documents/{documentId}: while a DRAFT (409/410), the draft's own document
 * (404 otherwise). Its record goes first (one conditional write), then its object: a failure in
 * between leaves an object no record names, which the application's purge removes with the rest.
 */
export async function deleteDocument(
  ports: DocumentPorts,
  request: Pick<DraftRequest, 'id' | 'sig'> & { documentId: string },
): Promise<{ documentId: string; status: 'DELETED' }> {
  const { draft, call } = await openDraft(ports, request);
  const document = documentOf(draft, request.documentId);
  requireStatus(draft, 'DRAFT');
  const removed = await ports.repository.removeDraftDocument(draft.id, document.documentId, ports.clock.now().toISOString());
  if (removed.outcome === 'refused') refused(removed, documentRulesOf(call).maxDocuments);
  await ports.documents.remove(documentKey(draft.id, document.documentId));
  return { documentId: document.documentId, status: 'DELETED' };
}
