import { bool, type CommandDef, str, when } from '../command.ts';
import { json, table } from '../output.ts';
import { UsageError } from '../target.ts';
import { listKeyVersions, revokeSigningKey, rotateSigningKey } from '../use-cases/signing-key.ts';

const jsonOption = { json: { type: 'boolean', description: 'print JSON instead of text' } } as const;

const MAX_AGE_NOTE =
  'Functions read the key again within SIGNING_KEY_MAX_AGE_SECONDS (5 minutes unless set), at once when a link names a version they have not read.';

export const linkCommands: CommandDef[] = [
  {
    path: ['links', 'keys'],
    summary: 'List the versions of the signing key of links (never the keys themselves)',
    details: `One line per version: the one that signs new links, the retired ones (still verifying
the decision links they signed for the stage's signingKeyGraceSeconds after their retirement, and
tracking links until revoked) and the revoked ones (verifying nothing).`,
    options: jsonOption,
    async run(ctx) {
      const target = await ctx.target();
      const versions = await listKeyVersions({ store: target.signingSecret });
      if (bool(ctx, 'json')) return ctx.out(json(versions));
      ctx.out(
        table(
          ['version', 'state', 'created (UTC)', 'retired (UTC)', 'revoked (UTC)'],
          versions.map((v) => [v.version, v.state, v.createdAt ? when(v.createdAt) : 'before versions', when(v.retiredAt), when(v.revokedAt)]),
        ),
      );
    },
  },
  {
    path: ['links', 'rotate-key'],
    summary: 'Rotate the signing key of links: a new version signs, links already sent keep working',
    details: `Adds a version of the key that signs every new link and tracking token from now. The
previous version is retired: decision links it signed still open for the stage's
signingKeyGraceSeconds (by default the link lifetime, after which they have expired anyway), and the
tracking links applicants keep still open until that version is revoked. Ids of waiting decisions
do not change. ${MAX_AGE_NOTE}

If the key leaked: rotate, then revoke the leaked version (links revoke-key).`,
    options: jsonOption,
    async run(ctx) {
      const target = await ctx.target();
      const result = await rotateSigningKey({ store: target.signingSecret, clock: target.ports.clock });
      if (bool(ctx, 'json')) return ctx.out(json(result));
      ctx.out(`signing key rotated on ${target.label}: version ${result.signing.version} signs from ${when(result.signing.createdAt)} UTC`);
      ctx.note(`version ${result.retired.version} is retired: its decision links open for the grace period, its tracking links until it is revoked`);
      ctx.note(MAX_AGE_NOTE);
    },
  },
  {
    path: ['links', 'revoke-key'],
    summary: 'Revoke a version of the signing key: every link it signed stops working at once',
    details: `For a leaked key. Every decision link and tracking link the version signed is refused
from now (403 and 404), also the tracking links applicants keep: they get working ones with the
next email, and \`tasks resend <applicationId>\` sends new decision links. The version that signs
cannot be revoked: rotate first. Needs --yes.`,
    options: {
      version: { type: 'string', value: '<n>', description: 'the version to revoke (links keys lists them)' },
      yes: { type: 'boolean', description: 'yes, break every link that version signed' },
      ...jsonOption,
    },
    async run(ctx) {
      const given = str(ctx, 'version');
      if (given === undefined || !/^[1-9]\d{0,5}$/.test(given)) throw new UsageError('--version <n> is needed: a version number, as `links keys` lists them');
      if (!bool(ctx, 'yes')) {
        throw new UsageError(`revoking version ${given} breaks every link and tracking link it signed, at once: add --yes if that is what you want`);
      }
      const target = await ctx.target();
      const revoked = await revokeSigningKey({ store: target.signingSecret, clock: target.ports.clock }, Number(given));
      if (bool(ctx, 'json')) return ctx.out(json(revoked));
      ctx.out(`version ${revoked.version} of the signing key revoked on ${target.label} (${when(revoked.revokedAt)} UTC): its links are refused`);
      ctx.note(MAX_AGE_NOTE);
    },
  },
];
