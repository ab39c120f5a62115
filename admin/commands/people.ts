import { listCoChairs, listReviewers, setCoChairs, setReviewers } from '../use-cases/rosters.ts';
import { bool, type CommandDef, str } from '../command.ts';
import { readDefinition } from '../files.ts';
import { json, table } from '../output.ts';
import { UsageError } from '../target.ts';

const call = { call: { type: 'string', value: '<id>', description: 'the call (required)' } } as const;
const jsonOption = { json: { type: 'boolean', description: 'print JSON instead of a table' } } as const;

function requiredCall(values: Record<string, unknown>): string {
  const id = values.call;
  if (typeof id !== 'string' || id === '') throw new UsageError('--call <id> is required');
  return id;
}

export const peopleCommands: CommandDef[] = [
  {
    path: ['reviewers', 'set'],
    args: '<file>',
    positionals: { min: 1, max: 1 },
    summary: "Replace a call's reviewer roster from a JSON or YAML file",
    details: `The file is a list of reviewers (or { reviewers: [...] }), each with name, email and authority
(where they work: a reviewer is never assigned an application naming their authority).
Applications already assigned keep their reviewer.

Example (reviewers.yaml):
  - { name: Camille Laurent, email: camille.laurent@example.org, authority: DAECT }
  - { name: Youssef El Amrani, email: youssef.elamrani@example.org, authority: DGCT }`,
    options: { ...call, ...jsonOption },
    async run(ctx) {
      const callId = requiredCall(ctx.values);
      const input = await readDefinition(ctx.positionals[0] ?? '', ctx.io.cwd);
      const target = await ctx.target();
      const result = await setReviewers(target.ports, callId, input);
      if (bool(ctx, 'json')) return ctx.out(json(result));
      ctx.out(`roster of ${callId}: ${result.reviewers.length} reviewer(s), ${result.added.length} added, ${result.removed.length} removed`);
    },
  },
  {
    path: ['reviewers', 'list'],
    summary: "List a call's reviewers",
    options: { ...call, ...jsonOption },
    async run(ctx) {
      const callId = requiredCall(ctx.values);
      const reviewers = await listReviewers((await ctx.target()).ports, callId);
      if (bool(ctx, 'json')) return ctx.out(json(reviewers));
      ctx.out(
        table(
          ['NAME', 'EMAIL', 'AUTHORITY'],
          reviewers.map((r) => [r.name, r.email, r.authority]),
          60,
        ),
      );
    },
  },
  {
    path: ['cochairs', 'set'],
    summary: "Name a call's French and/or Moroccan co-chair",
    details: `Each value is "Name <email>". A side not given keeps its co-chair. Decisions already waiting
for the committee keep their links: \`tasks resend <applicationId>\` sends a new one to the current co-chair.

Example:
  npm run admin -- cochairs set --call 2027-T1 --fr "Hélène Mercier <h.mercier@example.fr>" --ma "Karim Bennani <k.bennani@example.ma>"`,
    options: {
      ...call,
      fr: { type: 'string', value: '"Name <email>"', description: 'the French co-chair' },
      ma: { type: 'string', value: '"Name <email>"', description: 'the Moroccan co-chair' },
      ...jsonOption,
    },
    async run(ctx) {
      const callId = requiredCall(ctx.values);
      const fr = str(ctx, 'fr');
      const ma = str(ctx, 'ma');
      if (fr === undefined && ma === undefined) throw new UsageError('give --fr "Name <email>", --ma "Name <email>" or both');
      const result = await setCoChairs((await ctx.target()).ports, callId, {
        ...(fr !== undefined ? { FR: fr } : {}),
        ...(ma !== undefined ? { MA: ma } : {}),
      });
      if (bool(ctx, 'json')) return ctx.out(json(result));
      ctx.out(
        table(
          ['SIDE', 'NAME', 'EMAIL'],
          result.coChairs.map((c) => [c.side, c.name, c.email]),
        ),
      );
      if (result.pendingCommittee.length > 0) {
        ctx.note(
          `${result.pendingCommittee.length} application(s) wait for the committee; their links stay with the co-chairs they were sent to. ` +
            `To send new links to the current co-chairs: npm run admin -- tasks resend <id> (${result.pendingCommittee.join(', ')})`,
        );
      }
    },
  },
  {
    path: ['cochairs', 'list'],
    summary: "List a call's co-chairs",
    options: { ...call, ...jsonOption },
    async run(ctx) {
      const callId = requiredCall(ctx.values);
      const coChairs = await listCoChairs((await ctx.target()).ports, callId);
      if (bool(ctx, 'json')) return ctx.out(json(coChairs));
      ctx.out(
        table(
          ['SIDE', 'NAME', 'EMAIL'],
          coChairs.map((c) => [c.side, c.name, c.email]),
        ),
      );
      const missing = (['FR', 'MA'] as const).filter((side) => !coChairs.some((c) => c.side === side));
      if (missing.length > 0) ctx.note(`no ${missing.join(' nor ')} co-chair yet: committee decisions of ${callId} would fail`);
    },
  },
];
