import { executionName } from '#shared/adapters/sfn-workflow.ts';
import { purgePersonalData } from '../use-cases/purge.ts';
import { resendTasks } from '../use-cases/resend-tasks.ts';
import { retryExecution } from '../use-cases/retry-execution.ts';
import { bool, type CommandDef, str, when } from '../command.ts';
import { json, table } from '../output.ts';
import { UsageError } from '../target.ts';

const jsonOption = { json: { type: 'boolean', description: 'print JSON instead of text' } } as const;
const DAY_MS = 24 * 3600 * 1000;

/** `2021-05-03` (midnight UTC) or a full ISO timestamp. */
function parseDate(value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : new Date(value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new UsageError(`--closed-before must be a date, YYYY-MM-DD or an ISO timestamp (got "${value}")`);
  }
  return date;
}

export const operationCommands: CommandDef[] = [
  {
    path: ['tasks', 'resend'],
    args: '<applicationId>',
    positionals: { min: 1, max: 1 },
    summary: 'Email a fresh link for each decision an application waits for; the old links stop working',
    details: `For each pending decision (review, co-chair, resubmission): a new link for its current
recipients (the reviewer, the co-chair named now, both applicant contacts), valid as long as the
first one was. The old link then answers 410 (gone). The workflow keeps waiting, on the same task:
nothing is decided or restarted. Use it when an email was lost, a link expired or a co-chair changed.`,
    options: jsonOption,
    async run(ctx) {
      const target = await ctx.target();
      await target.prepare(['signer', 'mailer', 'baseUrl']);
      const results = await resendTasks(target.ports, ctx.positionals[0] ?? '');
      if (bool(ctx, 'json')) return ctx.out(json(results));
      for (const r of results) {
        ctx.out(
          r.task
            ? `${r.stage}: new link sent to ${r.task.recipients.join(', ')} (task ${r.task.id}, valid until ${when(r.task.expiresAt)} UTC); the old link (task ${r.closed}) now answers 410`
            : `${r.stage}: decided meanwhile, nothing sent (task ${r.closed})`,
        );
      }
    },
  },
  {
    path: ['executions', 'retry'],
    args: '<applicationId>',
    positionals: { min: 1, max: 1 },
    summary: 'Run the workflow again for an application in ERROR',
    details: `Moves the application from ERROR back to SUBMITTED and starts a new execution named
<id>-r<n> (n: how many times it failed). The state machine restarts at the top, and each step already
done is skipped or repeated without effect: no email already sent is sent again (sent-markers), the
same reviewer is picked. That is "from where it failed" as long as nobody had decided anything
before the failure. If someone had (a review, a co-chair's vote), the retry asks them again with new
links: it then refuses unless --from-start is given. Fix the cause first (shown by applications show:
e.g. NoReviewerAvailableError → reviewers set).`,
    options: {
      'from-start': { type: 'boolean', description: 'also when decisions taken before the failure must be asked again' },
      ...jsonOption,
    },
    async run(ctx) {
      const target = await ctx.target();
      await target.prepare(['workflow']);
      const result = await retryExecution(target.ports, {
        applicationId: ctx.positionals[0] ?? '',
        fromStart: bool(ctx, 'from-start'),
      });
      const execution = executionName(result.applicationId, result.attempt);
      if (bool(ctx, 'json')) return ctx.out(json({ ...result, execution }));
      const cause = result.error ? ` (${result.error.name})` : '';
      ctx.out(
        result.resumed
          ? `application ${result.applicationId} was already back to SUBMITTED: execution ${execution} started`
          : `application ${result.applicationId} had failed in ${result.failedIn}${cause}: back to SUBMITTED, execution ${execution} started`,
      );
      if (result.askedAgain.length > 0) ctx.note(`decisions asked again with new links: ${result.askedAgain.join(', ')}`);
      ctx.note(`follow it: npm run admin -- applications show ${result.applicationId}`);
    },
  },
  {
    path: ['purge'],
    summary: 'Remove the personal data of applications closed before a date',
    details: `For applications in a final status (INELIGIBLE, WITHDRAWN, APPROVED, REJECTED) that reached it
before the date: removes both contacts (names, emails, phones), the project summary and the
free-text comments (reviewer, committee), makes free-text history reasons generic, deletes
their decision links and their documents from the bucket (every object under applications/<id>/,
every version). Keeps authorities, title, theme, amounts, scores, statuses, decisions, the
history and the list of documents (types, names, sizes). Without --closed-before, a deployed stage
uses its personalDataRetentionDays setting. Run with --dry-run first. Point-in-time backups keep
the table's data 35 more days (docs/operations.md).`,
    options: {
      'closed-before': { type: 'string', value: '<date>', description: 'YYYY-MM-DD (UTC) or an ISO timestamp' },
      'dry-run': { type: 'boolean', description: 'list what would be purged, change nothing' },
      ...jsonOption,
    },
    async run(ctx) {
      const given = str(ctx, 'closed-before');
      const target = await ctx.target();
      let closedBefore: Date;
      if (given !== undefined) closedBefore = parseDate(given);
      else if (target.personalDataRetentionDays !== undefined) {
        closedBefore = new Date(target.ports.clock.now().getTime() - target.personalDataRetentionDays * DAY_MS);
        ctx.note(`the ${target.label} keeps personal data ${target.personalDataRetentionDays} days after closing`);
      } else throw new UsageError('--closed-before <date> is required');
      const dryRun = bool(ctx, 'dry-run');
      // The bucket must be reachable before the first application is changed.
      if (!dryRun) await target.prepare(['documents']);
      const result = await purgePersonalData(target.ports, { closedBefore, dryRun, progress: ctx.progress });
      if (bool(ctx, 'json')) return ctx.out(json(result));
      if (result.purged.length > 0) {
        ctx.out(
          table(
            ['APPLICATION', 'CALL', 'STATUS', 'CLOSED (UTC)', ...(dryRun ? [] : ['OBJECTS DELETED'])],
            result.purged.map((p) => [p.id, p.callId, p.status, when(p.closedAt), ...(dryRun ? [] : [p.objectsDeleted])]),
          ),
        );
      }
      ctx.note(
        `${dryRun ? 'would purge' : 'purged'} the personal data of ${result.purged.length} application(s) closed before ${when(result.closedBefore)} UTC ` +
          `(${result.scanned} closed application(s) checked)`,
      );
    },
  },
];
