import { CONTENT_TYPES, EXTENSIONS } from '../../domain/documents.ts';
import { fill, formatFileSize } from '../../i18n/format.ts';
import type { DocumentFormat } from '../../schemas/call.ts';
import type { DraftClientTexts } from '../draft-page.ts';

/**
 * The draft page's documents, with a script: each type's form gets a file input; a chosen file
 * is granted an upload (`POST /drafts/{id}/documents`, JSON), posted straight to storage (the
 * presigned POST's fields, then the file), then checked (`…/complete`), and the list shows it
 * accepted or refused with its reason; a delete is a `DELETE`. Without the script the same forms
 * post and the server answers with pages.
 */

type Texts = DraftClientTexts;
type Refusal = keyof Texts['documents']['refusals'];

const FORMAT_OF_EXTENSION = new Map(
  Object.entries(EXTENSIONS).flatMap(([format, extensions]) => extensions.map((e) => [e, format as DocumentFormat] as const)),
);

/** The path of a document's route, from the form's (`…/documents?sig=…&lang=…`): `…/documents/{id}{suffix}?sig=…`. */
const documentUrl = (action: string, documentId: string, suffix = '') => {
  const url = new URL(action);
  return `${url.origin}${url.pathname}/${encodeURIComponent(documentId)}${suffix}${url.search}`;
};

/** Why the API refused (its issues' messages), or `fallback`. */
async function reasonOf(response: Response, fallback: string): Promise<string> {
  try {
    const problem = (await response.json()) as { message?: string; issues?: { message: string }[] };
    return problem.issues?.map((i) => i.message).join(' ') || problem.message || fallback;
  } catch {
    return fallback;
  }
}

function deleteOnClick(form: HTMLFormElement, texts: Texts, say: (text: string) => void): void {
  form.addEventListener('submit', async (event) => {
    const url = form.dataset.delete;
    if (!url) return;
    event.preventDefault();
    const response = await fetch(url, { method: 'DELETE', headers: { Accept: 'application/json' } }).catch(() => undefined);
    // Anything but done: the form posts as it would without the script, and the page says why.
    if (!response?.ok) return form.submit();
    form.closest('li')?.remove();
    say(texts.documents.deleted);
  });
}

function uploads(form: HTMLFormElement, texts: Texts): void {
  const t = texts.documents;
  const status = form.querySelector<HTMLElement>('.upload-status');
  const found = form.parentElement?.querySelector<HTMLUListElement>('ul.files');
  if (!status || !found) return;
  const list: HTMLUListElement = found;
  const say = (text: string, error = false) => {
    status.textContent = text;
    status.className = error ? 'upload-status error' : 'upload-status';
  };
  const input = document.createElement('input');
  input.type = 'file';
  input.id = `file-${form.dataset.type}`;
  input.accept = form.dataset.accept ?? '';
  const label = document.createElement('label');
  label.htmlFor = input.id;
  label.textContent = t.choose;
  // The script sends the file itself: the button and the format's choice are for pages without it.
  for (const element of form.querySelectorAll<HTMLElement>('button, .field')) element.remove();
  status.before(label, ' ', input, ' ');
  for (const remove of list.querySelectorAll<HTMLFormElement>('form.delete')) deleteOnClick(remove, texts, say);

  const formats = (form.dataset.formats ?? '').split(',') as DocumentFormat[];
  const refusal = (reason: Refusal, format?: DocumentFormat) =>
    fill(t.refusals[reason], { format: format?.toUpperCase() ?? '', max: form.dataset.maxText ?? '', formats: formats.map((f) => f.toUpperCase()).join(', ') });

  function show(documentId: string, file: File, outcome: { status: 'ACCEPTED' | 'REFUSED' | 'UPLOADED'; reason?: Refusal }, format: DocumentFormat) {
    const item = document.createElement('li');
    item.dataset.document = documentId;
    item.dataset.status = outcome.status;
    const name = document.createElement('span');
    name.className = 'file-name';
    name.dir = 'auto';
    name.textContent = file.name;
    const state = document.createElement('strong');
    state.textContent = t.statuses[outcome.status];
    item.append(name, ` (${formatFileSize(texts.locale, file.size)}) — `, state, outcome.reason ? ` — ${refusal(outcome.reason, format)}` : '');
    const remove = document.createElement('form');
    remove.method = 'post';
    remove.action = documentUrl(form.action, documentId, '/delete');
    remove.className = 'delete';
    remove.dataset.delete = documentUrl(form.action, documentId);
    const button = document.createElement('button');
    button.type = 'submit';
    button.className = 'secondary';
    button.textContent = t.delete;
    remove.append(button);
    item.append(remove);
    deleteOnClick(remove, texts, say);
    list.append(item);
    form.parentElement?.querySelector('.none')?.remove();
  }

  async function send(file: File) {
    const format = FORMAT_OF_EXTENSION.get(file.name.split('.').pop()?.toLowerCase() ?? '');
    if (!format || !formats.includes(format)) return say(fill(t.failed, { reason: refusal('format-not-allowed') }), true);
    if (file.size === 0) return say(fill(t.failed, { reason: refusal('empty') }), true);
    if (file.size > Number(form.dataset.max)) return say(fill(t.failed, { reason: refusal('too-large') }), true);
    say(fill(t.uploading, { name: file.name }));
    const json = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const body = { type: form.dataset.type, filename: file.name, size: file.size, contentType: file.type || CONTENT_TYPES[format] };
    const granted = await fetch(form.action, { method: 'POST', headers: json, body: JSON.stringify(body) });
    if (!granted.ok) return say(fill(t.failed, { reason: await reasonOf(granted, t.network) }), true);
    const { documentId, upload } = (await granted.json()) as { documentId: string; upload: { url: string; fields: Record<string, string> } };
    const post = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) post.append(name, value);
    post.append('file', file);
    const stored = await fetch(upload.url, { method: 'POST', body: post });
    if (!stored.ok) {
      show(documentId, file, { status: 'UPLOADED' }, format);
      return say(fill(t.failed, { reason: stored.status === 400 ? refusal('too-large') : t.network }), true);
    }
    say(fill(t.checking, { name: file.name }));
    const checked = await fetch(documentUrl(form.action, documentId, '/complete'), { method: 'POST', headers: { Accept: 'application/json' } });
    if (!checked.ok) return say(fill(t.failed, { reason: await reasonOf(checked, t.network) }), true);
    const outcome = (await checked.json()) as { status: 'ACCEPTED' | 'REFUSED'; reason?: Refusal };
    show(documentId, file, outcome, format);
    const refused = outcome.status !== 'ACCEPTED';
    say(fill(refused ? t.refused : t.accepted, { name: file.name, reason: refused ? refusal(outcome.reason ?? 'wrong-format', format) : '' }), refused);
  }

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (!file) return;
    input.disabled = true;
    send(file)
      .catch(() => say(t.network, true))
      .finally(() => {
        input.disabled = false;
        input.value = '';
      });
  });
}

/** Sets up every type's form of the checklist. */
export function startDocuments(texts: Texts): void {
  for (const form of document.querySelectorAll<HTMLFormElement>('form.upload')) uploads(form, texts);
}
