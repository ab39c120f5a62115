/**
 * Messages beside a form's fields, as the server renders them (shared/pages/fields.ts): an error
 * before the control (read first), a warning after it, each tied by `aria-describedby` under the
 * id `<name>-error` / `<name>-warning`; an error also sets `aria-invalid`. Used by the pages' scripts.
 */

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Shows (or removes, when `message` is undefined) a message of `kind` beside `field`. */
export function setMessage(field: Control | undefined, kind: 'error' | 'warning', message: string | undefined): void {
  if (!field) return;
  const id = `${field.name}-${kind}`;
  let node = document.getElementById(id);
  if (message) {
    if (!node) {
      node = document.createElement('span');
      node.id = id;
      node.className = kind === 'error' ? 'field-error' : 'field-warning';
      if (kind === 'error') field.before(node);
      else field.after(node);
    }
    node.textContent = message;
  } else {
    node?.remove();
  }
  const ids = new Set((field.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean));
  if (message) ids.add(id);
  else ids.delete(id);
  if (ids.size > 0) field.setAttribute('aria-describedby', [...ids].join(' '));
  else field.removeAttribute('aria-describedby');
  if (kind === 'error') {
    if (message) field.setAttribute('aria-invalid', 'true');
    else field.removeAttribute('aria-invalid');
  }
}
