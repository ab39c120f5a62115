import { fill } from '../../i18n/format.ts';
import { flatten } from '../../text/dotted-fields.ts';
import { type ConflictRow, DRAFT_FORM_ONLY, draftFormDossier, mergeDossiers } from '../draft-merge.ts';
import type { DraftClientTexts } from '../draft-page.ts';
import { startDocuments } from './draft-documents.ts';
import { type Control, setMessage } from './messages.ts';

/**
 * The draft page's script. The page works without it (its form posts, the server answers with the
 * page: saved, refused, or what differs after someone else's save); with it, the dossier saves by
 * itself a moment after typing stops (`PUT /drafts/{id}` with the version it started from), what
 * is typed but not yet saved is kept in this browser until it is, a refused save shows its errors
 * beside the fields, and a stale one shows, field by field, what the other person changed while
 * the fields keep what this person typed. Built by `node scripts/build-client.ts` into
 * draft.bundle.ts; served at `/assets/draft.js` (the Content-Security-Policy allows no inline script).
 */

const SAVE_DELAY_MS = 1000;
const RETRY_MS = 5000;

/** What is kept in this browser until saved: the values, and the version (and values) they started from. */
interface Kept {
  version: number;
  shown: Record<string, string>;
  values: Record<string, string>;
}

interface DraftView {
  version: number;
  dossier: unknown;
  history?: { role: 'lead' | 'partner'; email: string; at: string; action: string }[];
}

/** Whether two sets of values differ in one section (`section.` names). */
function differs(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>, section: string): boolean {
  const prefix = `${section}.`;
  const names = new Set([...Object.keys(a), ...Object.keys(b)].filter((name) => name.startsWith(prefix)));
  return [...names].some((name) => (a[name] ?? '') !== (b[name] ?? ''));
}

function start(): void {
  const found = document.getElementById('draft-form');
  if (!(found instanceof HTMLFormElement) || !found.dataset.draft || !found.dataset.texts) return;
  const form: HTMLFormElement = found;
  const texts = JSON.parse(form.dataset.texts ?? '{}') as DraftClientTexts;
  const key = `coopfund:draft:${form.dataset.draft}`;
  const status = document.getElementById('autosave');
  const foundVersion = form.elements.namedItem('version');
  if (!(foundVersion instanceof HTMLInputElement)) return;
  const versionField: HTMLInputElement = foundVersion;

  const controls = (): Control[] =>
    [...form.elements].filter(
      (e): e is Control =>
        (e instanceof HTMLInputElement || e instanceof HTMLSelectElement || e instanceof HTMLTextAreaElement) &&
        e.name !== '' &&
        !DRAFT_FORM_ONLY.includes(e.name),
    );
  const control = (name: string): Control | undefined => controls().find((c) => c.name === name);
  /** Values the form holds, and those of rows the other person added that the page has no field for. */
  let beyond: Record<string, string> = {};
  const values = (): Record<string, string> => ({ ...beyond, ...Object.fromEntries(controls().map((c) => [c.name, c.value])) });
  /** Every section the form shows is sent, even emptied (as the form's post does). */
  const sections = [...new Set(controls().map((c) => c.name.split('.')[0] as string))];
  /** Values as the schema reads them (numbers without their spaces, empty rows closed up). */
  const readAs = (fields: Record<string, string>): Record<string, string> => {
    const nested = draftFormDossier(fields, []);
    return nested.ok ? flatten(nested.value) : fields;
  };

  let version = Number(versionField.value);
  /** What the fields held at that version: a field that differs from it is this person's change. */
  let shown = readAs(values());
  let timer: ReturnType<typeof setTimeout> | undefined;
  let saving = false;
  let again = false;

  function say(message: string): void {
    if (status) status.textContent = message;
  }

  function keep(): void {
    try {
      localStorage.setItem(key, JSON.stringify({ version, shown, values: values() } satisfies Kept));
    } catch {
      // Storage full or forbidden (private browsing): the save still goes to the server.
    }
  }
  function forget(): void {
    try {
      localStorage.removeItem(key);
    } catch {
      // Nothing kept.
    }
  }

  function setValues(fields: Record<string, string>): void {
    const names = new Set(controls().map((c) => c.name));
    beyond = Object.fromEntries(Object.entries(fields).filter(([name]) => !names.has(name)));
    for (const c of controls()) if (c.type !== 'hidden' && fields[c.name] !== undefined) c.value = fields[c.name] as string;
  }

  const later = (delay = SAVE_DELAY_MS) => {
    clearTimeout(timer);
    timer = setTimeout(() => void save(), delay);
  };

  async function save(): Promise<void> {
    if (saving) {
      again = true;
      return;
    }
    const typed = values();
    const dossier = draftFormDossier(typed, sections);
    if (!dossier.ok) {
      setMessage(control(dossier.unknownField), 'error', texts.unknownField);
      say(texts.autosave.refused);
      return;
    }
    // Only the sections this person changed since the version it started from: the others stay as
    // stored, and the draft's history names what each save changed.
    const now = readAs(typed);
    const changed = sections.filter((section) => differs(now, shown, section));
    if (changed.length === 0) {
      forget();
      return;
    }
    const whole = dossier.value as Record<string, unknown>;
    saving = true;
    try {
      const response = await fetch(form.action, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'If-Match': `"${version}"` },
        body: JSON.stringify(Object.fromEntries(changed.map((section) => [section, whole[section] ?? {}]))),
      });
      if (response.ok) saved(((await response.json()) as { version: number }).version, typed);
      else if (response.status === 409) stale(((await response.json()) as { current: DraftView }).current, dossier.value);
      else if (response.status === 400) refused(((await response.json()) as { issues?: { path: string }[] }).issues ?? []);
      else if (response.status >= 500 || response.status === 429) retry();
      // Filed, a closed call, a lapsed or forged link: no retry; the typed values stay kept here.
      else say(texts.autosave.stopped);
    } catch {
      retry();
    } finally {
      saving = false;
    }
    if (again) {
      again = false;
      later();
    }
  }

  function saved(next: number, typed: Record<string, string>): void {
    version = next;
    versionField.value = String(next);
    shown = readAs(typed);
    for (const c of controls()) setMessage(c, 'error', undefined);
    // Typed again while the save was on its way: kept until that is saved too.
    if (JSON.stringify(values()) === JSON.stringify(typed)) forget();
    else keep();
    const at = new Intl.DateTimeFormat(texts.locale, { hour: '2-digit', minute: '2-digit' }).format(new Date());
    say(fill(texts.autosave.saved, { at }));
  }

  function retry(): void {
    say(texts.autosave.failed);
    later(RETRY_MS);
  }

  function refused(issues: readonly { path: string }[]): void {
    const wrong = new Set(issues.map((i) => i.path));
    for (const c of controls()) setMessage(c, 'error', wrong.has(c.name) ? texts.invalid : undefined);
    say(texts.autosave.refused);
  }

  /** Someone saved in between: their changes taken in, this person's kept, what differs shown; the next save names their version. */
  function stale(current: DraftView, typed: unknown): void {
    const shownBefore = shown;
    const { values: merged, conflict } = mergeDossiers(current.dossier, typed, Object.keys(shownBefore), (path, value) => (shownBefore[path] ?? '') === value);
    version = current.version;
    versionField.value = String(current.version);
    shown = flatten(current.dossier);
    setValues(merged);
    keep();
    showConflict(current, conflict);
    say(texts.autosave.conflict);
  }

  /** A value as people read it: a choice by its name, an empty field said so. */
  function readable(path: string, value: string): string {
    if (value === '') return texts.conflict.empty;
    const c = control(path);
    if (c instanceof HTMLSelectElement) return [...c.options].find((o) => o.value === value)?.text ?? value;
    return value;
  }

  /** A field's name as the page labels it (a row's field: the row's legend, then the label). */
  function label(path: string): string {
    const own = document.querySelector(`label[for="${CSS.escape(path)}"]`)?.textContent ?? path;
    const row = /\.\d+\./.test(path) ? control(path)?.closest('fieldset')?.querySelector('legend')?.textContent : undefined;
    return row ? `${row} — ${own}` : own;
  }

  function showConflict(current: DraftView, rows: readonly ConflictRow[]): void {
    const c = texts.conflict;
    document.getElementById('conflict')?.remove();
    const box = document.createElement('div');
    box.className = 'error-summary';
    box.id = 'conflict';
    box.setAttribute('role', 'alert');
    box.setAttribute('aria-labelledby', 'conflict-title');
    const heading = document.createElement('h2');
    heading.id = 'conflict-title';
    heading.textContent = c.heading;
    box.append(heading);
    const last = [...(current.history ?? [])].reverse().find((e) => e.action === 'saved');
    if (last) {
      const intro = document.createElement('p');
      const at = new Intl.DateTimeFormat(texts.locale, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(last.at));
      intro.textContent = fill(c.intro, { who: `${texts.who[last.role]} (${last.email})`, at });
      box.append(intro);
    }
    const help = document.createElement('p');
    help.textContent = rows.length === 0 ? c.same : c.help;
    box.append(help);
    if (rows.length > 0) {
      const table = document.createElement('table');
      table.className = 'grid';
      table.id = 'conflict-fields';
      const head = table.createTHead().insertRow();
      for (const text of [c.field, c.theirs, c.yours, c.kept]) {
        const th = document.createElement('th');
        th.scope = 'col';
        th.textContent = text;
        head.append(th);
      }
      const body = table.createTBody();
      for (const row of rows) {
        const tr = body.insertRow();
        tr.dataset.field = row.path;
        const th = document.createElement('th');
        th.scope = 'row';
        const link = document.createElement('a');
        link.href = `#${row.path}`;
        link.textContent = label(row.path);
        th.append(link);
        tr.append(th);
        for (const text of [readable(row.path, row.theirs), readable(row.path, row.yours), row.kept === 'yours' ? c.keptYours : c.keptTheirs]) {
          const td = tr.insertCell();
          td.dir = 'auto';
          td.textContent = text;
        }
      }
      box.append(table);
    }
    (document.querySelector('dl.facts') ?? form).before(box);
  }

  function restore(): void {
    // A page the server sent back (errors, or a stale save) holds what was posted: it wins.
    if (document.getElementById('conflict') || document.querySelector('.error-summary')) return;
    let kept: Kept | null = null;
    try {
      kept = JSON.parse(localStorage.getItem(key) ?? 'null') as Kept | null;
    } catch {
      return;
    }
    if (!kept || typeof kept.version !== 'number' || typeof kept.values !== 'object') return;
    // Still the version they started from: if someone saved since, the save shows what differs.
    version = kept.version;
    versionField.value = String(kept.version);
    shown = kept.shown ?? shown;
    setValues(kept.values);
    say(texts.autosave.restored);
    later();
  }

  form.addEventListener('input', () => {
    keep();
    later();
  });
  form.addEventListener('change', () => {
    keep();
    later();
  });
  // The page's own button posts the form (the server answers with the page): no save of ours in between.
  form.addEventListener('submit', () => {
    clearTimeout(timer);
    forget();
  });

  restore();
  startDocuments(texts);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
