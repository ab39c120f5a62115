import './jitless.ts';
import { fill, formatDay, formatEuros } from '../../i18n/format.ts';
import type { FieldIssue } from '../../i18n/issues.ts';
import type { PublicCall } from '../../use-cases/list-calls.ts';
import { shareText } from '../share.ts';
import { checkApplicationForm, FORM_ONLY_FIELDS } from '../application-validation.ts';
import type { ClientTexts } from '../form-page.ts';
import { type Control, setMessage as showMessage } from './messages.ts';

/**
 * The application form's script: the page works without it (the server checks and answers with
 * the same messages); with it, people see their mistakes before sending, beside each field, the
 * co-financing share as they type, the call's own bounds, and keep a draft in this browser.
 * Built once by `node scripts/build-client.ts` into form.bundle.ts; served by the API at
 * `/assets/form.js` (the Content-Security-Policy allows no inline script).
 */

/** A call as `GET /calls?lang=` answers it: its texts already in the page's language. */
type CallInfo = PublicCall;

const DRAFT_KEY = 'coopfund:application-draft:v1';
const DRAFT_DELAY_MS = 500;

function start(): void {
  const found = document.getElementById('application-form');
  if (!(found instanceof HTMLFormElement)) return;
  const form: HTMLFormElement = found;
  const texts = JSON.parse(form.dataset.texts ?? '{}') as ClientTexts;
  const t = { meta: texts.meta };
  // Our messages, in the page's language, replace the browser's bubbles.
  form.noValidate = true;

  const controls = (): Control[] =>
    [...form.elements].filter(
      (e): e is Control => (e instanceof HTMLInputElement || e instanceof HTMLSelectElement || e instanceof HTMLTextAreaElement) && e.name !== '',
    );
  const control = (name: string): Control | undefined => controls().find((c) => c.name === name);
  const values = (): Record<string, string> => Object.fromEntries(controls().map((c) => [c.name, c.value]));
  const touched = new Set<string>();
  let calls: CallInfo[] = [];

  // -- Messages beside the fields --------------------------------------------------------------

  /** Shows (or removes) a message of `kind` beside a field. */
  const setMessage = (name: string, kind: 'error' | 'warning', message: string | undefined): void => showMessage(control(name), kind, message);

  function check(): FieldIssue[] {
    const result = checkApplicationForm(values(), texts.validation);
    return result.ok ? [] : result.issues;
  }

  /** Errors of the fields in `names` (all when omitted); the others keep what they show. */
  function showErrors(issues: FieldIssue[], names?: ReadonlySet<string>): void {
    const byPath = new Map(issues.map((i) => [i.path, i.message]));
    for (const c of controls()) {
      if (c.type === 'hidden' || (names && !names.has(c.name))) continue;
      setMessage(c.name, 'error', byPath.get(c.name));
    }
  }

  function showSummary(issues: FieldIssue[]): void {
    document.getElementById('error-summary')?.remove();
    const box = document.createElement('div');
    box.className = 'error-summary';
    box.id = 'error-summary';
    box.setAttribute('role', 'alert');
    box.tabIndex = -1;
    box.setAttribute('aria-labelledby', 'error-summary-title');
    const heading = document.createElement('h2');
    heading.id = 'error-summary-title';
    heading.textContent = fill(texts.form.errorSummary, { count: issues.length });
    const help = document.createElement('p');
    help.textContent = texts.form.errorSummaryHelp;
    const list = document.createElement('ul');
    for (const issue of issues) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = `#${issue.path}`;
      link.textContent = fill(texts.fieldIssue, { field: texts.labels[issue.path] ?? issue.path, message: issue.message });
      link.addEventListener('click', (event) => {
        event.preventDefault();
        control(issue.path)?.focus();
      });
      item.append(link);
      list.append(item);
    }
    box.append(heading, help, list);
    form.before(box);
    box.focus();
  }

  // -- The call's rules ------------------------------------------------------------------------

  const selectedCall = (): CallInfo | undefined => calls.find((c) => c.id === control('callId')?.value) ?? calls[0];

  function setHint(name: string, text: string): void {
    const hint = document.getElementById(`${name}-hint`);
    if (hint) hint.textContent = text;
  }

  /** The theme list and the hints follow the chosen call; a chosen theme stays if the call has it. */
  function applyCall(): void {
    const call = selectedCall();
    if (!call) return;
    const theme = control('project.theme');
    if (theme instanceof HTMLSelectElement) {
      const current = theme.value;
      const placeholder = theme.options[0]?.value === '' ? theme.options[0] : undefined;
      theme.replaceChildren(...(placeholder ? [placeholder] : []));
      for (const th of call.themes) theme.add(new Option(th.label, th.code));
      theme.value = call.themes.some((th) => th.code === current) ? current : '';
    }
    const durationHint = fill(texts.form.durationHelp, { min: call.durationMonths.min, max: call.durationMonths.max });
    setHint('project.durationMonths', durationHint);
    setHint('project.startDate', fill(texts.form.startTooEarly, { date: formatDay(t, call.closesAt) }));
    setHint(
      'budget.requestedAmount',
      `${texts.form.amountHelp} ${fill(texts.form.grantOutside, { min: formatEuros(t, call.grant.min), max: formatEuros(t, call.grant.max) })}`,
    );
    const meter = document.getElementById('share-meter');
    meter?.setAttribute('low', String(call.cofinancingCeiling));
    meter?.setAttribute('high', String(call.cofinancingCeiling));
    updateWarnings();
    updateShare();
  }

  /** What the workflow would find ineligible, said now (the form still sends it: the rules are the call's). */
  function updateWarnings(): void {
    const call = selectedCall();
    const v = values();
    const duration = Number(v['project.durationMonths']);
    const asked = Number(String(v['budget.requestedAmount'] ?? '').replace(/[\s\u00a0\u202f]/g, ''));
    const start = v['project.startDate'] ?? '';
    setMessage(
      'project.durationMonths',
      'warning',
      call && Number.isInteger(duration) && duration > 0 && (duration < call.durationMonths.min || duration > call.durationMonths.max)
        ? fill(texts.form.durationOutside, { min: call.durationMonths.min, max: call.durationMonths.max })
        : undefined,
    );
    setMessage(
      'project.startDate',
      'warning',
      call && /^\d{4}-\d{2}-\d{2}$/.test(start) && Date.parse(`${start}T00:00:00Z`) <= Date.parse(call.closesAt)
        ? fill(texts.form.startTooEarly, { date: formatDay(t, call.closesAt) })
        : undefined,
    );
    setMessage(
      'budget.requestedAmount',
      'warning',
      call && Number.isInteger(asked) && asked > 0 && (asked < call.grant.min || asked > call.grant.max)
        ? fill(texts.form.grantOutside, { min: formatEuros(t, call.grant.min), max: formatEuros(t, call.grant.max) })
        : undefined,
    );
  }

  function updateShare(): void {
    const v = values();
    const share = shareText(texts, v['budget.totalCost'], v['budget.requestedAmount'], selectedCall());
    const text = document.getElementById('share-text');
    if (text && text.textContent !== share.text) text.textContent = share.text;
    const meter = document.getElementById('share-meter');
    if (meter instanceof HTMLMeterElement) meter.value = Math.min(1, share.share ?? 0);
  }

  // -- The draft -------------------------------------------------------------------------------

  const draftStatus = document.getElementById('draft-status');
  let saveTimer: ReturnType<typeof setTimeout> | undefined;

  function saveDraft(): void {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      const draft = Object.fromEntries(Object.entries(values()).filter(([name]) => !(FORM_ONLY_FIELDS as readonly string[]).includes(name)));
      try {
        localStorage.setItem(DRAFT_KEY, JSON.stringify({ savedAt: new Date().toISOString(), values: draft }));
      } catch {
        return; // Storage full or forbidden (private browsing): the form still works.
      }
      showDraft(texts.form.draftSaved, false);
    }, DRAFT_DELAY_MS);
  }

  /** The draft's line: a message and a button to clear it. Announced only when `announce`. */
  function showDraft(message: string, announce: boolean): void {
    if (!draftStatus) return;
    draftStatus.setAttribute('aria-live', announce ? 'polite' : 'off');
    const text = document.createElement('span');
    text.textContent = `${message} ${texts.form.draftNote}`;
    const clear = document.createElement('button');
    clear.type = 'button';
    clear.className = 'secondary';
    clear.textContent = texts.form.draftClear;
    clear.addEventListener('click', () => {
      try {
        localStorage.removeItem(DRAFT_KEY);
      } catch {
        // Nothing stored, nothing to clear.
      }
      const key = control('idempotencyKey')?.value;
      form.reset();
      const keep = control('idempotencyKey');
      if (keep && key) keep.value = key;
      for (const c of controls()) setMessage(c.name, 'error', undefined);
      applyCall();
      draftStatus.setAttribute('aria-live', 'polite');
      draftStatus.textContent = texts.form.draftCleared;
      control('project.title')?.focus();
    });
    draftStatus.replaceChildren(text, clear);
  }

  function restoreDraft(): void {
    // A page sent back by the server with errors holds what was posted: it wins over any draft.
    if (document.getElementById('error-summary')) return;
    let draft: { values?: Record<string, string> } | undefined;
    try {
      draft = JSON.parse(localStorage.getItem(DRAFT_KEY) ?? 'null') as typeof draft;
    } catch {
      return;
    }
    if (!draft?.values) return;
    for (const [name, value] of Object.entries(draft.values)) {
      const c = control(name);
      if (c && c.type !== 'hidden' && typeof value === 'string') c.value = value;
    }
    showDraft(texts.form.draftRestored, true);
  }

  // -- Wiring ----------------------------------------------------------------------------------

  form.addEventListener('input', (event) => {
    const target = event.target as Control;
    if (target.name.startsWith('budget.')) updateShare();
    // Once wrong, a field is re-checked as it is typed, so the message goes as soon as it is right.
    if (target.getAttribute('aria-invalid') === 'true') showErrors(check(), new Set([target.name]));
    updateWarnings();
    saveDraft();
  });
  form.addEventListener('change', (event) => {
    const target = event.target as Control;
    if (target.name === 'callId') applyCall();
    saveDraft();
  });
  form.addEventListener('focusout', (event) => {
    const target = event.target as Control;
    if (!target.name || target.value === '') return;
    touched.add(target.name);
    showErrors(check(), new Set([target.name]));
  });
  form.addEventListener('submit', (event) => {
    const issues = check();
    if (issues.length > 0) {
      event.preventDefault();
      showErrors(issues);
      showSummary(issues);
      return;
    }
    try {
      localStorage.removeItem(DRAFT_KEY);
    } catch {
      // Nothing to clear.
    }
    const button = form.querySelector('button[type=submit]');
    if (button instanceof HTMLButtonElement) {
      // One click, one application (the server also deduplicates by the form's key).
      button.disabled = true;
      button.textContent = texts.form.sending;
    }
  });
  // Back to this page from the next one (bfcache): the button works again.
  window.addEventListener('pageshow', () => {
    const button = form.querySelector('button[type=submit]');
    if (button instanceof HTMLButtonElement && button.disabled) {
      button.disabled = false;
      button.textContent = texts.form.submit;
    }
  });

  restoreDraft();
  updateShare();
  updateWarnings();
  // A page sent back with errors: take the keyboard and the screen reader to the list.
  document.getElementById('error-summary')?.focus();

  const url = form.dataset.calls;
  if (url) {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then((response) => (response.ok ? (response.json() as Promise<{ calls: CallInfo[] }>) : { calls: [] }))
      .then((body) => {
        calls = body.calls;
        applyCall();
      })
      .catch(() => {
        // Offline or refused: the server-side hints and checks remain.
      });
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
