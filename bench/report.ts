import { DYNAMODB_ONLY, floorKey, type BundlesResult, type FunctionBundle } from './bundles.ts';
import { DOCUMENT_TARGETS, DOCUMENTS_BASELINE, type DocumentsResult, s3ClientOnlyWhereWritten } from './documents.ts';
import { BUNDLE_BASELINE, DRAFT_TARGETS, type DraftsResult } from './drafts.ts';
import type { OverheadResult } from './handler-overhead.ts';
import type { MemoryResult, MemorySample } from './memory.ts';
import type { ScaleResult } from './scale.ts';
import type { StartupResult } from './startup.ts';
import type { PathRun, WorkflowResult } from './workflow.ts';
import { PRICES } from './lib/cost.ts';
import { count, kb, ms, table, times, usd, verdict } from './lib/format.ts';
import type { BundleBaseline, BundleGrowth } from './lib/bundle-sizes.ts';
import type { Machine } from './lib/node.ts';
import { median, ratio } from './lib/stats.ts';

/** BENCHMARKS.md, from one run's figures. Sections that did not run are said so, not left stale. */

export const TARGETS = {
  bundleBytes: 400 * 1024,
  loadVsFloor: 1.2,
  overheadVsBare: 1.3,
  happyPathUsd: 0.001,
  page10kVs100: 1.5,
  idleRssBytes: 600 * 2 ** 20,
} as const;

export interface BenchResults {
  machine: Machine;
  loadAverage: { before: number[]; after: number[] };
  durationMs: number;
  quick: boolean;
  bundles?: BundlesResult;
  overhead?: OverheadResult;
  workflow?: WorkflowResult;
  scale?: ScaleResult;
  startup?: StartupResult;
  memory?: MemoryResult;
  drafts?: DraftsResult;
  documents?: DocumentsResult;
  errors: Record<string, string>;
}

const HAPPY: PathRun['path'] = 'approved';

export interface Verdicts {
  rows: Array<[string, string, string]>;
}

function floorOf(bundles: BundlesResult, fn: FunctionBundle) {
  return bundles.floors.find((f) => f.key === fn.floor);
}

export function loadRatio(bundles: BundlesResult, fn: FunctionBundle, which: 'current' | 'proposal' = 'current'): number {
  const floor = floorOf(bundles, fn);
  const load = which === 'current' ? fn.load : fn.proposal.load;
  return ratio(load.importMs.median, floor?.load.importMs.median ?? Number.NaN);
}

export function verdicts(r: BenchResults): Verdicts {
  const rows: Array<[string, string, string]> = [];
  if (r.bundles) {
    const over = r.bundles.functions.filter((f) => f.bytes >= TARGETS.bundleBytes);
    const largest = [...r.bundles.functions].sort((a, b) => b.bytes - a.bytes)[0];
    rows.push([
      '§1 every bundle < 400 KB',
      `largest ${largest ? `${largest.name} ${kb(largest.bytes)}` : 'n/a'}; ${over.length} of ${r.bundles.functions.length} at or over`,
      verdict(over.length === 0),
    ]);
    const ratios = r.bundles.functions.map((f) => ({ f, x: loadRatio(r.bundles!, f) }));
    const worst = ratios.sort((a, b) => b.x - a.x)[0];
    const withSdk = ratios.filter(({ f }) => f.clients.length > 0);
    const overLoad = ratios.filter(({ x }) => !(x <= TARGETS.loadVsFloor));
    rows.push([
      '§1 load ≤ 1.2× the SDK-only floor',
      `worst ${worst ? `${worst.f.name} ${times(worst.x)}` : 'n/a'}; functions holding SDK clients: ${times(median(withSdk.map((w) => w.x)))} (median); ${overLoad.length} of ${ratios.length} over`,
      verdict(overLoad.length === 0),
    ]);
  }
  if (r.overhead) {
    const x = ratio(r.overhead.handler.median, r.overhead.bare.median);
    rows.push([
      '§2 handler ≤ 1.3× the bare calls (median)',
      `${times(x)} (${ms(r.overhead.handler.median)} vs ${ms(r.overhead.bare.median)})`,
      verdict(x <= TARGETS.overheadVsBare),
    ]);
  }
  if (r.workflow) {
    const happy = r.workflow.runs.find((run) => run.path === HAPPY);
    if (happy) {
      const top = [...happy.lines].sort((a, b) => b.usd - a.usd)[0];
      rows.push([
        '§3 < $0.001 per application (happy path)',
        `${usd(happy.totalUsd)}; largest line ${top?.service} ${usd(top?.usd ?? 0)} (${Math.round(((top?.usd ?? 0) / happy.totalUsd) * 100)} %)`,
        verdict(happy.totalUsd < TARGETS.happyPathUsd),
      ]);
    }
  }
  if (r.scale) {
    const [small, large] = [r.scale.sizes[0], r.scale.sizes.at(-1)];
    if (small && large) {
      const x = ratio(large.firstPage.median, small.firstPage.median);
      rows.push([
        `§4 page at ${count(large.applications)} ≤ 1.5× at ${count(small.applications)}`,
        `${times(x)} (${ms(large.firstPage.median)} vs ${ms(small.firstPage.median)})`,
        verdict(x <= TARGETS.page10kVs100),
      ]);
    }
    const scans = r.scale.operations.Scan ?? 0;
    rows.push(['§4 no listing scans', `${r.scale.operations.Query ?? 0} Query, ${scans} Scan (+ test/unit/bench/listing-query.test.ts)`, verdict(scans === 0)]);
  }
  if (r.memory) {
    rows.push([
      '§6 local stack < 600 MB RSS once idle',
      `${mib(r.memory.idle.rssBytes)} idle (peak ${mib(r.memory.peak.rssBytes)} during ${r.memory.applications} submissions)`,
      verdict(r.memory.idle.rssBytes < TARGETS.idleRssBytes),
    ]);
  }
  if (r.drafts) rows.push(...draftVerdicts(r.drafts));
  if (r.documents) rows.push(...documentVerdicts(r.documents));
  return { rows };
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

/** The verdict row of a bundle growth against a baseline (§7 against ba555cc, §8 against e326155). */
function growthVerdict(section: string, g: BundleGrowth, commit: string): [string, string, string] {
  const compared = g.rows.filter((row) => row.growth !== undefined);
  const over = compared.filter((row) => row.over);
  const worst = [...compared].sort((a, b) => (b.growth ?? 0) - (a.growth ?? 0))[0];
  const added = g.rows.length - compared.length;
  return [
    `${section} no bundle grows > ${Math.round(g.limit * 100)} % since ${commit}`,
    `${worst ? `largest ${worst.name} ${pct(worst.growth ?? 0)}; ` : ''}${over.length} of ${compared.length} over${over.length ? ` (${over.map((row) => `${row.name} ${pct(row.growth ?? 0)}`).join(', ')})` : ''}; ${added} new function${added === 1 ? '' : 's'}`,
    verdict(g.met),
  ];
}

export function documentVerdicts(d: DocumentsResult): Array<[string, string, string]> {
  const worst = [...d.uploads].sort((a, b) => a.ratio - b.ratio)[0];
  const holders = d.bundles.s3Client.filter((row) => row.holdsClient);
  return [
    [
      `§8 upload through the presigned POST ≥ ${DOCUMENT_TARGETS.postVsPut}× a PutObject of the same bytes (median MB/s)`,
      d.uploads.map((u) => `${mbOf(u.bytes)}: ${times(u.ratio)} (${mbps(u.postMBps)} vs ${mbps(u.putMBps)})`).join('; '),
      verdict(worst !== undefined && worst.ratio >= DOCUMENT_TARGETS.postVsPut),
    ],
    growthVerdict('§8', d.bundles.growth, d.bundles.baseline.commit),
    [
      "§8 the S3 client only in functions declared to change documents (`documents: 'write'` or `'remove'`)",
      `held by ${holders.map((row) => `${row.name} (${row.documents ?? 'no documents port'})`).join(', ') || 'none'}; ${d.bundles.s3Client.filter((row) => row.documents === 'read').length} reading function(s) without it`,
      verdict(s3ClientOnlyWhereWritten(d.bundles.s3Client)),
    ],
  ];
}

const mbOf = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const mbps = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} MB/s` : 'n/a');

export function draftVerdicts(d: DraftsResult): Array<[string, string, string]> {
  const x = ratio(d.save.draftSave.median, d.save.bareUpdate.median);
  const g = d.bundles.growth;
  return [
    [
      `§7 draft save ≤ ${DRAFT_TARGETS.saveVsBare}× a bare conditional UpdateItem (median)`,
      `${times(x)} (${ms(d.save.draftSave.median)} vs ${ms(d.save.bareUpdate.median)}); a save makes ${d.save.calls.operations.length} DynamoDB calls, ${d.save.calls.sequential} sequential`,
      verdict(x <= DRAFT_TARGETS.saveVsBare),
    ],
    [
      `§7 filing from a confirmed draft ≤ ${DRAFT_TARGETS.filingRoundTrips} sequential round trips`,
      `${d.filing.calls.sequential} (${d.filing.calls.chain.join(' → ')}); the whole confirmation ${d.filing.request.sequential}, its checks' reads included`,
      verdict(Math.max(d.filing.calls.sequential, ...d.filing.sequentialSeen) <= DRAFT_TARGETS.filingRoundTrips),
    ],
    growthVerdict('§7', g, d.bundles.baseline.commit),
  ];
}

export function renderReport(r: BenchResults): string {
  const out: string[] = [];
  const m = r.machine;
  out.push('# Benchmarks');
  out.push('');
  out.push(
    `Written by \`npm run bench\` (bench/run.ts) on ${m.date.slice(0, 10)}${r.quick ? ' in **quick mode** (fewer samples: a smoke run, not figures to quote)' : ''}. ` +
      'Every figure is measured in the same run as the baseline it is compared to; benchmarks report, they never fail a build.',
  );
  out.push('');
  out.push(
    table(
      ['machine', ''],
      [
        ['CPU', `${m.cpu} × ${m.cores} cores`],
        ['memory', `${m.memoryGiB} GiB`],
        ['Node', `${m.node} (node_modules/.bin/node), ${m.platform}`],
        ['load average (1 min) before / after', `${r.loadAverage.before[0]?.toFixed(2)} / ${r.loadAverage.after[0]?.toFixed(2)}`],
        ['run time', `${(r.durationMs / 1000).toFixed(0)} s`],
      ],
    ),
  );
  out.push('');
  out.push(
    'The machine is shared (other work ran beside the benchmarks): absolute times move from run to run, ' +
      'ratios much less, because each variant and its baseline are sampled alternately, one sample each in turn.',
  );
  out.push('');
  out.push(
    '**Reproduce:** `npm run bench` (= `node_modules/.bin/node bench/run.ts`: everything, a few minutes); `npm run bench -- --quick` (fewer samples); one section: ' +
      '`node_modules/.bin/node bench/scale.ts` (likewise `bundles`, `handler-overhead`, `workflow`, `startup`, `memory`, `drafts`, `documents`; `--quick` works there too). ' +
      "The listing's query shape is a test: `npx vitest run test/unit/bench`.",
  );
  out.push('');

  out.push('## Targets');
  out.push('');
  const v = verdicts(r);
  out.push(table(['target', 'measured', ''], v.rows));
  out.push('');
  for (const [section, error] of Object.entries(r.errors)) out.push(`> **${section} did not run:** ${error}`);
  if (Object.keys(r.errors).length > 0) out.push('');

  if (r.bundles) out.push(...bundlesSection(r.bundles));
  if (r.overhead) out.push(...overheadSection(r.overhead));
  if (r.workflow) out.push(...costSection(r.workflow));
  if (r.scale || r.workflow) out.push(...scaleSection(r.scale, r.workflow));
  if (r.startup) out.push(...startupSection(r.startup));
  if (r.memory) out.push(...memorySection(r.memory));
  if (r.drafts) out.push(...draftsSection(r.drafts));
  if (r.documents) out.push(...documentsSection(r.documents));
  return `${out.join('\n').trimEnd()}\n`;
}

function bundlesSection(b: BundlesResult): string[] {
  const out: string[] = [];
  out.push('## 1. Bundles and cold start');
  out.push('');
  out.push(
    `Each function bundled by esbuild with \`FUNCTION_BUNDLING\` (infra/constructs/app-function.ts), the options CDK's \`NodejsFunction\` uses, ` +
      `then imported in a fresh Node process with \`NODE_OPTIONS=${b.nodeOptions}\` as in Lambda, ${b.samples} times, interleaved with the baselines: ` +
      `an empty module (${ms(b.empty.load.importMs.median)} to import, ${ms(b.empty.load.processMs.median)} for the whole process) and, per function, ` +
      'the **SDK-only floor**: a bundle built the same way that imports and constructs only the AWS SDK clients the function holds. ' +
      "Import = `await import()` timed inside the process (what Lambda's init adds to the runtime's own start); medians.",
  );
  out.push('');
  const rows = b.functions.map((f) => {
    const floor = b.floors.find((x) => x.key === f.floor);
    return [
      f.name,
      kb(f.bytes),
      f.clients.length ? f.clients.map((c) => c.replace('@aws-sdk/client-', '').replace('@aws-sdk/', '')).join(', ') : '—',
      ms(f.load.importMs.median),
      ms(f.load.processMs.median),
      floor ? `${ms(floor.load.importMs.median)}${floor.clients.length === 0 ? ' (no SDK: empty)' : ''}` : 'n/a',
      times(loadRatio(b, f)),
      f.contributors
        .slice(0, 4)
        .map((c) => `${c.name} ${kb(c.bytes)}`)
        .join(', '),
    ];
  });
  out.push(
    table(['function', 'bundle', 'SDK clients held', 'import', 'whole process', 'floor import', 'ratio to floor', 'largest contributors'], rows, [
      'l',
      'r',
      'l',
      'r',
      'r',
      'r',
      'r',
      'l',
    ]),
  );
  out.push('');
  const compared = b.functions.filter((f) => f.esm !== undefined) as Array<FunctionBundle & { esm: NonNullable<FunctionBundle['esm']> }>;
  const esmRatios = compared.map((f) => ratio(f.esm.load.importMs.median, f.load.importMs.median));
  const sizeGap = Math.max(...compared.map((f) => Math.abs(f.esm.bytes - f.bytes) / f.bytes));
  out.push(
    `**Why the bundles are CommonJS** (\`FUNCTION_BUNDLING.format\`; they were ESM until these benchmarks): bundled as ESM (same sources, ` +
      `same size within ${(sizeGap * 100).toFixed(1)} %), ${compared.map((f) => f.name).join(', ')} take ${times(median(esmRatios))} as long to import ` +
      `(median of their ratios; ${compared.map((f) => `${f.name} ${ms(f.esm.load.importMs.median)} as ESM, ${ms(f.load.importMs.median)} as CommonJS`).join('; ')}). In an ESM bundle every ` +
      '`node:` import is hoisted to the top and loaded before the handler runs — even those of SDK modules the lazy ports would only reach on first ' +
      "use — and an ESM import of `node:http` makes Node build that module's namespace, which loads undici. " +
      'In CommonJS they are `require` calls inside the modules that need them. CDK bundles with the same object, so these are the deployed ' +
      'bundles (compare: `npm run synth -- -o /tmp/out`, then the `index.js` of each asset).',
  );
  out.push('');
  out.push(
    table(
      ['floor (SDK clients only)', 'bundle', 'import', 'process'],
      b.floors.map((f) => [f.key, kb(f.bytes), ms(f.load.importMs.median), ms(f.load.processMs.median)]),
      ['l', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  out.push('Largest contributors over all functions (bytes in the minified output, summed):');
  out.push('');
  out.push(
    table(
      ['package or folder', 'bytes'],
      b.overall.slice(0, 12).map((c) => [c.name, kb(c.bytes)]),
      ['l', 'r'],
    ),
  );
  out.push('');
  const sdkFloor = b.floors.filter((f) => f.clients.length > 0).sort((a, c) => c.bytes - a.bytes)[0];
  const dynamoOnly = b.floors.find((f) => f.key === floorKey(DYNAMODB_ONLY));
  const minZod = Math.min(...b.functions.filter((f) => f.clients.length > 0).map((f) => f.proposal.zodBytes));
  const zod = b.overall.find((c) => c.name === 'zod');
  const missed = b.functions.some((f) => f.bytes >= TARGETS.bundleBytes || !(loadRatio(b, f) <= TARGETS.loadVsFloor));
  out.push(missed ? '**Why the targets are missed, measured:**' : '**What weighs, measured:**');
  out.push('');
  if (sdkFloor) {
    out.push(
      `- *Size.* Each function holds only the SDK clients of the ports it wires (\`wirePorts('<name>', { repository: dynamodb, … })\`, one module per adapter in shared/adapters/wire-*.ts); the largest set weighs ${kb(sdkFloor.bytes)} minified (${sdkFloor.key}). ` +
        (dynamoOnly
          ? `DynamoDB and its document client alone weigh ${kb(dynamoOnly.bytes)} (${ms(dynamoOnly.load.importMs.median)} to import), which leaves ` +
            `${kb(Math.max(0, TARGETS.bundleBytes - dynamoOnly.bytes))} under the target for zod (${kb(minZod)}) and our code: `
          : '') +
        "with the SDK bundled (our version, not the runtime's), 400 KB is out of reach for any function that touches the table.",
    );
  }
  if (zod) {
    const f = b.functions.find((x) => x.name === 'health');
    out.push(
      `- *zod.* Imported as a namespace (\`import * as z from 'zod'\`) with only its French locale, so esbuild keeps what the schemas use: ` +
        `${kb(zod.bytes / b.functions.length)} per function on average (it was ≈ 460 KB with \`import { z }\` and \`z.locales\`). ` +
        (f ? `health, which holds no SDK client, is ${kb(f.bytes)}; its floor is an empty module, hence its ratio. ` : ''),
    );
  }
  out.push(
    '- *Load time.* Node compiles the whole bundle at import even though the SDK modules are only evaluated on first use: import time follows ' +
      'bundle size. Source maps (`--enable-source-maps`, kept for readable stack traces) add the reading of each `.map` at load.',
  );
  out.push('');
  return out;
}

function overheadSection(o: OverheadResult): string[] {
  const out: string[] = [];
  const x = ratio(o.handler.median, o.bare.median);
  const ops = Object.entries(o.callsPerRequest.dynamodb)
    .map(([op, n]) => `${n} ${op}`)
    .join(', ');
  out.push('## 2. Handler overhead');
  out.push('');
  out.push(
    `\`POST /applications\` through the submit-application handler (its bundle, built with \`FUNCTION_BUNDLING\`, one warm container) against ` +
      `dynalite and the local Step Functions server, ${o.requests} requests after ${o.warmup} of warm-up, alternating with the bare SDK calls ` +
      `(clients set up as shared/adapters/ports.ts sets up the handler's) against the same services${o.failures ? `; ${o.failures} handler answers were not 201` : ''}.`,
  );
  out.push('');
  out.push(
    table(
      ['', 'median', 'p99', 'median ratio to bare'],
      [
        ['handler: POST /applications → 201', ms(o.handler.median), ms(o.handler.p99), times(x)],
        ['bare: PutItem + StartExecution', ms(o.bare.median), ms(o.bare.p99), '1.00×'],
        [
          `bare: every call the handler makes (${ops}, ${o.callsPerRequest.stepFunctions} StartExecution)`,
          ms(o.bareAll.median),
          ms(o.bareAll.p99),
          times(ratio(o.bareAll.median, o.bare.median)),
        ],
      ],
      ['l', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  const own = o.handler.median - o.bareAll.median;
  out.push(
    `What the handler's own code costs (validation, middlewares, logging, the signed tracking URL) is the gap to the second baseline: ` +
      `${ms(own)} (${times(ratio(o.handler.median, o.bareAll.median))}). The rest of the ${times(x)} is round trips: the handler makes ` +
      `${Object.values(o.callsPerRequest.dynamodb).reduce((a, n) => a + n, 0) + o.callsPerRequest.stepFunctions} sequential calls where a submission needs 2 — ` +
      'it reads the call (is it open?) and writes the first history event apart from the application. The ratio is set by that count of ' +
      "sequential round trips, not by the handler's code, and would be much the same wherever the services run.",
  );
  out.push('');
  out.push(
    "Not changed, and why: caching the call per container (shared/adapters) would remove one read but let an admin's edit of a call go unseen " +
      "for the cache's lifetime and make the unit tests that vary a call between requests see a stale one; writing the first event beside the " +
      'application (in parallel) would, on a replayed Idempotency-Key (a double click), need a compensating delete that a crash could skip, ' +
      'leaving a second SUBMITTED event in the history. Starting the execution while the first event is written is safe but belongs to the use ' +
      'case (shared/use-cases/submit-application.ts) and the Repository port: a proposal for their owner.',
  );
  out.push('');
  return out;
}

function costSection(w: WorkflowResult): string[] {
  const out: string[] = [];
  out.push('## 3. Cost per application');
  out.push('');
  out.push(
    'Each path walked on the local stack (`startLocalStack`, as `npm start` runs it) once to warm every function up, then once measured, one ' +
      'application at a time, people answering at once: the applicants post the JSON and open their tracking page once at the end; the reviewer ' +
      'and each co-chair open their link (GET) and send its form (POST); on the changes path, the lead contact opens the resubmission link and ' +
      'sends the amended form.',
  );
  out.push('');
  out.push(
    "- **State transitions**: the states entered in the execution's history (GetExecutionHistory), as Standard workflows bill them.\n" +
      `- **Lambda**: one invocation per API request (its duration: the local API Gateway's time for it) and per task in the history (Scheduled → ` +
      `Succeeded, or → Submitted for \`.waitForTaskToken\`), each rounded up to the millisecond, at ${w.memoryMb} MB (every function's memory).\n` +
      "- **DynamoDB**: a counting proxy in front of dynalite (bench/lib/dynamo-tap.ts): dynalite's own ConsumedCapacity for the table, " +
      'plus the index writes it does not count (gsi1, projection ALL: 1 WRU per KB of entry, 2 when the index key changes), plus failed conditional writes.\n' +
      "- **Emails**: the mailbox's new messages, counted per recipient (SES bills each). **API requests**: the local API Gateway's log.",
  );
  out.push('');
  out.push(
    `Prices: ${PRICES.region} list prices — Step Functions Standard $0.025 per 1,000 transitions; Lambda arm64 $0.0000133334 per GB-s and $0.20 per ` +
      'million requests; DynamoDB on-demand $1.25 per million WRU and $0.25 per million RRU; API Gateway REST $3.50 per million; SES $0.10 per 1,000 emails. ' +
      `No free tier, data transfer, CloudWatch Logs, X-Ray or WAF. eu-west-3 (Paris, where the stages deploy) lists these about 16 % higher: multiply by ${PRICES.euWest3Factor}.`,
  );
  out.push('');
  const rows = w.runs.map((run) => [
    run.path,
    run.status,
    String(run.usage.stateTransitions),
    `${run.usage.lambda.invocations} (${((run.usage.lambda.billedMs / 1000) * (run.usage.lambda.memoryMb / 1024)).toFixed(3)} GB-s)`,
    `${fmt(run.usage.dynamo.wru)} (${fmt(run.wruIndex)} index) / ${fmt(run.usage.dynamo.rru)}`,
    String(run.usage.apiRequests),
    `${run.usage.emails} (${run.emailMessages} messages)`,
    usd(run.totalUsd),
    usd(run.totalUsd * 1000),
  ]);
  out.push(
    table(
      [
        'path',
        'final status',
        'transitions',
        'Lambda invocations',
        'WRU (of which gsi1) / RRU',
        'API requests',
        'emails (recipients)',
        'per application',
        'per 1,000',
      ],
      rows,
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  const happy = w.runs.find((run) => run.path === HAPPY);
  if (happy) {
    out.push(`The happy path (${HAPPY}), line by line:`);
    out.push('');
    out.push(
      table(
        ['service', 'used', 'per application', 'per 1,000', 'share'],
        [...happy.lines]
          .sort((a, b) => b.usd - a.usd)
          .map((line) => [line.service, line.quantity, usd(line.usd), usd(line.usd * 1000), share(line.usd, happy.totalUsd)]),
        ['l', 'l', 'r', 'r', 'r'],
      ),
    );
    out.push('');
    const ses = happy.lines.find((l) => l.service === 'SES')?.usd ?? 0;
    const sfn = happy.lines.find((l) => l.service.startsWith('Step Functions'))?.usd ?? 0;
    const rest = happy.totalUsd - ses - sfn;
    const met = happy.totalUsd < TARGETS.happyPathUsd;
    out.push(
      `**Target < $0.001 ${met ? 'met' : 'missed'}: ${usd(happy.totalUsd)} per application.** SES and Step Functions make ` +
        `${Math.round(((ses + sfn) / happy.totalUsd) * 100)} % of it; Lambda, DynamoDB and API Gateway together ${usd(rest)}. ` +
        `The emails are the product's: both contacts get the receipt and the decision, the reviewer and each co-chair their link — ` +
        `${happy.usage.emails} recipients, ${usd(ses)}, ${Math.round((ses / TARGETS.happyPathUsd) * 100)} % of the target on their own. ` +
        `The ${happy.usage.stateTransitions} transitions add ${usd(sfn)}` +
        (ses + sfn >= TARGETS.happyPathUsd ? `: the two alone (${usd(ses + sfn)}) are over the target before any compute or storage. ` : '. ') +
        'Meeting it means fewer emails (SES bills one message to both contacts as two) or fewer states on the path (every Choice and the final ' +
        'Succeed state is a billed transition; infra/constructs/workflow.ts) — decisions on the product and the workflow, which this benchmark ' +
        `only prices. Compute, storage and API requests are ${Math.round((rest / happy.totalUsd) * 100)} %: they are not where an application's cost is.`,
    );
    out.push('');
  }
  out.push('States entered, per path:');
  out.push('');
  for (const run of w.runs) out.push(`- ${run.path} (${run.usage.stateTransitions}): ${run.states.join(' → ')}`);
  out.push('');
  out.push('DynamoDB requests, per path:');
  out.push('');
  for (const run of w.runs) {
    out.push(
      `- ${run.path}: ${Object.entries(run.dynamoRequests)
        .sort((a, b) => b[1] - a[1])
        .map(([op, n]) => `${n} ${op}`)
        .join(', ')}`,
    );
  }
  out.push('');
  return out;
}

function scaleSection(s: ScaleResult | undefined, w: WorkflowResult | undefined): string[] {
  const out: string[] = [];
  out.push('## 4. Scale');
  out.push('');
  if (s) {
    out.push(
      `The admin listing of one call's applications in one status (admin/use-cases \`listApplications\`: the call is checked with one GetItem, then one ` +
        `Query of gsi1 on \`CALL#<call>#STATUS#<status>\`), pages of ${s.pageSize}, in dynalite on disk holding ${s.sizes.map((x) => count(x.applications)).join(' and ')} ` +
        `applications of that call written with BatchWriteItem, half of them in ${s.status}. The first page is listed alternately on each table; then every ` +
        'page of the status is walked, cursor after cursor (a full page always carries a cursor: 50 applications walk as a full page and an empty one).',
    );
    out.push('');
    out.push(
      table(
        ['applications', `in ${s.status}`, 'written in', 'first page: median', 'p99', 'walk: pages', 'per page (median)', 'walk operations'],
        s.sizes.map((x) => [
          count(x.applications),
          count(x.listed),
          ms(x.loadMs, 0),
          ms(x.firstPage.median),
          ms(x.firstPage.p99),
          String(x.walk.pages),
          ms(x.walk.perPage.median),
          Object.entries(x.walk.operations)
            .map(([op, n]) => `${n} ${op}`)
            .join(', '),
        ]),
        ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
    );
    out.push('');
    out.push(
      `Every operation the listings sent: ${Object.entries(s.operations)
        .map(([op, n]) => `${n} ${op}`)
        .join(', ')} — no Scan. test/unit/bench/listing-query.test.ts asserts the shape with aws-sdk-client-mock: a QueryCommand on gsi1 with the ` +
        "status partition as its only key condition, no filter, the next page from the cursor, and never a ScanCommand (also for the export's walk over every status).",
    );
    out.push('');
  }
  if (w) {
    const t = w.throughput;
    out.push(
      `**Throughput of the local stack** (this ${'machine'}, everything in one Node process plus a worker thread per function container): ` +
        `${t.applications} applications submitted by ${t.concurrency} clients at once, after a first burst of ${t.concurrency} that grew the containers; the clock stops ` +
        'when every execution waits at RequestReview (the first human step: receipt sent, eligibility checked, reviewer assigned and mailed).',
    );
    out.push('');
    out.push(
      table(
        ['applications', 'to review, all', 'throughput', 'submissions alone', 'submission → review: median', 'p99'],
        [
          [
            String(t.applications),
            ms(t.elapsedMs, 0),
            `${t.perSecond.toFixed(1)} /s`,
            `${((t.applications / t.submitPhaseMs) * 1000).toFixed(1)} /s`,
            ms(t.toReviewMs.median, 0),
            ms(t.toReviewMs.p99, 0),
          ],
        ],
        ['r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
    out.push('');
  }
  return out;
}

function startupSection(s: StartupResult): string[] {
  const out: string[] = [];
  out.push('## 5. Start-up');
  out.push('');
  out.push(
    '`npm start -- --quiet` in a child process, timed from the spawn to its banner; its own figure ("ready in …", from the Node process\'s start) beside it. ' +
      'Cold: a fresh DATA_DIR (the table is created, the demo call seeded); warm: the same DATA_DIR again. Every start synthesizes the CDK app first. ' +
      'Each run is stopped with Ctrl-C (SIGINT) before the next.',
  );
  out.push('');
  out.push(
    table(
      ['start', 'to the banner', 'banner says'],
      s.runs.map((run) => [run.kind, ms(run.wallMs, 0), ms(run.bannerMs, 0)]),
      ['l', 'r', 'r'],
    ),
  );
  out.push('');
  const cold = s.runs.filter((x) => x.kind === 'cold').map((x) => x.wallMs);
  const warm = s.runs.filter((x) => x.kind === 'warm').map((x) => x.wallMs);
  if (cold.length && warm.length)
    out.push(`Medians: cold ${ms(median(cold), 0)}, warm ${ms(median(warm), 0)} (warm / cold ${times(ratio(median(warm), median(cold)))}).`);
  out.push('');
  return out;
}

function memorySection(m: MemoryResult): string[] {
  const out: string[] = [];
  out.push('## 6. Memory of the local stack');
  out.push('');
  out.push(
    `One \`startLocalStack\` (as \`npm start\` runs it: ${m.functions} functions, each in worker threads of its own) in the benchmark's process: its resident ` +
      `memory (\`process.memoryUsage().rss\`), its threads (/proc/self/status) and the functions' containers, after start, at their peak while ` +
      `${m.applications} applications are submitted ${m.concurrency} at a time (until every execution waits at RequestReview), and once idle. ` +
      `Containers idle for \`LAMBDA_IDLE_SECONDS\` are terminated (default 60 s; ${m.idleSeconds} s here, so that the benchmark does not wait); ` +
      `"idle" is ${m.settleMs / 1000} s after the last one went, the time V8 takes to give back the pages of the terminated workers' heaps.`,
  );
  out.push('');
  const row = (label: string, s: MemorySample): string[] => [label, mib(s.rssBytes), s.threads === undefined ? 'n/a' : String(s.threads), String(s.containers)];
  out.push(
    table(
      ['', 'RSS', 'threads', 'containers'],
      [
        row('after start', m.afterStart),
        row(`peak during the burst (each column its own maximum)`, m.peak),
        row(`every container reaped (${(m.reapedAfterMs / 1000).toFixed(1)} s after the burst)`, m.reaped),
        row('idle', m.idle),
      ],
      ['l', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  return out;
}

/** What each kind of round trip on a draft's paths is for. */
export const ROUND_TRIP_PURPOSES: Record<string, string> = {
  'GetItem draft': 'reads the draft: its status, version and contacts (the edit link is checked against them)',
  'GetItem call': "reads the draft's call: still open, its filing and budget rules",
  'GetItem application': 'a replay: is the application filed already?',
  'UpdateItem draft': 'the conditional write of the draft (a save: at the version read; filing: its status to SUBMITTED)',
  'PutItem draft event': "the draft's history event, written once the draft's item (which carries it as `lastEvent`) is written",
  'PutItem application': "creates the application under the draft's id (conditional: only if new)",
  'PutItem application event': "the application's first history event, written after the application",
  StartExecution: "starts the application's workflow (its own round trip to Step Functions)",
};

function draftsSection(d: DraftsResult): string[] {
  const out: string[] = [];
  const x = ratio(d.save.draftSave.median, d.save.bareUpdate.median);
  out.push('## 7. Drafts (the joint dossier)');
  out.push('');
  out.push(
    `**Save.** A draft of a call open now (both envelopes, the partner's confirmation required) created through shared/use-cases/drafts.ts \`createDraft\` ` +
      `on the DynamoDB repository over dynalite (on disk, as the local stack runs it), with a real signer and an in-memory mailer; its dossier holds the four sections ` +
      `and a budget of ${d.save.costLines} cost lines and ${d.save.fundingSources} funding sources (${kb(d.save.dossierBytes)} of JSON). Then, alternately, ` +
      `${d.save.rounds} times each after ${d.save.warmup} of warm-up: \`saveDraft\` (the whole server-side save: the link, \`If-Match\`, the body's validation, the write) ` +
      'with the whole dossier and a changed project title, at the current version; and a bare conditional UpdateItem of the same item through the same client ' +
      '(the dossier set, the version checked and incremented).',
  );
  out.push('');
  out.push(
    table(
      ['', 'median', 'p99', 'median ratio to bare'],
      [
        ['saveDraft (use case, DynamoDB repository)', ms(d.save.draftSave.median), ms(d.save.draftSave.p99), times(x)],
        ['bare conditional UpdateItem', ms(d.save.bareUpdate.median), ms(d.save.bareUpdate.p99), '1.00×'],
      ],
      ['l', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  out.push(
    `One save makes ${d.save.calls.operations.length} DynamoDB calls, ${d.save.calls.sequential} of them one after the other: ` +
      `${d.save.calls.chain.join(' → ')}. Each costs about what the bare write costs, so the ratio stays near their count:`,
  );
  out.push('');
  for (const what of new Set(d.save.calls.operations)) out.push(`- ${what}: ${ROUND_TRIP_PURPOSES[what] ?? '—'}`);
  out.push('');
  out.push(
    `**Filing from a confirmed draft.** ${d.filing.filings} drafts taken through the use case to AWAITING_PARTNER (created, saved complete, the partner invited, ` +
      "filing requested), then confirmed with the partner's link (`confirmDraft`), each DynamoDB call's start and end recorded on the client, and the workflow's " +
      'start (a counting fake: nothing reaches AWS) counted as a round trip of its own. Sequential round trips = the longest chain of calls each starting after the previous one ended ' +
      `(bench/drafts.ts \`sequentialRoundTrips\`). Confirmation: ${ms(d.filing.confirmMs.median)} median.`,
  );
  out.push('');
  out.push(
    `The filing, from its first write on: ${d.filing.calls.sequential} sequential round trips${d.filing.sequentialSeen.length > 1 ? ` (${d.filing.sequentialSeen.join(' to ')} over the filings)` : ''}, ` +
      `of ${d.filing.calls.operations.length} calls (${d.filing.calls.operations.join(', ')}). The whole confirmation, with the reads that check the link, the status and the ` +
      `deadline first: ${d.filing.request.sequential} sequential round trips:`,
  );
  out.push('');
  for (const [i, what] of d.filing.request.chain.entries()) out.push(`${i + 1}. ${what}: ${ROUND_TRIP_PURPOSES[what] ?? '—'}`);
  out.push('');
  out.push(...growthSection(d.bundles, BUNDLE_BASELINE, 'the joint dossier work'));
  return out;
}

/** Every function's bundle against a baseline's, with what grew most. */
function growthSection(
  b: { baseline: Omit<BundleBaseline, 'functions'>; esbuild: string; growth: BundleGrowth },
  baselineFile: string,
  before: string,
): string[] {
  const out: string[] = [];
  const g = b.growth;
  const base = b.baseline;
  out.push(
    `**Bundles since ${base.commit}** (the commit before ${before}, ${base.commitDate.slice(0, 10)}): every function bundled with \`FUNCTION_BUNDLING\` ` +
      `(esbuild ${b.esbuild}), its bytes compared with \`${baselineFile}\` (measured ${base.measuredAt.slice(0, 10)} in a git worktree of that commit, esbuild ${base.esbuild}, the same options and dependencies; bench/baseline/measure-bundles.ts says how). ` +
      `Target: none grows more than ${Math.round(g.limit * 100)} %; "grew most" lists the packages and folders that added the most bytes.`,
  );
  out.push('');
  out.push(
    table(
      ['function', `at ${base.commit}`, 'now', 'growth', 'grew most'],
      g.rows.map((row) => [
        row.name,
        row.baselineBytes === undefined ? '—' : kb(row.baselineBytes),
        kb(row.bytes),
        row.growth === undefined ? 'new' : `${pct(row.growth)}${row.over ? ' ❌' : ''}`,
        row.grew.map((c) => `${c.name} +${kb(c.bytes)}`).join(', ') || '—',
      ]),
      ['l', 'r', 'r', 'r', 'l'],
    ),
  );
  out.push('');
  if (g.removed.length > 0) out.push(`No longer built: ${g.removed.join(', ')}.`, '');
  return out;
}

function documentsSection(d: DocumentsResult): string[] {
  const out: string[] = [];
  const rounds = d.uploads[0]?.rounds ?? 0;
  out.push('## 8. Documents');
  out.push('');
  out.push(
    "**Uploads.** The local stack's S3 (s3rver behind its POST-policy checker, local/s3.ts), the client set up as shared/adapters/wire-s3.ts sets it up. " +
      `At each size, alternately, ${rounds} times each after a warm-up, with the same random bytes (a PDF signature first): an upload through the presigned POST ` +
      "(shared/adapters/s3-document-store.ts `presignUpload` for a fresh key, then the fields and the file posted as `multipart/form-data` to the endpoint, as the page's form does; " +
      'the body encoded before the clock starts, as a browser encodes it natively while it sends), and a PutObject of the same bytes to the same endpoint. ' +
      "A third variant posts the form encoded by Node's FormData as it is sent: the page's script in a browser does not pay that. " +
      `Throughput = size ÷ median time (MB = 2^20 bytes). Target: the POST ≥ ${DOCUMENT_TARGETS.postVsPut}× the PutObject at every size. ` +
      `Presigning itself (signing in the process, no request): ${ms(d.presignMs.median)} median.`,
  );
  out.push('');
  out.push(
    table(
      ['size', 'presigned POST', 'PutObject', 'POST ÷ PUT', 'POST, p99', 'PUT, p99', 'POST encoded by FormData'],
      d.uploads.map((u) => [mbOf(u.bytes), mbps(u.postMBps), mbps(u.putMBps), times(u.ratio), ms(u.post.p99), ms(u.put.p99), mbps(u.formMBps)]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  out.push(
    'Locally the checker reads the whole form before it forwards it to s3rver (it must check the policy and the real size first), where a PutObject is streamed ' +
      'through: the POST pays its bytes twice on the loopback. In AWS, S3 checks the policy itself, with no such hop.',
  );
  out.push('');
  out.push(...growthSection(d.bundles, DOCUMENTS_BASELINE, 'the documents work'));
  const holders = d.bundles.s3Client.filter((row) => row.holdsClient);
  out.push(
    `**The S3 client** (\`@aws-sdk/client-s3\` in the bundle's metafile) is in ${holders.map((row) => `${row.name} (\`documents: '${row.documents ?? 'none'}'\`)`).join(', ') || 'no function'}. ` +
      `The functions that only read documents (${d.bundles.s3Client
        .filter((row) => row.documents === 'read')
        .map((row) => `${row.name}${row.holdsClient ? ' ❌ holds it' : ''}`)
        .join(', ')}) sign their download links without it (shared/adapters/wire-s3-reader.ts).`,
  );
  out.push('');
  return out;
}

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const share = (part: number, whole: number) => {
  const pct = (part / whole) * 100;
  return pct < 1 ? '< 1 %' : `${Math.round(pct)} %`;
};
