import { madToEur } from '#shared/domain/budget.ts';
import { isOpen, listCalls, putCall, showCall } from '../use-cases/calls.ts';
import { inLanguage } from '#shared/domain/localized.ts';
import { bool, type CommandDef, euros, langOption, language, when } from '../command.ts';
import { readDefinition } from '../files.ts';
import { facts, json, table } from '../output.ts';

const jsonOption = { json: { type: 'boolean', description: 'print JSON instead of a table' } } as const;
const options = { ...jsonOption, ...langOption('the titles') };

/** `12.5 %`: a share of one, as the call's file writes it (0.125). */
const percent = (share: number): string => `${Number((share * 100).toFixed(2))} %`;
/** The call's rate (`10.8`), or `-` for a call with no Moroccan side. */
const rateText = (madPerEur: number | undefined): string => (madPerEur === undefined ? '-' : String(madPerEur));

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
already awarded; neither envelope may go under what it has awarded.

The joint dossier's rules are optional (calls show says which apply, and their defaults):
  envelopes                   both sides: { FR: { amount, currency: EUR }, MA: { amount, currency: MAD } }
                              (FR's amount is the call's envelope)
  madPerEur                   dirhams for one euro, frozen for the call; required when the Moroccan
                              side grants anything
  minLeadShare                the lead's own contribution, at least this share of the total cost (0)
  maxInKindShare              the lead's in-kind contribution, at most this share of it (1)
  grants                      each side's bounds for one project: { FR: { min, max } in EUR (the
                              call's grant), MA: { min, max } in MAD } (Morocco 0 to 0)
  partnerConfirmationDays     days the partner has to confirm a request to file made before the
                              close, 1 to 60 (14)
  requirePartnerConfirmation  whether the partner confirms before filing (true)

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
  envelope: 750000
  madPerEur: 10.8
  envelopes: { FR: { amount: 750000, currency: EUR }, MA: { amount: 8100000, currency: MAD } }
  grants: { FR: { min: 10000, max: 150000 }, MA: { min: 0, max: 1620000 } }
  minLeadShare: 0.2
  maxInKindShare: 0.5
  partnerConfirmationDays: 14`,
    options,
    async run(ctx) {
      const definition = await readDefinition(ctx.positionals[0] ?? '', ctx.io.cwd);
      const target = await ctx.target();
      const { call, created } = await putCall(target.ports, definition);
      if (bool(ctx, 'json')) return ctx.out(json(call));
      ctx.out(
        `call ${call.id} ${created ? 'created' : 'updated'}: ${inLanguage(call.title, language(ctx))}\n` +
          `  open ${when(call.opensAt)} → ${when(call.closesAt)} UTC, envelope ${euros(call.envelope)} EUR (${euros(call.committed)} committed)` +
          (call.envelopes ? `, Moroccan envelope ${euros(call.envelopes.MA.amount)} MAD (${euros(call.committedMA)} committed)` : '') +
          (call.madPerEur !== undefined ? `, ${call.madPerEur} MAD for 1 EUR` : ''),
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
          [
            'ID',
            'OPEN NOW',
            'OPENS (UTC)',
            'CLOSES (UTC)',
            'FR ENVELOPE (EUR)',
            'FR COMMITTED',
            'MA ENVELOPE (MAD)',
            'MA COMMITTED',
            'MAD PER EUR',
            'AWARDED',
            'TITLE',
          ],
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
            rateText(c.madPerEur),
            new Set([...c.awarded, ...c.awardedMA]).size,
            inLanguage(c.title, lang),
          ]),
          60,
        ),
      );
      ctx.note(`${calls.length} call(s) on ${target.label}`);
    },
  },
  {
    path: ['calls', 'show'],
    args: '<callId>',
    positionals: { min: 1, max: 1 },
    summary: "Show a call's rules: dates, themes, both envelopes, the rate, the budget's shares, each side's grant bounds, the partner's confirmation",
    details: `Every rule of the call as the workflow applies it. A joint dossier's rule the call does not
set reads with its default, marked "(default)". Amounts of the Moroccan side are in MAD, with their
value in EUR at the call's frozen rate. --json prints the call as stored (calls put takes it back).`,
    options,
    async run(ctx) {
      const { call, envelopes, budget, filing, defaults } = await showCall((await ctx.target()).ports, ctx.positionals[0] ?? '');
      if (bool(ctx, 'json')) return ctx.out(json(call));
      const lang = language(ctx);
      const rate = call.madPerEur;
      const isDefault = (...fields: Array<(typeof defaults)[number]>) => (fields.every((f) => defaults.includes(f)) ? ' (default)' : '');
      const mad = (amount: number) => `${euros(amount)} MAD${rate !== undefined ? ` (${euros(madToEur(amount, rate))} EUR)` : ''}`;
      const { FR, MA } = budget.grants;
      ctx.out(
        facts([
          ['Call', call.id],
          ['Title', inLanguage(call.title, lang)],
          ['Open', `${when(call.opensAt)} → ${when(call.closesAt)} UTC`],
          ['Themes', call.themes.map((t) => `${t.code} (${inLanguage(t.label, lang)})`).join(', ')],
          ['Duration', `${call.durationMonths.min} to ${call.durationMonths.max} months`],
          ['FR envelope', `${euros(envelopes.FR.amount)} EUR, ${euros(call.committed)} committed`],
          ['MA envelope', `${mad(envelopes.MA.amount)}, ${euros(call.committedMA)} committed${isDefault('envelopes')}`],
          ['MAD per EUR', rate === undefined ? '- (no Moroccan side)' : `${rate} (frozen for the call)`],
          ['Co-financing ceiling', `the fund pays at most ${percent(budget.cofinancingCeiling)} of the total cost`],
          ['Lead share', `at least ${percent(budget.minLeadShare)} of the total cost${isDefault('minLeadShare')}`],
          ['In-kind share', `at most ${percent(budget.maxInKindShare)} of the lead's contribution${isDefault('maxInKindShare')}`],
          ['FR grant', `${euros(FR.min)} to ${euros(FR.max)} EUR`],
          ['MA grant', `${mad(MA.min)} to ${mad(MA.max)}${isDefault('grants')}`],
          ['Partner confirms', `${filing.requirePartnerConfirmation ? 'yes' : 'no'}${isDefault('requirePartnerConfirmation')}`],
          [
            'Confirmation window',
            `${filing.partnerConfirmationDays} day(s) after the lead asks to file (before the close)${isDefault('partnerConfirmationDays')}`,
          ],
          ['Awarded', `${new Set([...call.awarded, ...call.awardedMA]).size} application(s)`],
        ]),
      );
    },
  },
];
