import { createHash } from 'node:crypto';
import { pathTo } from '../catalogue/routes.ts';
import { budgetGap, costTotal, sourcesTotalEur } from '../domain/budget.ts';
import type { DraftEvent } from '../domain/draft.ts';
import { fill, formatDateTime, formatDay, kindLabel, localize, themeLabel, type Catalogue } from '../i18n/index.ts';
import type { FieldIssue } from '../i18n/issues.ts';
import { formatBoth, formatMadBoth } from '../i18n/money.ts';
import { frenchKinds, moroccanKinds } from '../schemas/application.ts';
import { budgetCategories } from '../schemas/budget.ts';
import { type DossierDraft, missingFields } from '../schemas/dossier.ts';
import { documentRulesOf } from '../domain/call-rules.ts';
import type { DraftPageModel } from '../use-cases/drafts.ts';
import { applicationLabels } from './application-fields.ts';
import { type ConflictRow, mergeDossiers } from './draft-merge.ts';
import { documentActions, documentChecklist, documentShortfallItems, documentTypeLabel, refusalText } from './draft-documents.ts';
import { errorSummary, flatten, formState, inputField, selectField, textareaField, type FormState } from './fields.ts';
import { fillHtml, html, type SafeHtml, trusted } from './html.ts';
import { renderPage, type PageFrame } from './layout.ts';

/**
 * The draft's page (`GET /drafts/{id}?sig=…` for a browser): the call and its deadline, where the
 * dossier stands and who you are, every section as form fields holding what is stored, the budget's
 * totals in both currencies, what is still missing, the history, and the actions of your role as
 * small forms. It works without JavaScript: the form posts to the draft's own path with the
 * version it shows, and the answer is this page again (saved, refused with each error beside its
 * field, or, when someone saved in between, what differs, with what you typed kept).
 */

/** Empty rows under the stored ones: lines and co-funders are added without a script. */
export const EMPTY_LINES = 3;
export const EMPTY_OTHERS = 2;

export type { ConflictRow } from './draft-merge.ts';

export interface DraftPageOptions {
  /** The link's signature: every form of the page posts it back. */
  sig: string;
  /** The API's base URL (absolute actions: the stage's path prefix is part of it). */
  baseUrl: string;
  /** What the fields show when it is not the stored dossier (a refused or stale save: what was typed). */
  values?: Readonly<Record<string, string>>;
  /** The version and digest the form goes on from, when not the stored ones (a refused save: those it was shown at). */
  version?: number;
  base?: string;
  /** A refused save (400): each error beside its field. */
  issues?: readonly FieldIssue[];
  /** A refused action's form (400: an invitation, a sending back): what was typed, each error beside its field. */
  action?: { values: Readonly<Record<string, string>>; issues: readonly FieldIssue[] };
  /** A refused request to file (422): what is missing. */
  incomplete?: readonly FieldIssue[];
  /** A stale save (409): what differs between the stored dossier and what was typed. */
  conflict?: readonly ConflictRow[];
  /** What the last action did (after its redirect). */
  notice?: DraftNotice;
  /** The page's script's URL, or none (the page works without it). */
  script?: string;
  /** The document a notice about a file names (`&document=` after an upload, a check or a delete). */
  document?: string;
  /** `false` where no malware scan runs (the stage's `malwareScan` off): the checklist says so. */
  scanned?: boolean;
}

/** What the page's script needs to speak the page's language (given in a `data-` attribute of the form). */
export function draftClientTexts(t: Catalogue) {
  const d = t.draft;
  return {
    locale: t.meta.locale,
    autosave: d.autosave,
    who: d.who,
    conflict: {
      heading: d.conflictHeading,
      intro: d.conflictIntro,
      help: d.conflictHelp,
      same: d.conflictSame,
      field: d.conflictField,
      theirs: d.conflictTheirs,
      yours: d.conflictYours,
      kept: d.conflictKept,
      keptYours: d.keptYours,
      keptTheirs: d.keptTheirs,
      empty: d.empty,
    },
    invalid: t.validation.invalid,
    unknownField: t.validation.unknownField,
    documents: {
      statuses: t.draft.documents.statuses,
      refusals: t.documents.refusals,
      uploading: t.draft.documents.uploading,
      checking: t.draft.documents.checking,
      failed: t.draft.documents.failed,
      network: t.draft.documents.network,
      choose: t.draft.documents.choose,
      delete: t.draft.documents.delete,
      deleted: t.draft.documents.notices.deleted,
      accepted: t.draft.documents.notices.accepted,
      refused: t.draft.documents.notices.refused,
    },
  };
}
export type DraftClientTexts = ReturnType<typeof draftClientTexts>;

export const draftNotices = ['saved', 'invited', 'requested', 'returned', 'uploaded', 'accepted', 'refused', 'deleted'] as const;
export type DraftNotice = (typeof draftNotices)[number];
export const isDraftNotice = (value: string | undefined): value is DraftNotice => (draftNotices as readonly (string | undefined)[]).includes(value);

type Side = 'leadAuthority' | 'partnerAuthority';
const SIDES: readonly Side[] = ['leadAuthority', 'partnerAuthority'];
const LINE = /^budget\.lines\.(\d+)\.(year|category|label|amount)$/;
const OTHER = /^budget\.funding\.others\.(\d+)\.(name|amount)$/;

/** Every field's label by its name (rows numbered from 1), and the sections' for what a whole section lacks. */
export function draftLabel(t: Catalogue, path: string): string {
  const f = t.form;
  const d = t.draft;
  const line = LINE.exec(path);
  if (line) return `${fill(d.line, { n: Number(line[1]) + 1 })} — ${d[line[2] as 'year' | 'category' | 'label' | 'amount']}`;
  const other = OTHER.exec(path);
  if (other) return `${fill(d.other, { n: Number(other[1]) + 1 })} — ${other[2] === 'name' ? d.otherName : d.otherAmount}`;
  const labels: Record<string, string> = {
    ...applicationLabels(t),
    project: f.projectLegend,
    leadAuthority: t.summary.lead,
    partnerAuthority: t.summary.partner,
    'leadAuthority.contact': `${t.summary.lead} — ${f.contactName}`,
    'partnerAuthority.contact': `${t.summary.partner} — ${f.contactName}`,
    budget: f.budgetLegend,
    'budget.lines': d.linesLegend,
    'budget.funding': d.fundingLegend,
    'budget.funding.lead': d.leadCash,
    'budget.funding.lead.cash': d.leadCash,
    'budget.funding.lead.inKind': d.leadInKind,
    'budget.funding.partner': d.partnerCash,
    'budget.funding.partner.cash': d.partnerCash,
    'budget.funding.partner.inKind': d.partnerInKind,
    'budget.funding.fundFR': d.fundFR,
    'budget.funding.fundMA': d.fundMA,
    'budget.funding.others': d.othersLegend,
    'contact.name': d.inviteName,
    'contact.email': d.inviteEmail,
    comment: d.returnComment,
  };
  return labels[path] ?? path;
}

/** The field a summary's link goes to: the field itself, or the first field of a section that is missing whole. */
export function draftTarget(path: string): string {
  const first: Record<string, string> = {
    project: 'project.title',
    leadAuthority: 'leadAuthority.name',
    partnerAuthority: 'partnerAuthority.name',
    'leadAuthority.contact': 'leadAuthority.contact.name',
    'partnerAuthority.contact': 'partnerAuthority.contact.name',
    budget: 'budget.lines.0.year',
    'budget.lines': 'budget.lines.0.year',
    'budget.funding': 'budget.funding.lead.cash',
    'budget.funding.lead': 'budget.funding.lead.cash',
    'budget.funding.partner': 'budget.funding.partner.cash',
    'budget.funding.others': 'budget.funding.others.0.name',
  };
  const row = /^(budget\.lines\.\d+)$/.exec(path)?.[1];
  return first[path] ?? (row ? `${row}.year` : path);
}

/** A stored or typed value as people read it: a category, a kind or a theme by its name. */
function shown(t: Catalogue, model: DraftPageModel, path: string, value: string): string {
  if (value === '') return t.draft.empty;
  if (LINE.exec(path)?.[2] === 'category') return (t.draft.categories as Record<string, string>)[value] ?? value;
  if (path.endsWith('.kind')) return kindLabel(t, value);
  if (path === 'project.theme') return themeLabel(t, value, model.call.themes.find((th) => th.code === value)?.label);
  return value;
}

/** A short digest of a field's value: the form says what it showed without sending it twice. */
const digest = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 10);

/**
 * What the form showed, as one hidden field: each non-empty field's digest by name (JSON). A stale
 * save compares with it to tell the fields this person changed from those they left as shown.
 */
export function formBase(values: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(values)
        .filter(([, v]) => v !== '')
        .map(([k, v]) => [k, digest(v)]),
    ),
  );
}

/** The digests a form posted back (anything malformed: none, as if the form had shown an empty dossier). */
export function readBase(posted: string | undefined): ReadonlyMap<string, string> {
  try {
    const parsed: unknown = JSON.parse(posted ?? '{}');
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return new Map();
    return new Map(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return new Map();
  }
}

/**
 * A stale save, merged field by field (both dossiers as the schema reads them: numbers compared as
 * numbers, rows closed up), against the digests of what the form showed (mergeDossiers).
 */
export function mergeStale(
  stored: DossierDraft,
  typed: DossierDraft,
  base: ReadonlyMap<string, string>,
): { values: Record<string, string>; conflict: ConflictRow[] } {
  return mergeDossiers(stored, typed, base.keys(), (path, value) => digest(value) === (base.get(path) ?? digest('')));
}

/** Rows a list shows: every stored or typed one, then `empty` more. */
function rowCount(values: Readonly<Record<string, string>>, prefix: string, empty: number): number {
  let count = 0;
  for (const name of Object.keys(values)) {
    const index = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.`).exec(name)?.[1];
    if (index !== undefined) count = Math.max(count, Number(index) + 1);
  }
  return count + empty;
}

/** The inputs of the amounts: whole numbers as people type them (spaces allowed), never a spinner. */
const AMOUNT = trusted(' inputmode="numeric" autocomplete="off" maxlength="16"');

function fields(t: Catalogue, model: DraftPageModel, state: FormState, off: SafeHtml | string): SafeHtml {
  const f = t.form;
  const d = t.draft;
  const themes = model.call.themes.map((th) => [th.code, themeLabel(t, th.code, th.label)] as const);
  const theme = state.values['project.theme'];
  if (theme && !themes.some(([code]) => code === theme)) themes.push([theme, themeLabel(t, theme)] as const);
  const authority = (key: Side) => {
    const lead = key === 'leadAuthority';
    const kinds = lead ? frenchKinds : moroccanKinds;
    const section = lead ? 'section-lead' : 'section-partner';
    return html`<fieldset>
<legend>${lead ? f.leadLegend : f.partnerLegend}</legend>
<input type="hidden" name="${key}.country" value="${lead ? 'FR' : 'MA'}">
${inputField(state, { name: `${key}.name`, label: f.authorityName, hint: lead ? f.authorityNameHelpLead : f.authorityNameHelpPartner, attrs: html` maxlength="200" autocomplete="${section} organization" dir="auto"${off}` })}
${selectField(state, { name: `${key}.kind`, label: f.kind, placeholder: f.kindChoose, options: kinds.map((k) => [k, kindLabel(t, k)] as const), attrs: html`${off}` })}
${inputField(state, { name: `${key}.contact.name`, label: f.contactName, attrs: html` maxlength="120" autocomplete="${section} name" dir="auto"${off}` })}
${inputField(state, { name: `${key}.contact.email`, label: f.contactEmail, hint: f.contactEmailHelp, type: 'email', attrs: html` maxlength="254" autocomplete="${section} email" dir="ltr"${off}` })}
${inputField(state, { name: `${key}.contact.phone`, label: f.contactPhone, type: 'tel', attrs: html` maxlength="25" autocomplete="${section} tel" dir="ltr"${off}` })}
</fieldset>`;
  };
  // Empty rows to add some only where the dossier can be changed; a page for reading shows what is there.
  const spare = (rows: number) => (off === '' ? rows : 0);
  const lines = Array.from({ length: rowCount(state.values, 'budget.lines', spare(EMPTY_LINES)) }, (_, i) => {
    const name = (column: string) => `budget.lines.${i}.${column}`;
    return html`<fieldset>
<legend>${fill(d.line, { n: i + 1 })}</legend>
${inputField(state, { name: name('year'), label: d.year, attrs: html` inputmode="numeric" autocomplete="off" maxlength="2"${off}`, className: 'short' })}
${selectField(state, { name: name('category'), label: d.category, placeholder: d.categoryChoose, options: budgetCategories.map((c) => [c, d.categories[c]] as const), attrs: html`${off}` })}
${inputField(state, { name: name('label'), label: d.label, attrs: html` maxlength="200" dir="auto"${off}` })}
${inputField(state, { name: name('amount'), label: d.amount, attrs: html`${AMOUNT}${off}`, className: 'short' })}
</fieldset>`;
  });
  const others = Array.from({ length: rowCount(state.values, 'budget.funding.others', spare(EMPTY_OTHERS)) }, (_, i) => {
    const name = (column: string) => `budget.funding.others.${i}.${column}`;
    return html`<fieldset>
<legend>${fill(d.other, { n: i + 1 })}</legend>
${inputField(state, { name: name('name'), label: d.otherName, attrs: html` maxlength="200" dir="auto"${off}` })}
${inputField(state, { name: name('amount'), label: d.otherAmount, attrs: html`${AMOUNT}${off}`, className: 'short' })}
</fieldset>`;
  });
  const amount = (name: string, label: string, hint?: string) => inputField(state, { name, label, hint, attrs: html`${AMOUNT}${off}`, className: 'short' });
  return html`<fieldset>
<legend>${f.projectLegend}</legend>
${inputField(state, { name: 'project.title', label: f.projectTitle, attrs: html` maxlength="200" dir="auto"${off}` })}
${textareaField(state, { name: 'project.summary', label: f.projectSummary, hint: f.projectSummaryHelp, attrs: html` maxlength="5000" rows="8" dir="auto"${off}` })}
${selectField(state, { name: 'project.theme', label: f.theme, placeholder: f.themeChoose, options: themes, attrs: html`${off}` })}
${inputField(state, { name: 'project.startDate', label: f.startDate, hint: fill(f.startTooEarly, { date: formatDay(t, model.call.closesAt) }), type: 'date', attrs: html`${off}`, className: 'short' })}
${inputField(state, { name: 'project.durationMonths', label: f.duration, hint: fill(f.durationHelp, { min: model.call.durationMonths.min, max: model.call.durationMonths.max }), attrs: html` inputmode="numeric" autocomplete="off" maxlength="3"${off}`, className: 'short' })}
</fieldset>
${SIDES.map(authority)}
<fieldset>
<legend>${d.linesLegend}</legend>
<p class="hint">${d.linesHelp}</p>
${lines}
</fieldset>
<fieldset>
<legend>${d.fundingLegend}</legend>
<p class="hint">${f.amountHelp}</p>
${amount('budget.funding.lead.cash', d.leadCash)}
${amount('budget.funding.lead.inKind', d.leadInKind)}
${amount('budget.funding.partner.cash', d.partnerCash)}
${amount('budget.funding.partner.inKind', d.partnerInKind)}
${amount('budget.funding.fundFR', d.fundFR)}
${amount('budget.funding.fundMA', d.fundMA, fill(d.rate, { rate: new Intl.NumberFormat(t.meta.locale, { maximumFractionDigits: 4 }).format(model.madPerEur) }))}
<h3>${d.othersLegend}</h3>
${others}
</fieldset>`;
}

/** Costs, sources and the balance of the stored budget, every amount in both currencies. */
function totals(t: Catalogue, model: DraftPageModel): SafeHtml {
  const d = t.draft;
  const budget = model.view.dossier.budget ?? {};
  const rate = model.madPerEur;
  const gap = budgetGap(budget, rate);
  const balance = Math.abs(gap) <= 1 ? d.balanced : fill(gap < 0 ? d.short : d.over, { amount: formatBoth(t, Math.abs(gap), rate) });
  return html`<section aria-labelledby="totals-title">
<h2 id="totals-title">${d.totalsHeading}</h2>
<dl class="facts">
<dt>${d.costTotal}</dt><dd id="cost-total">${formatBoth(t, costTotal(budget), rate)}</dd>
<dt>${d.fundFR}</dt><dd>${formatBoth(t, budget.funding?.fundFR ?? 0, rate)}</dd>
<dt>${d.fundMA}</dt><dd>${formatMadBoth(t, budget.funding?.fundMA ?? 0, rate)}</dd>
<dt>${d.sourcesTotal}</dt><dd id="sources-total">${formatBoth(t, sourcesTotalEur(budget, rate), rate)}</dd>
</dl>
<p id="balance" class="${Math.abs(gap) <= 1 ? 'success' : 'notice'}">${balance}</p>
</section>`;
}

function historyList(t: Catalogue, history: readonly DraftEvent[]): SafeHtml {
  const d = t.draft;
  return html`<section aria-labelledby="history-title">
<h2 id="history-title">${d.historyHeading}</h2>
<ol class="timeline" id="history">${[...history].reverse().map(
    (event) => html`<li><time datetime="${event.at}">${formatDateTime(t, event.at)}</time>
${fillHtml(d.historyEntry, { who: d.who[event.role], email: html`<span dir="ltr">${event.email}</span>`, what: d.actions[event.action] })}${
  event.sections && event.sections.length > 0 ? html` ${fill(d.sectionsChanged, { sections: event.sections.map((s) => d.sections[s]).join(', ') })}` : ''
}${event.comment ? html`<blockquote dir="auto">${event.comment}</blockquote>` : ''}</li>`,
  )}</ol>
</section>`;
}

/** The latest save, for « saved at … » and for who saved in between. */
const lastSave = (history: readonly DraftEvent[]): DraftEvent | undefined => [...history].reverse().find((e) => e.action === 'saved');

function conflictView(t: Catalogue, model: DraftPageModel, rows: readonly ConflictRow[]): SafeHtml {
  const d = t.draft;
  const saved = lastSave(model.view.history);
  return html`<div class="error-summary" id="conflict" role="alert" tabindex="-1" aria-labelledby="conflict-title">
<h2 id="conflict-title">${d.conflictHeading}</h2>
${saved ? html`<p>${fillHtml(d.conflictIntro, { who: html`${d.who[saved.role]} (<span dir="ltr">${saved.email}</span>)`, at: formatDateTime(t, saved.at) })}</p>` : ''}
${
  rows.length === 0
    ? html`<p>${d.conflictSame}</p>`
    : html`<p>${d.conflictHelp}</p>
<table class="grid" id="conflict-fields">
<thead><tr><th scope="col">${d.conflictField}</th><th scope="col">${d.conflictTheirs}</th><th scope="col">${d.conflictYours}</th><th scope="col">${d.conflictKept}</th></tr></thead>
<tbody>${rows.map(
        (row) =>
          html`<tr data-field="${row.path}"><th scope="row"><a href="#${row.path}">${draftLabel(t, row.path)}</a></th><td dir="auto">${shown(t, model, row.path, row.theirs)}</td><td dir="auto">${shown(t, model, row.path, row.yours)}</td><td>${row.kept === 'yours' ? d.keptYours : d.keptTheirs}</td></tr>`,
      )}</tbody>
</table>`
}
</div>`;
}

function actions(
  t: Catalogue,
  model: DraftPageModel,
  state: FormState,
  action: (route: 'inviteToDraft' | 'submitDraft' | 'confirmDraft' | 'returnDraft') => string,
): SafeHtml | string {
  const d = t.draft;
  const { role, status } = model.view;
  if (role === 'lead' && status === 'DRAFT') {
    return html`<section aria-labelledby="invite-title">
<h2 id="invite-title">${d.inviteHeading}</h2>
<p>${d.inviteHelp}</p>
<form method="post" action="${action('inviteToDraft')}" accept-charset="utf-8">
${inputField(state, { name: 'contact.name', label: d.inviteName, attrs: trusted(' required maxlength="120" autocomplete="off" dir="auto"') })}
${inputField(state, { name: 'contact.email', label: d.inviteEmail, type: 'email', attrs: trusted(' required maxlength="254" autocomplete="off" dir="ltr"') })}
<button type="submit" class="secondary">${d.invite}</button>
</form>
</section>
<section aria-labelledby="file-title">
<h2 id="file-title">${d.fileHeading}</h2>
<p>${d.fileHelp}</p>
<form method="post" action="${action('submitDraft')}"><button type="submit">${d.file}</button></form>
</section>`;
  }
  if (role === 'partner' && status === 'AWAITING_PARTNER') {
    return html`<section aria-labelledby="confirm-title">
<h2 id="confirm-title">${d.confirmHeading}</h2>
<p>${d.confirmHelp}</p>
<form method="post" action="${action('confirmDraft')}"><button type="submit">${d.confirm}</button></form>
</section>
<section aria-labelledby="return-title">
<h2 id="return-title">${d.returnHeading}</h2>
<form method="post" action="${action('returnDraft')}" accept-charset="utf-8">
${textareaField(state, { name: 'comment', label: d.returnComment, attrs: trusted(' required maxlength="2000" rows="4" dir="auto"') })}
<button type="submit" class="secondary">${d.return}</button>
</form>
</section>`;
  }
  return '';
}

/** What a notice says after an action; one about a file names it (and a refusal its reason). */
function noticeText(t: Catalogue, model: DraftPageModel, options: DraftPageOptions): string | undefined {
  const notice = options.notice;
  if (notice === undefined || notice === 'saved') return undefined;
  if (notice === 'invited' || notice === 'requested' || notice === 'returned') return t.draft.notices[notice];
  const texts = t.draft.documents.notices;
  if (notice === 'uploaded' || notice === 'deleted') return texts[notice];
  const document = model.view.documents.find((f) => f.documentId === options.document);
  if (!document) return undefined;
  const rule = documentRulesOf(model.call).documents.find((r) => r.type === document.type);
  return fill(texts[notice], { name: document.filename, reason: refusalText(t, document, rule) });
}

/** The draft's page, in the frame's language and direction. */
export function draftPage(model: DraftPageModel, frame: PageFrame, options: DraftPageOptions): string {
  const { t } = frame;
  const d = t.draft;
  const { view } = model;
  const lang = t.meta.lang;
  const query = { sig: options.sig, lang };
  const action = (route: 'saveDraftForm' | 'inviteToDraft' | 'submitDraft' | 'confirmDraft' | 'returnDraft') =>
    `${options.baseUrl}${pathTo(route, { id: view.id }, query)}`;
  const issues = options.issues ?? [];
  const state = formState(options.values ?? flatten(view.dossier), issues);
  const editable = view.status === 'DRAFT';
  const saved = options.notice === 'saved' ? lastSave(view.history) : undefined;
  const notice = options.notice === 'saved' ? saved && fill(d.notices.saved, { at: formatDateTime(t, saved.at) }) : noticeText(t, model, options);
  const missing = missingFields(view.dossier);
  const missingDocuments = documentShortfallItems(t, model.call, view.documents);
  // A filing refused for a document names it `documents.<type>`: its label, and its place in the checklist.
  const label = (path: string) => (path.startsWith('documents.') ? documentTypeLabel(t, model.call, path.slice(10)) : draftLabel(t, path));
  const target = (path: string) => (path.startsWith('documents.') ? `document-${path.slice(10)}` : draftTarget(path));
  const summary =
    issues.length > 0
      ? errorSummary(t, d.errorSummary, issues, label, target, d.errorHelp)
      : options.action && options.action.issues.length > 0
        ? errorSummary(t, d.errorSummary, options.action.issues, label, target, d.actionErrorHelp)
        : options.incomplete && options.incomplete.length > 0
          ? errorSummary(t, d.incompleteHeading, options.incomplete, label, target, d.incompleteHelp)
          : '';
  const body = html`<h1>${d.title}</h1>
<p class="lead">${d.intro}</p>
${notice ? html`<p class="${options.notice === 'refused' ? 'notice' : 'success'}" id="notice" role="status">${notice}</p>` : ''}
${summary}
${options.conflict ? conflictView(t, model, options.conflict) : ''}
<dl class="facts">
<dt>${d.call}</dt><dd>${localize(t, model.call.title)}</dd>
<dt>${d.deadline}</dt><dd>${formatDay(t, model.call.closesAt)}</dd>
<dt>${d.status}</dt><dd><span class="status" id="draft-status">${d.statuses[view.status]}</span></dd>
<dt>${d.you}</dt><dd id="draft-role">${d.roles[view.role]}</dd>
</dl>
${view.status === 'DRAFT' && view.returnComment ? html`<p>${d.returned}</p><blockquote dir="auto">${view.returnComment}</blockquote>` : ''}
${editable ? html`<p>${d.optional}</p>` : html`<p class="notice">${d.readOnly}</p>`}
<form id="draft-form" method="post" action="${action('saveDraftForm')}" accept-charset="utf-8" data-draft="${view.id}" data-texts="${JSON.stringify(draftClientTexts(t))}">
<input type="hidden" name="version" value="${options.version ?? view.version}">
<input type="hidden" name="base" value="${options.base ?? formBase(flatten(view.dossier))}">
${fields(t, model, state, editable ? '' : trusted(' disabled'))}
${editable ? html`<button type="submit" id="save">${d.save}</button> <span id="autosave" aria-live="polite"></span>` : ''}
</form>
${totals(t, model)}
${documentChecklist(t, model.call, view.documents, {
  editable,
  action: documentActions(options.baseUrl, view.id, query),
  ...(options.scanned === undefined ? {} : { scanned: options.scanned }),
})}
<section aria-labelledby="missing-title">
<h2 id="missing-title">${d.missingHeading}</h2>
${
  missing.length === 0 && missingDocuments.length === 0
    ? html`<p id="missing">${d.complete}</p>`
    : html`<ul id="missing">${missing.map((i) => html`<li><a href="#${draftTarget(i.path)}">${draftLabel(t, i.path)}</a></li>`)}${missingDocuments}</ul>`
}
</section>
${actions(t, model, formState(options.action?.values ?? {}, options.action?.issues ?? []), action)}
${historyList(t, view.history)}`;
  return renderPage({
    title: d.title,
    body,
    frame,
    ...(options.script && editable ? { scripts: [options.script] } : {}),
    hasErrors: issues.length > 0 || (options.action?.issues.length ?? 0) > 0 || (options.incomplete?.length ?? 0) > 0 || options.conflict !== undefined,
  });
}
