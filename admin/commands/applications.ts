import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { statuses } from '#shared/domain/status.ts';
import type { Status } from '#shared/domain/status.ts';
import { catalogues, type Language } from '#shared/i18n/index.ts';
import { reviewCriteria } from '#shared/schemas/decisions.ts';
import { listApplications, showApplication } from '../use-cases/applications.ts';
import { fetchDocuments, type FetchedDocument } from '../use-cases/documents.ts';
import { exportCall, type ExportRow } from '../use-cases/export-call.ts';
import { bool, type CommandDef, dirhams, euros, fileSize, langOption, language, str, when } from '../command.ts';
import { localFolder } from '../files.ts';
import { csv, facts, json, table, UTF8_BOM } from '../output.ts';
import { UsageError } from '../target.ts';

const jsonOption = { json: { type: 'boolean', description: 'print JSON instead of a table' } } as const;

/** Why a document was not fetched, as `applications documents` says it. */
const SKIPPED: Record<NonNullable<FetchedDocument['reason']>, string> = {
  threat: 'flagged by the malware scan',
  'scan-pending': 'its malware scan has not finished, try again later',
  missing: 'no longer in the bucket',
};

/** `FR 30 000 EUR, MA 324 000 MAD (30 000 EUR)`; France alone when nothing is on the Moroccan side. */
const bySide = (fr: number, ma: number | undefined, maInEur: number | undefined): string =>
  `FR ${euros(fr)} EUR${ma === undefined ? '' : `, MA ${euros(ma)} MAD${maInEur === undefined ? '' : ` (${euros(maInEur)} EUR)`}`}`;

function parseStatus(value: string | undefined): Status | undefined {
  if (value === undefined) return undefined;
  const status = value.toUpperCase();
  if (!(statuses as readonly string[]).includes(status)) throw new UsageError(`--status must be one of ${statuses.join(', ')} (got "${value}")`);
  return status as Status;
}

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`--limit must be a whole number from 1 to 1000 (got "${value}")`);
  return n;
}

/** One column: its header in each of the fund's languages, and its value. */
type Column = [Record<Language, string>, (r: ExportRow) => string | number | undefined];

/** The export's columns. The criteria's names are the decision pages' own (shared/i18n). */
const EXPORT_COLUMNS: Column[] = [
  [{ fr: 'Référence', ar: 'المرجع', en: 'Reference' }, (r) => r.id],
  [{ fr: 'Statut', ar: 'الحالة', en: 'Status' }, (r) => r.status],
  [{ fr: 'Déposé le', ar: 'تاريخ الإيداع', en: 'Submitted' }, (r) => r.submittedAt],
  [{ fr: 'Thème', ar: 'المحور', en: 'Theme' }, (r) => r.theme],
  [{ fr: 'Libellé du thème', ar: 'تسمية المحور', en: 'Theme label' }, (r) => r.themeLabel],
  [{ fr: 'Projet', ar: 'المشروع', en: 'Project' }, (r) => r.title],
  [{ fr: 'Collectivité chef de file (FR)', ar: 'الجماعة الرائدة (فرنسا)', en: 'Lead authority (FR)' }, (r) => r.leadAuthority],
  [{ fr: 'Type (chef de file)', ar: 'الصنف (الجماعة الرائدة)', en: 'Kind (lead)' }, (r) => r.leadKind],
  [{ fr: 'Collectivité partenaire (MA)', ar: 'الجماعة الشريكة (المغرب)', en: 'Partner authority (MA)' }, (r) => r.partnerAuthority],
  [{ fr: 'Type (partenaire)', ar: 'الصنف (الجماعة الشريكة)', en: 'Kind (partner)' }, (r) => r.partnerKind],
  [{ fr: 'Durée (mois)', ar: 'المدة (بالأشهر)', en: 'Duration (months)' }, (r) => r.durationMonths],
  [{ fr: 'Début', ar: 'تاريخ الانطلاق', en: 'Start' }, (r) => r.startDate],
  [{ fr: 'Coût total (EUR)', ar: 'الكلفة الإجمالية (يورو)', en: 'Total cost (EUR)' }, (r) => r.totalCost],
  [{ fr: 'Montant demandé (EUR)', ar: 'المبلغ المطلوب (يورو)', en: 'Requested (EUR)' }, (r) => r.requestedAmount],
  [
    { fr: 'Montant demandé côté français (EUR)', ar: 'المبلغ المطلوب من الجانب الفرنسي (يورو)', en: 'Requested from the French side (EUR)' },
    (r) => r.requestedFR,
  ],
  [
    { fr: 'Montant demandé côté marocain (MAD)', ar: 'المبلغ المطلوب من الجانب المغربي (درهم)', en: 'Requested from the Moroccan side (MAD)' },
    (r) => r.requestedMA,
  ],
  [
    { fr: 'Montant demandé côté marocain (EUR)', ar: 'المبلغ المطلوب من الجانب المغربي (يورو)', en: 'Requested from the Moroccan side (EUR)' },
    (r) => r.requestedMAInEur,
  ],
  [{ fr: 'Taux de cofinancement', ar: 'نسبة التمويل المشترك', en: 'Co-financing share' }, (r) => r.cofinancingShare],
  [{ fr: 'Avis de l’instructeur', ar: 'رأي المكلف بالدراسة', en: 'Reviewer’s recommendation' }, (r) => r.recommendation],
  ...reviewCriteria.map(
    (c): Column => [
      { fr: `Note : ${catalogues.fr.criteria[c]}`, ar: `نقطة ${catalogues.ar.criteria[c]}`, en: `Score: ${catalogues.en.criteria[c]}` },
      (r) => r.scores[c],
    ],
  ),
  [{ fr: 'Note moyenne', ar: 'متوسط النقط', en: 'Average score' }, (r) => r.averageScore],
  [{ fr: 'Décision', ar: 'القرار', en: 'Decision' }, (r) => r.decision],
  [{ fr: 'Montant accordé côté français (EUR)', ar: 'المبلغ الممنوح من الجانب الفرنسي (يورو)', en: 'Granted by the French side (EUR)' }, (r) => r.grantedFR],
  [{ fr: 'Montant accordé côté marocain (MAD)', ar: 'المبلغ الممنوح من الجانب المغربي (درهم)', en: 'Granted by the Moroccan side (MAD)' }, (r) => r.grantedMA],
  [{ fr: 'Date de décision', ar: 'تاريخ القرار', en: 'Decided' }, (r) => r.decidedAt],
  [{ fr: 'Pièces acceptées (nombre)', ar: 'الوثائق المقبولة (العدد)', en: 'Accepted documents (count)' }, (r) => r.documents.length],
  // One name a line: a file name may hold a comma or a semicolon, never a line break.
  [{ fr: 'Pièces acceptées', ar: 'الوثائق المقبولة', en: 'Accepted documents' }, (r) => r.documents.join('\n')],
];

export const applicationCommands: CommandDef[] = [
  {
    path: ['applications', 'list'],
    summary: "List a call's applications, oldest first, in one status or all (one page)",
    details: `Queries of the status index: no scan, however large the table. With --status, one Query of
that status. Without it, every status: the index keeps each status apart, in submission order, so
each page reads the next applications of every status and merges them, oldest first across
statuses (the STATUS column says where each one is). The next page's command is printed on stderr
when there is one (--cursor <value>); a cursor only continues the listing that printed it.

REQUESTED is the whole request in EUR (a dossier's Moroccan side converted at the call's frozen
rate). Then each side on its own: FR what France is asked, in EUR; MA what Morocco is asked, in
MAD, with its value in EUR when the call has a rate; GRANTED FR and GRANTED MA what the committee
awarded on each side, once it has. An application filed with the old budget (a total cost and a
requested amount, no funding sources) asked France alone: "-" on the Moroccan side.

Examples:
  npm run admin -- applications list --call 2027-T1
  npm run admin -- applications list --call 2027-T1 --status IN_REVIEW --limit 20`,
    options: {
      call: { type: 'string', value: '<id>', description: 'the call (required)' },
      status: { type: 'string', value: '<STATUS>', description: `one of ${statuses.join(', ')} (default: every status)` },
      limit: { type: 'string', value: '<n>', description: 'applications per page, 1–1000 (default 50)' },
      cursor: { type: 'string', value: '<cursor>', description: 'the next page, as printed by the previous one' },
      ...jsonOption,
    },
    async run(ctx) {
      const callId = str(ctx, 'call');
      if (!callId) throw new UsageError('--call <id> is required');
      const status = parseStatus(str(ctx, 'status'));
      const limit = parseLimit(str(ctx, 'limit'));
      const cursor = str(ctx, 'cursor');
      const page = await listApplications((await ctx.target()).ports, {
        callId,
        ...(status ? { status } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
      });
      if (bool(ctx, 'json')) return ctx.out(json(page));
      ctx.out(
        table(
          [
            'ID',
            'SUBMITTED (UTC)',
            ...(status ? [] : ['STATUS']),
            'LEAD AUTHORITY',
            'PARTNER AUTHORITY',
            'THEME',
            'REQUESTED',
            'FR (EUR)',
            'MA (MAD)',
            'GRANTED FR (EUR)',
            'GRANTED MA (MAD)',
            'TITLE',
          ],
          page.items.map(({ amounts: m, ...a }) => [
            a.id,
            when(a.createdAt),
            ...(status ? [] : [a.status]),
            a.leadAuthority.name,
            a.partnerAuthority.name,
            a.project.theme,
            euros(a.budget.requestedAmount),
            euros(m.requestedFR),
            dirhams(m.requestedMA, m.requestedMAInEur),
            m.grantedFR === undefined ? '-' : euros(m.grantedFR),
            dirhams(m.grantedMA, m.grantedMAInEur),
            a.project.title,
          ]),
        ),
      );
      ctx.note(`${page.items.length} application(s) of ${callId} in ${status ?? 'every status'}`);
      if (page.cursor) {
        const repeated = [`--call ${callId}`, status ? `--status ${status}` : '', limit !== undefined ? `--limit ${limit}` : ''].filter(Boolean).join(' ');
        ctx.note(`next page: npm run admin -- applications list ${repeated} --cursor ${page.cursor}`);
      }
    },
  },
  {
    path: ['applications', 'show'],
    args: '<applicationId>',
    positionals: { min: 1, max: 1 },
    summary: 'Show an application, its documents, its history and the decisions it waits for',
    options: jsonOption,
    async run(ctx) {
      const details = await showApplication((await ctx.target()).ports, ctx.positionals[0] ?? '');
      if (bool(ctx, 'json')) return ctx.out(json(details));
      const a = details.application;
      const documents = a.documents ?? [];
      const contact = (c: { name: string; email: string; phone?: string }) =>
        a.personalDataPurgedAt ? '(purged)' : [c.name, `<${c.email}>`, c.phone].filter(Boolean).join(' ');
      const lines = [
        facts([
          ['Application', a.id],
          ['Call', a.callId],
          ['Status', a.status],
          ['Submitted', `${when(a.createdAt)} UTC`],
          ['Last change', `${when(a.updatedAt)} UTC`],
          ['Project', a.project.title],
          ['Theme', a.project.theme],
          ['Duration', `${a.project.durationMonths} months from ${a.project.startDate}`],
          ['Lead authority', `${a.leadAuthority.name} (${a.leadAuthority.country}, ${a.leadAuthority.kind})`],
          ['  contact', contact(a.leadAuthority.contact)],
          ['Partner authority', `${a.partnerAuthority.name} (${a.partnerAuthority.country}, ${a.partnerAuthority.kind})`],
          ['  contact', contact(a.partnerAuthority.contact)],
          ['Budget', `${euros(a.budget.totalCost)} EUR, ${euros(a.budget.requestedAmount)} EUR requested`],
          ['  requested', bySide(details.amounts.requestedFR, details.amounts.requestedMA, details.amounts.requestedMAInEur)],
          ['Reviewer', a.reviewer ? `${a.reviewer.name} <${a.reviewer.email}>` : undefined],
          ['Review', a.review ? `${a.review.decision} (${reviewCriteria.map((c) => `${c} ${a.review?.[c]}`).join(', ')})` : undefined],
          [
            'Decision',
            a.decision
              ? `${a.decision.outcome}${details.amounts.grantedFR !== undefined ? `, ${bySide(details.amounts.grantedFR, details.amounts.grantedMA, details.amounts.grantedMAInEur)}` : ''} (${when(a.decision.at)} UTC)`
              : undefined,
          ],
          ['Error', a.error ? `${a.error.name}${a.error.cause ? `: ${a.error.cause}` : ''} (${when(a.error.at)} UTC)` : undefined],
          ['Personal data purged', a.personalDataPurgedAt ? `${when(a.personalDataPurgedAt)} UTC` : undefined],
        ]),
        '',
        'History',
        table(
          ['AT (UTC)', 'STATUS', 'BY', 'REASON'],
          details.history.map((e) => [when(e.at), e.status, e.actor, e.reason]),
          80,
        ),
        '',
        ...(documents.length > 0
          ? [
              'Documents',
              table(
                ['TYPE', 'FILE', 'SIZE', 'STATUS', 'REASON', 'SCAN'],
                documents.map((d) => [d.type, d.filename, fileSize(d.size), d.status, d.reason, d.scan]),
                80,
              ),
            ]
          : ['No documents']),
        '',
        details.openTasks.length > 0 ? 'Waiting for' : 'Waiting for no decision',
        ...(details.openTasks.length > 0
          ? [
              table(
                ['TASK', 'STAGE', 'RECIPIENTS', 'SENT (UTC)', 'LINK EXPIRES (UTC)', 'REMINDERS'],
                details.openTasks.map((t) => [t.id, t.stage, t.recipients.join(', '), when(t.createdAt), when(t.expiresAt), t.reminders]),
                80,
              ),
            ]
          : []),
      ];
      ctx.out(lines.join('\n'));
      if (a.status === 'ERROR') ctx.note(`to run its workflow again: npm run admin -- executions retry ${a.id}`);
      if (details.openTasks.length > 0) ctx.note(`to send fresh links: npm run admin -- tasks resend ${a.id}`);
      if (documents.some((d) => d.status === 'ACCEPTED'))
        ctx.note(`to fetch its accepted documents: npm run admin -- applications documents ${a.id} --to <folder>`);
    },
  },
  {
    path: ['applications', 'documents'],
    args: '<applicationId>',
    positionals: { min: 1, max: 1 },
    summary: "Fetch an application's accepted documents into a folder",
    details: `Saves each ACCEPTED document of the application in the folder (created if needed), under
the name the applicant gave it, made safe for any file system again (no path, no control
character, none of <>:"|?*, at most 255 bytes; " (2)" before the extension when two documents
share a name). A refused or unchecked upload is never fetched. Where the stage scans documents
for malware, the verdict is read again first: a file flagged, or whose scan has not finished, is
skipped and said so. A file already in the folder is kept, unless --force. Lists what was
written, kept and skipped; nothing else is changed, in the folder or the bucket.

Examples:
  npm run admin -- applications documents 01JD5Z8Q4X3M2N1P0R9S8T7V6W --to ./dossier
  npm run admin -- applications documents 01JD5Z8Q4X3M2N1P0R9S8T7V6W --to ./dossier --force --stage prod`,
    options: {
      to: { type: 'string', value: '<folder>', description: 'where to save them (required)' },
      force: { type: 'boolean', description: 'replace a file of the same name already in the folder' },
      ...jsonOption,
    },
    async run(ctx) {
      const to = str(ctx, 'to');
      if (!to) throw new UsageError('--to <folder> is required');
      const target = await ctx.target();
      await target.prepare(['documents']);
      const result = await fetchDocuments(target.ports, {
        applicationId: ctx.positionals[0] ?? '',
        folder: await localFolder(to, ctx.io.cwd),
        replace: bool(ctx, 'force'),
        progress: ctx.progress,
      });
      if (bool(ctx, 'json')) return ctx.out(json(result));
      const outcome = (d: FetchedDocument) =>
        d.outcome === 'skipped' ? `skipped: ${SKIPPED[d.reason ?? 'missing']}` : d.outcome === 'kept' ? 'kept: already there (--force replaces it)' : 'written';
      if (result.documents.length > 0) {
        ctx.out(
          table(
            ['FILE', 'TYPE', 'SIZE', 'OUTCOME'],
            result.documents.map((d) => [d.file, d.type, fileSize(d.size), outcome(d)]),
            80,
          ),
        );
      }
      const count = (o: FetchedDocument['outcome']) => result.documents.filter((d) => d.outcome === o).length;
      ctx.note(
        `${count('written')} document(s) written to ${result.folder}, ${count('kept')} kept, ${count('skipped')} skipped` +
          (result.notAccepted > 0 ? `; ${result.notAccepted} upload(s) not accepted, not fetched` : ''),
      );
    },
  },
  {
    path: ['export'],
    summary: "Export a call's applications to CSV for the joint steering committee",
    details: `UTF-8 with a byte order mark (spreadsheets then show accents and Arabic correctly), RFC 4180
quoting, one row per application: partners, theme, amounts, co-financing share, the reviewer's
scores, the committee's decision, and its accepted documents (their count, and their file names,
one a line in the cell). No contact details. To stdout unless --out is given.
Amounts are whole numbers with no thousands separator. Beside the whole request in EUR, each
side's: France in EUR, Morocco in MAD and in EUR at the call's frozen rate (empty for an
application filed with the old budget, which asked France alone); then what each side granted.
The header and the theme labels are in one language, French unless --lang says otherwise (a
label the call has not translated stays in French); the values (statuses, theme codes, dates,
amounts) are the same in every language. For a spreadsheet in French,
--delimiter ";" (decimals then use a comma); a field holding the delimiter is quoted.

Examples:
  npm run admin -- export --call 2027-T1 --out 2027-T1.csv
  npm run admin -- export --call 2027-T1 --lang en --delimiter ";" --out 2027-T1.csv`,
    options: {
      call: { type: 'string', value: '<id>', description: 'the call (required)' },
      out: { type: 'string', value: '<file.csv>', description: 'write to this file instead of stdout' },
      delimiter: { type: 'string', value: '<,|;>', description: 'field separator (default ,)' },
      ...langOption('the header and theme labels'),
    },
    async run(ctx) {
      const callId = str(ctx, 'call');
      if (!callId) throw new UsageError('--call <id> is required');
      const delimiter = str(ctx, 'delimiter') ?? ',';
      if (delimiter !== ',' && delimiter !== ';') throw new UsageError('--delimiter must be "," or ";"');
      const lang = language(ctx);
      const { rows } = await exportCall((await ctx.target()).ports, callId, { language: lang, progress: ctx.progress });
      const text = UTF8_BOM + csv([EXPORT_COLUMNS.map(([header]) => header[lang]), ...rows.map((r) => EXPORT_COLUMNS.map(([, get]) => get(r)))], { delimiter });
      const out = str(ctx, 'out');
      if (out) {
        await writeFile(resolve(ctx.io.cwd, out), text, 'utf8');
        ctx.note(`exported ${rows.length} application(s) of ${callId} to ${out}`);
      } else {
        ctx.io.stdout.write(text);
        ctx.note(`exported ${rows.length} application(s) of ${callId}`);
      }
    },
  },
];
