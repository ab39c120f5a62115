import { type DraftStatus, draftStatuses } from '#shared/domain/draft.ts';
import { listCallDrafts } from '../use-cases/drafts.ts';
import { bool, type CommandDef, dirhams, euros, str, when } from '../command.ts';
import { json, table } from '../output.ts';
import { UsageError } from '../target.ts';

function parseDraftStatus(value: string | undefined): DraftStatus | undefined {
  if (value === undefined) return undefined;
  const status = value.toUpperCase();
  if (!(draftStatuses as readonly string[]).includes(status)) throw new UsageError(`--status must be one of ${draftStatuses.join(', ')} (got "${value}")`);
  return status as DraftStatus;
}

export const draftCommands: CommandDef[] = [
  {
    path: ['drafts', 'list'],
    summary: "List a call's drafts and how far each is (sections complete, fields missing, partner invited)",
    details: `The joint dossiers both authorities are building for a call, before they are filed: one Query
of the index, never a Scan. Oldest change first, so that the drafts left aside show first. SECTIONS
counts the complete ones of four (project, lead authority, partner authority, budget); MISSING the
fields still needed before the lead may ask to file; PARTNER whether the partner has its own link.
The requests are as typed so far: France in EUR, Morocco in MAD (with its value in EUR when the call
has a rate). Contacts are not shown (applications show gives them once filed).

Example:
  npm run admin -- drafts list --call 2027-T1 --status AWAITING_PARTNER`,
    options: {
      call: { type: 'string', value: '<id>', description: 'the call (required)' },
      status: { type: 'string', value: `<${draftStatuses.join('|')}>`, description: 'only the drafts in this status' },
      json: { type: 'boolean', description: 'print JSON instead of a table' },
    },
    async run(ctx) {
      const callId = str(ctx, 'call');
      if (!callId) throw new UsageError('--call <id> is required');
      const status = parseDraftStatus(str(ctx, 'status'));
      const drafts = await listCallDrafts((await ctx.target()).ports, callId, status);
      if (bool(ctx, 'json')) return ctx.out(json(drafts));
      ctx.out(
        table(
          ['ID', 'STATUS', 'CHANGED (UTC)', 'VERSION', 'SECTIONS', 'MISSING', 'PARTNER', 'TOTAL COST', 'FR (EUR)', 'MA (MAD)', 'LEAD AUTHORITY', 'TITLE'],
          drafts.map((d) => [
            d.id,
            d.status,
            when(d.updatedAt),
            d.version,
            `${d.sectionsComplete}/4`,
            d.missing,
            d.partnerInvited ? 'invited' : '-',
            euros(d.totalCost),
            euros(d.requestedFR),
            dirhams(d.requestedMA, d.requestedMAInEur),
            d.leadAuthority ?? '',
            d.title ?? '',
          ]),
          60,
        ),
      );
      ctx.note(`${drafts.length} draft(s) of ${callId}${status ? ` in ${status}` : ''}`);
    },
  },
];
