import { pathTo } from '../catalogue/routes.ts';
import { type DocumentRule, documentRulesOf } from '../domain/call-rules.ts';
import { type DraftDocument, type DocumentShortfall, documentShortfalls, EXTENSIONS, formatOfContentType } from '../domain/documents.ts';
import { fill, fr, localize, type Catalogue } from '../i18n/index.ts';
import { formatFileSize, formatMegabytes } from '../i18n/format.ts';
import type { Call, DocumentFormat } from '../schemas/call.ts';
import { html, type SafeHtml } from './html.ts';
import { renderPage, type PageFrame } from './layout.ts';

/**
 * A draft's documents on its page: the checklist of what the call asks for (each type's label in
 * the page's language, its side, formats, size limit, required or not) with the files sent for it
 * and their status, the small forms that add, check and delete a file while the dossier is a
 * draft, and the page that holds the storage's upload form when the browser runs no script.
 */

type DocumentCall = Pick<Call, 'documents' | 'maxDocuments'>;

/** Where a form of the checklist posts (the link's `sig` and the page's language included). */
export type DocumentAction = (route: 'requestDocumentUpload' | 'completeDocument' | 'deleteDocumentForm' | 'deleteDocument', documentId?: string) => string;

export const formatsText = (formats: readonly DocumentFormat[]): string => formats.map((f) => f.toUpperCase()).join(', ');

/** The `accept` of a file input: the extensions of the formats. */
const acceptOf = (formats: readonly DocumentFormat[]) => formats.flatMap((f) => EXTENSIONS[f].map((e) => `.${e}`)).join(',');

/** Why a file was refused, in the page's language (its declared format and its type's limit filled in). */
export function refusalText(t: Catalogue, document: Pick<DraftDocument, 'reason' | 'contentType'>, rule: DocumentRule | undefined): string {
  if (!document.reason) return '';
  const format = formatOfContentType(document.contentType);
  return fill(t.documents.refusals[document.reason], {
    format: format ? format.toUpperCase() : '',
    max: rule ? formatMegabytes(t, rule.maxBytes) : '',
  });
}

/** What the call asks for that the draft has no accepted file for (required types only), as the missing list's items. */
export function documentShortfallItems(t: Catalogue, call: DocumentCall, documents: readonly DraftDocument[]): SafeHtml[] {
  const { documents: rules } = documentRulesOf(call);
  return documentShortfalls(rules, documents).map((s: DocumentShortfall) => {
    const rule = rules.find((r) => r.type === s.type);
    const label = rule ? localize(t, rule.label) : s.type;
    return html`<li><a href="#document-${s.type}">${fill(t.documents.shortfalls[s.problem], { label })}</a></li>`;
  });
}

/** The label of a document type, for a filing refused because of it (`documents.<type>`). */
export function documentTypeLabel(t: Catalogue, call: DocumentCall, type: string): string {
  const rule = documentRulesOf(call).documents.find((r) => r.type === type);
  return rule ? localize(t, rule.label) : type;
}

function fileRow(t: Catalogue, document: DraftDocument, rule: DocumentRule | undefined, editable: boolean, action: DocumentAction): SafeHtml {
  const dt = t.draft.documents;
  const reason = document.status === 'REFUSED' ? refusalText(t, document, rule) : '';
  // A file whose upload was opened without a script has no size until it is checked.
  const size = document.status !== 'UPLOADED' || document.size > 0 ? ` (${formatFileSize(t.meta.locale, document.size)})` : '';
  return html`<li data-document="${document.documentId}" data-status="${document.status}"><span class="file-name" dir="auto">${document.filename}</span>${size} — <strong>${dt.statuses[document.status]}</strong>${reason ? html` — <span class="reason">${reason}</span>` : ''}${
    document.scan === 'unscanned' ? ` (${dt.notScanned})` : ''
  }${
    editable
      ? html`${document.status === 'UPLOADED' ? html`<form method="post" action="${action('completeDocument', document.documentId)}"><button type="submit" class="secondary check">${dt.check}</button></form>` : ''}
<form method="post" action="${action('deleteDocumentForm', document.documentId)}" class="delete" data-delete="${action('deleteDocument', document.documentId)}"><button type="submit" class="secondary">${dt.delete}</button></form>`
      : ''
  }</li>`;
}

function uploadForm(t: Catalogue, rule: DocumentRule, action: DocumentAction): SafeHtml {
  const dt = t.draft.documents;
  const id = `format-${rule.type}`;
  return html`<form method="post" action="${action('requestDocumentUpload')}" accept-charset="utf-8" class="upload" data-type="${rule.type}" data-formats="${rule.formats.join(',')}" data-accept="${acceptOf(rule.formats)}" data-max="${rule.maxBytes}" data-max-text="${formatMegabytes(t, rule.maxBytes)}">
<input type="hidden" name="type" value="${rule.type}">
${
  rule.formats.length > 1
    ? html`<div class="field"><label for="${id}">${dt.format}</label>
<select id="${id}" name="format">${rule.formats.map((f) => html`<option value="${f}">${f.toUpperCase()}</option>`)}</select></div>`
    : ''
}
<button type="submit" class="secondary">${dt.send}</button> <span class="upload-status" aria-live="polite"></span>
</form>`;
}

/**
 * The checklist: one item per document the call lists, its files (name, size, status, a refusal's
 * reason, « not scanned » where no scan ran) and, while `editable`, a form to send one more and a
 * button to check or delete each. Nothing for a call that asks for no document.
 */
export function documentChecklist(
  t: Catalogue,
  call: DocumentCall,
  documents: readonly DraftDocument[],
  options: { editable: boolean; action: DocumentAction; scanned?: boolean },
): SafeHtml | '' {
  const { documents: rules, maxDocuments } = documentRulesOf(call);
  if (rules.length === 0) return '';
  const dt = t.draft.documents;
  const items = rules.map((rule) => {
    const files = documents.filter((d) => d.type === rule.type);
    const facts = fill(dt.rule, {
      side: dt.sides[rule.side],
      formats: formatsText(rule.formats),
      size: formatMegabytes(t, rule.maxBytes),
      need: rule.required ? dt.required : dt.optional,
    });
    return html`<li id="document-${rule.type}" data-type="${rule.type}" data-required="${String(rule.required)}">
<h3>${localize(t, rule.label)}</h3>
<p class="hint">${facts}</p>
${files.length === 0 ? html`<p class="none">${dt.none}</p>` : ''}
<ul class="files">${files.map((file) => fileRow(t, file, rule, options.editable, options.action))}</ul>
${options.editable ? uploadForm(t, rule, options.action) : ''}
</li>`;
  });
  return html`<section aria-labelledby="documents-title" id="documents">
<h2 id="documents-title">${dt.heading}</h2>
<p>${dt.intro} ${fill(dt.limit, { max: maxDocuments })}${options.scanned === false ? html` ${dt.notScannedStage}` : ''}</p>
<ul class="checklist">${items}</ul>
</section>`;
}

/**
 * The page a browser without a script gets once an upload is granted: the storage's own form
 * (`multipart/form-data` to the presigned POST's URL, its fields hidden, then the file), which
 * sends the file there directly; storage then sends the browser back to the draft's page.
 */
export function uploadSlotPage(
  frame: PageFrame,
  input: { rule: DocumentRule; format: DocumentFormat; upload: { url: string; fields: Record<string, string> }; back: string },
): string {
  const { t } = frame;
  const dt = t.draft.documents;
  const { rule, upload } = input;
  const title = fill(dt.slotTitle, { label: localize(t, rule.label) });
  const body = html`<h1>${title}</h1>
<p class="lead">${dt.slotHelp}</p>
<form id="upload-form" method="post" action="${upload.url}" enctype="multipart/form-data">
${Object.entries(upload.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<div class="field"><label for="file">${fill(dt.slotFile, { formats: input.format.toUpperCase(), size: formatMegabytes(t, rule.maxBytes) })}</label>
<input type="file" id="file" name="file" required accept="${acceptOf([input.format])}"></div>
<button type="submit">${dt.slotSend}</button>
</form>
<p class="hint">${dt.slotExpires}</p>
<p><a href="${input.back}">${t.draft.back}</a></p>`;
  return renderPage({ title, body, frame });
}

/** The query a checklist's form carries: the link's signature and the page's language. */
export function documentActions(baseUrl: string, id: string, query: { sig: string; lang: string }): DocumentAction {
  return (route, documentId) =>
    route === 'requestDocumentUpload' ? `${baseUrl}${pathTo(route, { id }, query)}` : `${baseUrl}${pathTo(route, { id, documentId: documentId ?? '' }, query)}`;
}

/**
 * A document's refusal as the use cases word it (French, the API's language) in the page's
 * language: matched against the French catalogue's refusals, its values carried over. Anything
 * else is kept as it is.
 */
export function localizeRefusal(t: Catalogue, message: string): string {
  for (const [code, template] of Object.entries(fr.documents.refusals) as [keyof Catalogue['documents']['refusals'], string][]) {
    const names: string[] = [];
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '(.+?)';
    });
    const match = new RegExp(`^${pattern}$`).exec(message);
    if (match) return fill(t.documents.refusals[code], Object.fromEntries(names.map((name, i) => [name, match[i + 1] ?? ''])));
  }
  return message;
}
