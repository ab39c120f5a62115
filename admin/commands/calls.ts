import { isOpen, listCalls, putCall } from '../use-cases/calls.ts';
import { inLanguage } from '#shared/domain/localized.ts';
import { bool, type CommandDef, euros, langOption, language, when } from '../command.ts';
import { readDefinition } from '../files.ts';
import { json, table } from '../output.ts';

const jsonOption = { json: { type: 'boolean', description: 'print JSON instead of a table' } } as const;
const options = { ...jsonOption, ...langOption('the titles') };

export const callCommands: CommandDef[] = [
  {
    path: ['calls', 'put'],
    args: '<file>',
    positionals: { min: 1, max: 1 },
    summary: 'Open a call, or change one, from a JSON or YAML definition',
    details: `The definition is validated by the same schema as the API's (id, title, opensAt, closesAt,
themes, durationMonths, cofinancingCeiling, grant, envelope). The title and each theme's label
are {fr, ar, en}, French required (shown where a language is missing); a plain string is the
French text alone. Changing a call keeps what it has
already awarded; its envelope may not go under that amount.

Example (2027-T1.yaml):
  id: 2027-T1
  title:
    fr: Appel à projets 2027 — tranche 1
    ar: طلب مشاريع 2027 — الشطر الأول
    en: Call for projects 2027 — first round
  opensAt: "2026-12-15T00:00:00Z"
  closesAt: "2027-03-31T23:59:59Z"
  themes:
    - code: eau
      label: { fr: Eau et stress hydrique, ar: الماء والإجهاد المائي, en: Water and water stress }
  durationMonths: { min: 12, max: 36 }
  cofinancingCeiling: 0.5
  grant: { min: 10000, max: 150000 }
  envelope: 750000`,
    options,
    async run(ctx) {
      const definition = await readDefinition(ctx.positionals[0] ?? '', ctx.io.cwd);
      const target = await ctx.target();
      const { call, created } = await putCall(target.ports, definition);
      if (bool(ctx, 'json')) return ctx.out(json(call));
      ctx.out(
        `call ${call.id} ${created ? 'created' : 'updated'}: ${inLanguage(call.title, language(ctx))}\n` +
          `  open ${when(call.opensAt)} → ${when(call.closesAt)} UTC, envelope ${euros(call.envelope)} EUR (${euros(call.committed)} committed)` +
          (call.envelopes ? `, Moroccan envelope ${euros(call.envelopes.MA.amount)} MAD (${euros(call.committedMA)} committed)` : ''),
      );
    },
  },
  {
    path: ['calls', 'list'],
    summary: 'List the calls, with both envelopes (France in EUR, Morocco in MAD) and what each has committed',
    options,
    async run(ctx) {
      const target = await ctx.target();
      const calls = await listCalls(target.ports);
      if (bool(ctx, 'json')) return ctx.out(json(calls));
      const now = target.ports.clock.now();
      const lang = language(ctx);
      ctx.out(
        table(
          ['ID', 'OPEN NOW', 'OPENS (UTC)', 'CLOSES (UTC)', 'FR ENVELOPE (EUR)', 'FR COMMITTED', 'MA ENVELOPE (MAD)', 'MA COMMITTED', 'AWARDED', 'TITLE'],
          calls.map((c) => [
            c.id,
            isOpen(c, now) ? 'yes' : 'no',
            when(c.opensAt),
            when(c.closesAt),
            euros(c.envelope),
            euros(c.committed),
            // A call with no Moroccan envelope has nothing on that side.
            c.envelopes ? euros(c.envelopes.MA.amount) : '-',
            c.envelopes ? euros(c.committedMA) : '-',
            new Set([...c.awarded, ...c.awardedMA]).size,
            inLanguage(c.title, lang),
          ]),
          60,
        ),
      );
      ctx.note(`${calls.length} call(s) on ${target.label}`);
    },
  },
];
