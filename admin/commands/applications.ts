import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { statuses } from '../../shared/domain/status.ts';
import type { Status } from '../../shared/domain/status.ts';
import { reviewCriteria } from '../../shared/schemas/decisions.ts';
import { listApplications, showApplication } from '../use-cases/applications.ts';
import { exportCall, type ExportRow } from '../use-cases/export-call.ts';
import { bool, type CommandDef, euros, str, when } from '../command.ts';
import { csv, facts, json, table, UTF8_BOM } from '../output.ts';
import { UsageError } from '../target.ts';

const jsonOption = { json: { type: 'boolean', description: 'print JSON instead of a table' } } as const;

function parseStatus(value: string | undefined): Status {
  const status = value?.toUpperCase();
  if (!status || !(statuses as readonly string[]).includes(status)) {
    throw new UsageError(`--status must be one of ${statuses.join(', ')}${value ? ` (got "${value}")` : ''}`);
  }
  return status as Status;
}

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`--limit must be a whole number from 1 to 1000 (got "${value}")`);
  return n;
}

/** The export's columns, in French: the file goes to the joint steering committee. */
const EXPORT_COLUMNS: Array<[string, (r: ExportRow) => string | number | undefined]> = [
  ['Référence', (r) => r.id],
  ['Statut', (r) => r.status],
  ['Déposé le', (r) => r.submittedAt],
  ['Thème', (r) => r.theme],
  ['Libellé du thème', (r) => r.themeLabel],
  ['Projet', (r) => r.title],
  ['Collectivité chef de file (FR)', (r) => r.leadAuthority],
  ['Type (chef de file)', (r) => r.leadKind],
  ['Collectivité partenaire (MA)', (r) => r.partnerAuthority],
  ['Type (partenaire)', (r) => r.partnerKind],
  ['Durée (mois)', (r) => r.durationMonths],
  ['Début', (r) => r.startDate],
  ['Coût total (EUR)', (r) => r.totalCost],
  ['Montant demandé (EUR)', (r) => r.requestedAmount],
  ['Taux de cofinancement', (r) => r.cofinancingShare],
  ['Avis de l’instructeur', (r) => r.recommendation],
  ...reviewCriteria.map((c): [string, (r: ExportRow) => number | undefined] => [`Note ${c}`, (r) => r.scores[c]]),
  ['Note moyenne', (r) => r.averageScore],
  ['Décision', (r) => r.decision],
  ['Montant accordé (EUR)', (r) => r.grantedAmount],
  ['Date de décision', (r) => r.decidedAt],
];

export const applicationCommands: CommandDef[] = [
  {
    path: ['applications', 'list'],
    summary: "List a call's applications in one status, oldest first (one page)",
    details: `A Query of the status index: no scan, however large the table. The next page's command is
printed on stderr when there is one (--cursor <value>).

Example:
  npm run admin -- applications list --call 2027-T1 --status IN_REVIEW --limit 20`,
    options: {
      call: { type: 'string', value: '<id>', description: 'the call (required)' },
      status: { type: 'string', value: '<STATUS>', description: `one of ${statuses.join(', ')} (required)` },
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
        status,
        ...(limit !== undefined ? { limit } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
      });
      if (bool(ctx, 'json')) return ctx.out(json(page));
      ctx.out(
        table(
          ['ID', 'SUBMITTED (UTC)', 'LEAD AUTHORITY', 'PARTNER AUTHORITY', 'THEME', 'REQUESTED', 'TITLE'],
          page.items.map((a) => [
            a.id,
            when(a.createdAt),
            a.leadAuthority.name,
            a.partnerAuthority.name,
            a.project.theme,
            euros(a.budget.requestedAmount),
            a.project.title,
          ]),
        ),
      );
      ctx.note(`${page.items.length} application(s) of ${callId} in ${status}`);
      if (page.cursor) ctx.note(`next page: npm run admin -- applications list --call ${callId} --status ${status} --cursor ${page.cursor}`);
    },
  },
  {
    path: ['applications', 'show'],
    args: '<applicationId>',
    positionals: { min: 1, max: 1 },
    summary: 'Show an application, its history and the decisions it waits for',
    options: jsonOption,
    async run(ctx) {
      const details = await showApplication((await ctx.target()).ports, ctx.positionals[0] ?? '');
      if (bool(ctx, 'json')) return ctx.out(json(details));
      const a = details.application;
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
          ['Reviewer', a.reviewer ? `${a.reviewer.name} <${a.reviewer.email}>` : undefined],
          ['Review', a.review ? `${a.review.decision} (${reviewCriteria.map((c) => `${c} ${a.review?.[c]}`).join(', ')})` : undefined],
          [
            'Decision',
            a.decision
              ? `${a.decision.outcome}${a.decision.grantedAmount !== undefined ? `, ${euros(a.decision.grantedAmount)} EUR` : ''} (${when(a.decision.at)} UTC)`
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
    },
  },
  {
    path: ['export'],
    summary: "Export a call's applications to CSV for the joint steering committee",
    details: `UTF-8 with a byte order mark (spreadsheets then show accents and Arabic correctly), RFC 4180
quoting, one row per application: partners, theme, amounts, co-financing share, the reviewer's
scores and the committee's decision. No contact details. To stdout unless --out is given.
For a spreadsheet in French, --delimiter ";" (decimals then use a comma).

Example:
  npm run admin -- export --call 2027-T1 --out 2027-T1.csv`,
    options: {
      call: { type: 'string', value: '<id>', description: 'the call (required)' },
      out: { type: 'string', value: '<file.csv>', description: 'write to this file instead of stdout' },
      delimiter: { type: 'string', value: '<,|;>', description: 'field separator (default ,)' },
    },
    async run(ctx) {
      const callId = str(ctx, 'call');
      if (!callId) throw new UsageError('--call <id> is required');
      const delimiter = str(ctx, 'delimiter') ?? ',';
      if (delimiter !== ',' && delimiter !== ';') throw new UsageError('--delimiter must be "," or ";"');
      const { rows } = await exportCall((await ctx.target()).ports, callId, ctx.progress);
      const text = UTF8_BOM + csv([EXPORT_COLUMNS.map(([h]) => h), ...rows.map((r) => EXPORT_COLUMNS.map(([, get]) => get(r)))], { delimiter });
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
