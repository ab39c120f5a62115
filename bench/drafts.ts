import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { version as esbuildVersion } from 'esbuild';
import { dynamoRepository } from '../shared/adapters/dynamodb-repository.ts';
import { keys } from '../shared/adapters/table-keys.ts';
import { entryOf, functionNames } from '../shared/catalogue/functions.ts';
import { hmacSigner } from '../shared/links/signing.ts';
import type { Workflow } from '../shared/ports/index.ts';
import type { Budget } from '../shared/schemas/budget.ts';
import { type Call, callSchema } from '../shared/schemas/call.ts';
import type { Dossier } from '../shared/schemas/dossier.ts';
import { confirmDraft, createDraft, type DraftPorts, invitePartner, requestFiling, saveDraft } from '../shared/use-cases/drafts.ts';
import { localCredentials } from '../local/services.ts';
import { aCommune, aProject } from '../test/fixtures/domain.ts';
import { FakeMailer } from '../test/fixtures/fake-ports.ts';
import { type BundleBaseline, type BundleGrowth, bundleGrowth, bundleSizes } from './lib/bundle-sizes.ts';
import { REGION, startCountingDynalite } from './lib/dynalite.ts';
import { repoRoot } from './lib/node.ts';
import { sectionMain, type Log } from './lib/section.ts';
import { interleave, summarize, type Summary } from './lib/stats.ts';

/**
 * §7 Drafts (the joint dossier). Three targets:
 * (a) a draft save (shared/use-cases/drafts.ts `saveDraft`: the link, the body, the write, on the
 *     DynamoDB repository over dynalite) against a bare conditional UpdateItem of the same item,
 *     sample by sample, with the DynamoDB calls one save makes and how many of them are sequential;
 * (b) the round trips of filing from a confirmed draft (`confirmDraft`), each call's start and end
 *     recorded, the longest chain of calls that do not overlap counted;
 * (c) every function's bundle against the sizes measured at the commit before the joint dossier
 *     work (bench/baseline/bundles-ba555cc.json).
 */

export const DRAFT_TARGETS = { saveVsBare: 1.3, filingRoundTrips: 2, bundleGrowth: 0.1 } as const;
export const BUNDLE_BASELINE = 'bench/baseline/bundles-ba555cc.json';

/** One request to DynamoDB or Step Functions, timed from the caller's side. */
export interface RoundTrip {
  /** `GetItem draft`, `PutItem application event`, `StartExecution`… */
  what: string;
  start: number;
  end: number;
}

export interface CallCount {
  /** Every call, in the order they started. */
  operations: string[];
  /** The longest chain of calls each starting after the previous one ended. */
  sequential: number;
  chain: string[];
}

export interface DraftsResult {
  save: {
    rounds: number;
    warmup: number;
    dossierBytes: number;
    costLines: number;
    fundingSources: number;
    draftSave: Summary;
    bareUpdate: Summary;
    calls: CallCount;
  };
  /** `calls`: the filing (from the first write on); `request`: the whole confirmation, its checks' reads included. */
  filing: { filings: number; confirmMs: Summary; calls: CallCount; request: CallCount; sequentialSeen: number[] };
  bundles: { baseline: Omit<BundleBaseline, 'functions'>; esbuild: string; growth: BundleGrowth };
}

/**
 * The longest chain of round trips that do not overlap (each starts once the previous one has
 * ended): the number of sequential round trips on a path, whatever runs beside them.
 */
export function sequentialRoundTrips(trips: readonly RoundTrip[]): { count: number; chain: RoundTrip[] } {
  const sorted = [...trips].sort((a, b) => a.start - b.start || a.end - b.end);
  const best: number[] = [];
  const previous: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    best[i] = 1;
    previous[i] = -1;
    for (let j = 0; j < i; j++) {
      if ((sorted[j] as RoundTrip).end <= (sorted[i] as RoundTrip).start && (best[j] as number) + 1 > (best[i] as number)) {
        best[i] = (best[j] as number) + 1;
        previous[i] = j;
      }
    }
  }
  let last = -1;
  for (let i = 0; i < sorted.length; i++) if (last < 0 || (best[i] as number) > (best[last] as number)) last = i;
  const chain: RoundTrip[] = [];
  for (let i = last; i >= 0; i = previous[i] as number) chain.unshift(sorted[i] as RoundTrip);
  return { count: chain.length, chain };
}

export function callCount(trips: readonly RoundTrip[]): CallCount {
  const { count, chain } = sequentialRoundTrips(trips);
  return { operations: [...trips].sort((a, b) => a.start - b.start).map((t) => t.what), sequential: count, chain: chain.map((t) => t.what) };
}

/** Reads only: what a request checks before it changes anything. */
const isRead = (trip: RoundTrip) => /^(GetItem|Query|BatchGetItem)\b/.test(trip.what);

/**
 * The round trips of a request from its first write on: the filing of a confirmed draft, once the
 * confirmation's checks (reads of the draft and its call) are done.
 */
export function fromFirstWrite(trips: readonly RoundTrip[]): RoundTrip[] {
  const firstWrite = Math.min(...trips.filter((t) => !isRead(t)).map((t) => t.start));
  return trips.filter((t) => t.start >= firstWrite);
}

/** What an item of the table is, from its key (table-keys.ts): `draft`, `draft event`, `call`… */
export function itemKind(pk: string | undefined, sk: string | undefined): string {
  const kind = /^([A-Z]+)#/.exec(pk ?? '')?.[1];
  const names: Record<string, string> = { DRAFT: 'draft', APP: 'application', CALL: 'call', TASK: 'task', IDEM: 'idempotency key', EMAIL: 'email marker' };
  const name = (kind && names[kind]) ?? 'item';
  if (sk?.startsWith(keys.eventPrefix)) return `${name} event`;
  return name;
}

const TABLE = 'coopfund-bench';
const SECRET = 'bench-signing-secret-of-at-least-32-characters';
const BASE_URL = 'https://fonds.example.org';
const LEAD = { name: 'Claire Martin', email: 'claire.martin@lyon.example.fr' };
const PARTNER = { name: 'Youssef Alaoui', email: 'y.alaoui@chefchaouen.example.ma' };
const MAD_PER_EUR = 10.8;

/** A call open now (a day ago, for two months), with both envelopes and the partner's confirmation. */
export function openCall(now: Date): Call {
  const day = 24 * 3600 * 1000;
  return callSchema.parse({
    id: 'BENCH-DRAFTS',
    title: { fr: 'Appel à projets (banc d’essai des dossiers)' },
    opensAt: new Date(now.getTime() - day).toISOString(),
    closesAt: new Date(now.getTime() + 60 * day).toISOString(),
    themes: [{ code: 'eau', label: { fr: 'Eau et assainissement' } }],
    durationMonths: { min: 12, max: 36 },
    cofinancingCeiling: 0.8,
    grant: { min: 10_000, max: 150_000 },
    envelope: 1_000_000,
    envelopes: { FR: { amount: 1_000_000, currency: 'EUR' }, MA: { amount: 10_800_000, currency: 'MAD' } },
    madPerEur: MAD_PER_EUR,
    minLeadShare: 0.1,
    maxInKindShare: 0.5,
    grants: { FR: { min: 10_000, max: 150_000 }, MA: { min: 108_000, max: 1_620_000 } },
    partnerConfirmationDays: 10,
    requirePartnerConfirmation: true,
  });
}

const CATEGORIES = ['personnel', 'travel', 'equipment', 'services', 'communication', 'other'] as const;

/**
 * A dossier as a real one reads: both authorities, the project, and a budget of 30 cost lines over
 * three years (300 000 €) balanced by the lead, the partner, both sides of the fund and two other
 * funders.
 */
export function realisticDossier(title = 'Gestion partagée de l’eau potable entre Lyon et Chefchaouen'): Dossier {
  const lines: Budget['lines'] = Array.from({ length: 30 }, (_, i) => ({
    year: 1 + (i % 3),
    category: CATEGORIES[i % CATEGORIES.length] as Budget['lines'][number]['category'],
    label: `Poste ${i + 1} — ${['mission d’expertise', 'atelier de formation', 'compteurs et vannes', 'étude hydrologique', 'supports de communication', 'frais de suivi'][i % 6]}`,
    amount: 10_000,
  }));
  return {
    project: aProject({
      title,
      summary:
        'Réhabilitation du réseau d’eau potable de la médina, formation des agents communaux à la détection des fuites et mise en place d’une ' +
        'tarification sociale, avec un comité de suivi réunissant les deux collectivités chaque semestre.',
      durationMonths: 36,
    }),
    leadAuthority: aCommune('FR', 'Ville de Lyon', { ...LEAD, phone: '+33 4 72 10 30 30' }),
    partnerAuthority: aCommune('MA', 'Commune de Chefchaouen', { ...PARTNER }),
    budget: {
      lines,
      funding: {
        lead: { cash: 45_000, inKind: 15_000 },
        partner: { cash: 30_000, inKind: 10_000 },
        fundFR: 100_000,
        fundMA: 60_000 * MAD_PER_EUR,
        others: [
          { name: 'Agence de l’eau Rhône Méditerranée Corse', amount: 25_000 },
          { name: 'Région Auvergne-Rhône-Alpes', amount: 15_000 },
        ],
      },
    },
  };
}

const sigIn = (html: string): string => {
  const match = /\/drafts\/[^"?]+\?sig=([^"&]+)/.exec(html.replaceAll('&amp;', '&'));
  if (!match?.[1]) throw new Error('no draft link in the email');
  return decodeURIComponent(match[1]);
};

/** A key attribute as the client sees it at the initialize step (plain, or marshalled `{ S }`). */
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : value && typeof value === 'object' && 'S' in value ? String((value as { S: unknown }).S) : undefined;

function describeRequest(operation: string, input: Record<string, unknown>): string {
  const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  if (key) return `${operation} ${itemKind(text(key.pk), text(key.sk))}`;
  const values = input.ExpressionAttributeValues as Record<string, unknown> | undefined;
  if (values?.[':pk'] !== undefined) return `${operation} ${itemKind(text(values[':pk']), undefined)} items`;
  return operation;
}

export async function benchDrafts(options: { rounds: number; warmup: number; filings: number; log: Log }): Promise<DraftsResult> {
  const { log } = options;
  const workDir = await mkdtemp(join(tmpdir(), 'coopfund-bench-drafts-'));
  const stops: Array<() => Promise<void>> = [];
  try {
    const dynamo = await startCountingDynalite(workDir);
    stops.push(() => dynamo.stop());
    await dynamo.createTable(TABLE);

    // The client as shared/adapters/wire-dynamodb.ts sets it up, with every request timed.
    let trips: RoundTrip[] | undefined;
    const client = new DynamoDBClient({
      endpoint: dynamo.url,
      region: REGION,
      credentials: localCredentials,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const start = performance.now();
        try {
          return await next(args);
        } finally {
          const operation = String((context as { commandName?: string }).commandName ?? '?').replace(/Command$/, '');
          trips?.push({ what: describeRequest(operation, args.input as Record<string, unknown>), start, end: performance.now() });
        }
      },
      { step: 'initialize', name: 'benchRoundTrips' },
    );
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    stops.push(async () => client.destroy());

    // Nothing may reach AWS: the workflow's start is a counted round trip of its own.
    const workflow: Workflow = {
      start: async () => {
        const start = performance.now();
        await setImmediate();
        trips?.push({ what: 'StartExecution', start, end: performance.now() });
      },
      succeedTask: async () => undefined,
    };
    const repository = dynamoRepository(doc, TABLE);
    const mailer = new FakeMailer();
    const ports: DraftPorts = { repository, mailer, workflow, signer: hmacSigner(async () => SECRET), clock: { now: () => new Date() } };
    const call = openCall(new Date());
    await repository.putCall(call);

    const newDraft = async () => {
      const created = await createDraft(ports, {
        body: { callId: call.id, leadAuthority: realisticDossier().leadAuthority },
        language: 'fr',
        baseUrl: BASE_URL,
      });
      return { id: created.id, sig: new URL(created.editUrl).searchParams.get('sig') ?? '', baseUrl: BASE_URL };
    };
    const traced = async <T>(run: () => Promise<T>): Promise<{ value: T; trips: RoundTrip[] }> => {
      trips = [];
      try {
        const value = await run();
        return { value, trips };
      } finally {
        trips = undefined;
      }
    };

    // (a) A save against a bare conditional UpdateItem of the same item.
    const lead = await newDraft();
    let version = 1;
    const save = async (round: number) => {
      const body = realisticDossier(`Gestion partagée de l’eau potable — version ${round}`);
      const result = await saveDraft(ports, { ...lead, ifMatch: `"${version}"`, body });
      if (result.outcome !== 'saved') throw new Error(`the save at version ${version} was ${result.outcome}`);
      version = result.version;
    };
    const bare = async (round: number) => {
      const dossier = realisticDossier(`Gestion partagée de l’eau potable — version ${round} bis`);
      await doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: keys.draft(lead.id),
          UpdateExpression: 'SET #dossier = :dossier, #version = :next',
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#dossier': 'dossier', '#version': 'version' },
          ExpressionAttributeValues: { ':dossier': dossier, ':next': version + 1, ':expected': version },
        }),
      );
      version += 1;
    };
    await save(0);
    const saveCalls = callCount((await traced(() => save(1))).trips);
    log(`one save: ${saveCalls.operations.length} DynamoDB calls, ${saveCalls.sequential} sequential (${saveCalls.chain.join(' → ')})`);
    log(`warming up (${options.warmup} of each)…`);
    for (let i = 0; i < options.warmup; i++) {
      await save(i);
      await bare(i);
    }
    log(`measuring ${options.rounds} saves and bare updates, alternating…`);
    const timed = (fn: (round: number) => Promise<void>) => async (round: number) => {
      const start = performance.now();
      await fn(round);
      return performance.now() - start;
    };
    const samples = await interleave(['save', 'bare'] as const, options.rounds, (variant, round) => (variant === 'save' ? timed(save) : timed(bare))(round));
    const dossier = realisticDossier();

    // (b) Filing from a confirmed draft.
    log(`filing ${options.filings} drafts from the partner's confirmation…`);
    const filings: Array<{ ms: number; calls: CallCount; request: CallCount }> = [];
    for (let i = 0; i < options.filings; i++) {
      const draft = await newDraft();
      await saveDraft(ports, { ...draft, ifMatch: '"1"', body: realisticDossier() });
      await invitePartner(ports, { ...draft, body: { contact: PARTNER } });
      const filing = await requestFiling(ports, draft);
      if (filing.status !== 'AWAITING_PARTNER') throw new Error(`the request to file answered ${filing.status}`);
      const confirmation = mailer.to(PARTNER.email).at(-1);
      const partner = { ...draft, sig: sigIn(confirmation?.html ?? '') };
      const start = performance.now();
      const { value, trips: made } = await traced(() => confirmDraft(ports, partner));
      const ms = performance.now() - start;
      if (value.status !== 'SUBMITTED') throw new Error(`the confirmation answered ${value.status}`);
      filings.push({ ms, calls: callCount(fromFirstWrite(made)), request: callCount(made) });
    }
    const first = filings[0];
    if (!first) throw new Error('no filing measured');
    log(`filing: ${first.calls.sequential} sequential round trips (${first.calls.chain.join(' → ')}); the whole confirmation ${first.request.sequential}`);

    // (c) Bundles against the baseline.
    log('bundling every function with FUNCTION_BUNDLING…');
    const baseline = JSON.parse(await readFile(join(repoRoot, BUNDLE_BASELINE), 'utf8')) as BundleBaseline;
    const sizes = await bundleSizes({
      root: repoRoot,
      workDir: join(workDir, 'bundles'),
      functions: functionNames.map((name) => ({ name, entry: entryOf(name) })),
    });
    const growth = bundleGrowth(sizes, baseline.functions, DRAFT_TARGETS.bundleGrowth);
    const { functions: _f, ...about } = baseline;

    return {
      save: {
        rounds: samples.save.length,
        warmup: options.warmup,
        dossierBytes: Buffer.byteLength(JSON.stringify(dossier)),
        costLines: dossier.budget.lines.length,
        fundingSources: 4 + dossier.budget.funding.others.length,
        draftSave: summarize(samples.save),
        bareUpdate: summarize(samples.bare),
        calls: saveCalls,
      },
      filing: {
        filings: filings.length,
        confirmMs: summarize(filings.map((f) => f.ms)),
        calls: first.calls,
        request: first.request,
        sequentialSeen: [...new Set(filings.map((f) => f.calls.sequential))].sort((a, b) => a - b),
      },
      bundles: { baseline: about, esbuild: esbuildVersion, growth: { ...growth, rows: growth.rows.map((r) => ({ ...r, grew: r.grew.slice(0, 4) })) } },
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  await sectionMain(({ quick, log }) => benchDrafts({ rounds: quick ? 40 : 200, warmup: quick ? 5 : 20, filings: quick ? 3 : 10, log }));
}
