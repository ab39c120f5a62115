import { parseArgs } from 'node:util';
import { DomainError, ValidationError } from '#shared/domain/errors.ts';
import { formatIssues } from '#shared/http/validation.ts';
import { applicationCommands } from './commands/applications.ts';
import { callCommands } from './commands/calls.ts';
import { draftCommands } from './commands/drafts.ts';
import { linkCommands } from './commands/links.ts';
import { operationCommands } from './commands/operations.ts';
import { peopleCommands } from './commands/people.ts';
import type { CommandContext, CommandDef, Io, OptionDef } from './command.ts';
import { type DescribeStack, resolveTarget, type Target, UsageError } from './target.ts';

/**
 * `npm run admin -- <command>`: running the fund without the AWS console. Against the local stack
 * of DATA_DIR by default, or a deployed stage with --stage (and the usual --profile, --region).
 * Exit codes: 0 done, 1 failed (one line on stderr; --debug for the stack trace), 2 wrong usage.
 */

export const commands: CommandDef[] = [...callCommands, ...peopleCommands, ...draftCommands, ...applicationCommands, ...operationCommands, ...linkCommands];

const GROUPS: Record<string, string> = {
  calls: 'calls for projects',
  reviewers: "a call's reviewer roster",
  cochairs: "a call's co-chairs",
  drafts: 'joint dossiers before they are filed',
  applications: 'applications',
  tasks: 'decision links',
  executions: 'workflow executions',
  links: 'the signing key of links',
};

/** Options every command takes: where to act, and how to fail. */
export const globalOptions: Record<string, OptionDef> = {
  stage: { type: 'string', value: '<name>', description: 'a deployed stage (dev, prod); default: the local stack of DATA_DIR' },
  profile: { type: 'string', value: '<name>', description: 'AWS profile (with --stage)' },
  region: { type: 'string', value: '<region>', description: 'AWS region (with --stage)' },
  'data-dir': { type: 'string', value: '<dir>', description: "the local stack's data folder (default: $DATA_DIR, else .local)" },
  table: { type: 'string', value: '<name>', description: 'the table, instead of the stack output TableName' },
  'state-machine': { type: 'string', value: '<arn>', description: 'the state machine, instead of StateMachineArn' },
  'base-url': { type: 'string', value: '<url>', description: "the links' base URL, instead of BaseUrl" },
  sender: { type: 'string', value: '<email>', description: 'the From address, instead of SenderEmail' },
  'signing-secret-arn': { type: 'string', value: '<arn>', description: 'the signing key, instead of SigningSecretArn' },
  'documents-bucket': { type: 'string', value: '<name>', description: "the documents' bucket, instead of DocumentsBucket" },
  debug: { type: 'boolean', description: 'print stack traces' },
  help: { type: 'boolean', short: 'h', description: 'this help' },
};

const PROGRAM = 'npm run admin --';

function optionLines(options: Record<string, OptionDef>): string[] {
  const rows = Object.entries(options).map(([name, o]) => [`${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`, o.description]);
  const width = Math.max(...rows.map(([left]) => (left ?? '').length));
  return rows.map(([left = '', right = '']) => `  ${left.padEnd(width)}  ${right}`);
}

export function mainHelp(): string {
  const rows = commands.map((c) => [[...c.path, c.args].filter(Boolean).join(' '), c.summary]);
  const width = Math.max(...rows.map(([left]) => (left ?? '').length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Runs the fund: calls, rosters, applications, exports, stuck decisions, failed workflows and the key of links.',
    'Acts on the local stack (`npm start`, found through DATA_DIR) unless --stage names a deployed one.',
    '',
    'Commands:',
    ...rows.map(([left = '', right = '']) => `  ${left.padEnd(width)}  ${right}`),
    '',
    'Options of every command:',
    ...optionLines(globalOptions),
    '',
    `Help on a command: ${PROGRAM} <command> --help. Exit codes: 0 done, 1 failed, 2 wrong usage.`,
    'Runbook: docs/operations.md.',
  ].join('\n');
}

function groupHelp(group: string): string {
  const own = commands.filter((c) => c.path[0] === group);
  return [
    `Usage: ${PROGRAM} ${group} <${own.map((c) => c.path[1]).join('|')}> [options]  (${GROUPS[group]})`,
    '',
    ...own.map((c) => `  ${[...c.path, c.args].filter(Boolean).join(' ')}  —  ${c.summary}`),
    '',
    `Help on one: ${PROGRAM} ${group} <command> --help`,
  ].join('\n');
}

export function commandHelp(command: CommandDef): string {
  return [
    `Usage: ${PROGRAM} ${[...command.path, command.args].filter(Boolean).join(' ')} [options]`,
    '',
    `${command.summary}.`,
    ...(command.details ? ['', command.details] : []),
    ...(command.options && Object.keys(command.options).length > 0 ? ['', 'Options:', ...optionLines(command.options)] : []),
    '',
    'Target (every command):',
    ...optionLines(globalOptions),
  ].join('\n');
}

/** Global options that take a value: their value is never a command word. */
const valued = new Set(
  Object.entries(globalOptions)
    .filter(([, o]) => o.type === 'string')
    .map(([n]) => `--${n}`),
);

/** The command words of argv (`calls put`), wherever the global options are, and the rest. */
function splitCommand(argv: string[]): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  let expected = 2;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (token.startsWith('-')) {
      rest.push(token);
      if (valued.has(token) && i + 1 < argv.length) rest.push(argv[++i] ?? '');
      continue;
    }
    if (words.length < expected) {
      words.push(token);
      // A one-word command (export, purge) takes no second word.
      if (words.length === 1 && !(token in GROUPS)) expected = 1;
      continue;
    }
    rest.push(token);
  }
  return { words, rest };
}

interface Reporter {
  update(update: { done: number; total?: number; what: string }): void;
  end(): void;
}

/** Counts on stderr: rewritten in place on a terminal, a line every 500 otherwise. */
function progressReporter(stderr: Io['stderr']): Reporter {
  let shown = '';
  let lastLine = 0;
  return {
    update({ done, total, what }) {
      const text = `${what}: ${done}${total !== undefined ? `/${total}` : ''}`;
      if (stderr.isTTY) {
        stderr.write(`\r${text}`);
        shown = text;
      } else if (done - lastLine >= 500) {
        stderr.write(`${text}\n`);
        lastLine = done;
      }
    },
    end() {
      if (shown) stderr.write('\n');
      shown = '';
    },
  };
}

/** The `code`s along an error's chain of causes (a network error under an adapter's error). */
function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') codes.push(code);
    for (const inner of (e as { errors?: unknown[] }).errors ?? []) {
      const c = (inner as NodeJS.ErrnoException).code;
      if (typeof c === 'string') codes.push(c);
    }
  }
  return codes;
}

/** One line for any failure: the domain's message with its issues, an AWS error's name. */
export function describeError(error: unknown): string {
  if (error instanceof DomainError) {
    const found = error instanceof ValidationError ? formatIssues(error.issues) : [];
    const issues = found.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
    const refused = causeCodes(error).includes('ECONNREFUSED') ? ': nothing answers there (is the stack running?)' : '';
    return `${issues ? `${error.message}: ${issues}` : error.message}${refused}`;
  }
  if (!(error instanceof Error)) return String(error);
  if (error instanceof UsageError) return error.message;
  if (causeCodes(error).includes('ECONNREFUSED')) return `${error.message || error.name}: nothing answers there (is the stack running?)`;
  if (error.name === 'ResourceNotFoundException') return `${error.name}: ${error.message} (is the table name right?)`;
  if (error.name === 'CredentialsProviderError') return `no AWS credentials: ${error.message} (--profile?)`;
  return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
}

export interface RunOptions {
  /** Replaces CloudFormation DescribeStacks (tests). */
  describeStack?: DescribeStack;
}

/** Runs one command line; returns the exit code. Never throws. */
export async function run(argv: string[], io: Io, options: RunOptions = {}): Promise<number> {
  const err = (text: string) => io.stderr.write(`${text}\n`);
  const { words, rest } = splitCommand(argv);
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  const debug = rest.includes('--debug');

  if (words.length === 0) {
    if (wantsHelp) {
      io.stdout.write(`${mainHelp()}\n`);
      return 0;
    }
    err(mainHelp());
    return 2;
  }
  const command = commands.find((c) => c.path.length === words.length && c.path.every((w, i) => w === words[i]));
  if (!command) {
    const [group] = words;
    if (group && group in GROUPS && words.length === 1) {
      if (wantsHelp) {
        io.stdout.write(`${groupHelp(group)}\n`);
        return 0;
      }
      err(`coopfund admin: which ${group} command?\n\n${groupHelp(group)}`);
      return 2;
    }
    err(`coopfund admin: unknown command "${words.join(' ')}" (${PROGRAM} --help lists them)`);
    return 2;
  }
  if (wantsHelp) {
    io.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }

  let target: Target | undefined;
  const reporter = progressReporter(io.stderr);
  try {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: rest, options: { ...globalOptions, ...command.options }, allowPositionals: true, strict: true });
    } catch (error) {
      // node:util's own advice about '--' is noise here: keep its first sentence.
      const first = (error as Error).message.split('\n')[0]?.replace(/\. To specify .*$/, '') ?? '';
      throw new UsageError(`${first} (${PROGRAM} ${command.path.join(' ')} --help)`);
    }
    const { values, positionals } = parsed;
    const { min = 0, max = 0 } = command.positionals ?? {};
    if (positionals.length < min) throw new UsageError(`${command.path.join(' ')} needs ${command.args} (${PROGRAM} ${command.path.join(' ')} --help)`);
    if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}" (${PROGRAM} ${command.path.join(' ')} --help)`);
    const value = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
    const stage = value('stage');
    if (!stage) {
      for (const flag of ['profile', 'region']) if (value(flag)) throw new UsageError(`--${flag} only applies with --stage`);
    }

    const ctx: CommandContext = {
      values: values as CommandContext['values'],
      positionals,
      io,
      target: async () => {
        target ??= await resolveTarget(
          {
            dataDir: value('data-dir') ?? (io.env.DATA_DIR || '.local'),
            ...Object.fromEntries(
              (
                [
                  ['stage', 'stage'],
                  ['profile', 'profile'],
                  ['region', 'region'],
                  ['table', 'table'],
                  ['stateMachine', 'state-machine'],
                  ['baseUrl', 'base-url'],
                  ['sender', 'sender'],
                  ['signingSecretArn', 'signing-secret-arn'],
                  ['documentsBucket', 'documents-bucket'],
                ] as const
              ).flatMap(([key, flag]) => (value(flag) ? [[key, value(flag)]] : [])),
            ),
          },
          options.describeStack,
        );
        return target;
      },
      out: (text) => io.stdout.write(`${text}\n`),
      note: (text) => {
        reporter.end();
        err(text);
      },
      progress: (update) => reporter.update(update),
    };
    await command.run(ctx);
    reporter.end();
    return 0;
  } catch (error) {
    reporter.end();
    err(`coopfund admin: ${describeError(error)}`);
    if (debug && error instanceof Error && error.stack) err(error.stack);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    target?.close();
  }
}

if (import.meta.main) {
  // `npm run` runs in the package's folder: files named on the command line are the caller's
  // (INIT_CWD), while DATA_DIR stays relative to the package, as for `npm start`.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const code = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd });
  process.exitCode = code;
}
