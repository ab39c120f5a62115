import { DEFAULT_DOCUMENT_MAX_BYTES } from '../domain/call-rules.ts';
import type { DocumentEntry } from '../domain/document-view.ts';
import type { Localized } from '../domain/localized.ts';
import { formatMegabytes } from '../i18n/format.ts';
import { fill, localize, type Catalogue } from '../i18n/index.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * One row of a documents table. `access` (decision pages only): whether it may be downloaded now,
 * with `url` its link; without `access` (the tracking page) only its status is said.
 */
export type DocumentRow = DocumentEntry & {
  label?: Localized;
  maxBytes?: number;
  unscanned?: boolean;
  access?: 'download' | 'scanning' | 'refused' | 'unchecked';
  url?: string;
};

/** A file's size: kilobytes under a megabyte, megabytes above. */
function formatSize(t: Catalogue, bytes: number): string {
  if (bytes >= 1024 * 1024) return formatMegabytes(t, bytes);
  return new Intl.NumberFormat(t.meta.locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 }).format(Math.max(1, Math.round(bytes / 1024)));
}

/** Why a file was refused, in the page's language, with the figures its text names. */
function refusal(t: Catalogue, row: DocumentRow): string {
  const reason = row.reason ?? 'wrong-format';
  const text = (t.documents.refusals as Record<string, string>)[reason] ?? reason;
  const extension = row.filename.includes('.') ? (row.filename.split('.').pop() ?? '').toUpperCase() : '';
  return fill(t.documentList.refused, {
    reason: fill(text, { max: formatMegabytes(t, row.maxBytes ?? DEFAULT_DOCUMENT_MAX_BYTES), format: extension, formats: extension }),
  });
}

function statusOf(t: Catalogue, row: DocumentRow): SafeHtml | string {
  const l = t.documentList;
  if (row.status === 'REFUSED') return html`<span class="field-error">${refusal(t, row)}</span>`;
  if (row.status !== 'ACCEPTED') return l.unchecked;
  if (row.access === 'scanning') return l.scanning;
  return row.unscanned ? html`${l.accepted}<br><span class="muted">${l.unscanned}</span>` : l.accepted;
}

/**
 * The documents of an application as a table: the type (the call's label in the page's
 * language), the file's name — a download link when `url` is given, as an attachment — its size
 * and where it stands (refused with why, the scan in progress, not checked). `linksMinutes`: how
 * long the links stay valid, said under the table when there is a link.
 */
export function documentTable(t: Catalogue, rows: readonly DocumentRow[], options: { linksMinutes?: number } = {}): SafeHtml {
  const l = t.documentList;
  if (rows.length === 0)
    return html`<h2>${l.heading}</h2>
<p class="muted">${l.none}</p>`;
  const links = rows.some((r) => r.url !== undefined);
  return html`<h2>${l.heading}</h2>
<table class="grid documents">
<thead><tr><th scope="col">${l.type}</th><th scope="col">${l.file}</th><th scope="col">${l.size}</th><th scope="col">${l.status}</th></tr></thead>
<tbody>
${rows.map(
  (row) => html`<tr><th scope="row">${row.label ? localize(t, row.label) : row.type}</th><td>${
    row.url === undefined ? html`<bdi>${row.filename}</bdi>` : html`<a href="${row.url}" download><bdi>${row.filename}</bdi></a>`
  }</td><td>${formatSize(t, row.size)}</td><td>${statusOf(t, row)}</td></tr>
`,
)}</tbody>
</table>
${links && options.linksMinutes !== undefined ? html`<p class="hint">${fill(l.linksExpire, { minutes: options.linksMinutes })}</p>` : ''}`;
}
