import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { listApplications } from '../admin/use-cases/applications.ts';
import { dynamoRepository } from '../shared/adapters/dynamodb-repository.ts';
import type { Status } from '../shared/domain/status.ts';
import type { Repository } from '../shared/ports/index.ts';
import { demoCall } from '../local/seed.ts';
import { localCredentials } from '../local/services.ts';
import { applicationItem } from './lib/applications.ts';
import { REGION, startCountingDynalite } from './lib/dynalite.ts';
import { sectionMain, type Log } from './lib/section.ts';
import { interleave, since, summarize, type Summary } from './lib/stats.ts';

/**
 * §4 Scale. The admin listing of a call's applications in one status (admin/use-cases
 * `listApplications`: the call is checked, then one Query of gsi1), in the embedded DynamoDB
 * holding 100 and 10,000 applications of that call, written directly with BatchWriteItem. Half
 * of them wait in review (the listed status), the others are spread over the other statuses.
 */

export interface ScaleSize {
  applications: number;
  /** In the listed status. */
  listed: number;
  loadMs: number;
  /** The first page (50 applications), over and over. */
  firstPage: Summary;
  /** Every page of the status, cursor after cursor, per page; with the operations the walk sent. */
  walk: { pages: number; perPage: Summary; operations: Record<string, number> };
}

export interface ScaleResult {
  pageSize: number;
  status: Status;
  sizes: ScaleSize[];
  /** Every DynamoDB operation the listings sent, all sizes together (a Scan would show here). */
  operations: Record<string, number>;
}

const LISTED: Status = 'IN_REVIEW';
const OTHERS: Status[] = ['SUBMITTED', 'INELIGIBLE', 'IN_COMMITTEE', 'APPROVED', 'REJECTED'];
const PAGE = 50;

export async function benchScale(options: { sizes: number[]; repeats: number; log: Log }): Promise<ScaleResult> {
  const { log } = options;
  const workDir = await mkdtemp(join(tmpdir(), 'coopfund-bench-scale-'));
  const dynamo = await startCountingDynalite(workDir);
  const client = new DynamoDBClient({ endpoint: dynamo.url, region: REGION, credentials: localCredentials, maxAttempts: 10 });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  try {
    const call = demoCall();
    const tables: Array<{ size: number; repository: Repository; listed: number; loadMs: number }> = [];
    for (const size of options.sizes) {
      const tableName = `coopfund-scale-${size}`;
      await dynamo.createTable(tableName);
      const repository = dynamoRepository(doc, tableName);
      await repository.putCall(call);
      const started = performance.now();
      const listed = await load(doc, tableName, call, size);
      const loadMs = since(started);
      log(`${size} applications written with BatchWriteItem in ${(loadMs / 1000).toFixed(1)} s (${listed} in ${LISTED})`);
      tables.push({ size, repository, listed, loadMs });
    }

    const listFirst = (repository: Repository) => listApplications({ repository }, { callId: call.id, status: LISTED, limit: PAGE });
    // Warm the client and dynalite's LevelDB caches alike for every table.
    for (const t of tables) for (let i = 0; i < 5; i++) await listFirst(t.repository);

    log(`listing the first page of ${LISTED} ${options.repeats} times per size, alternating sizes…`);
    dynamo.reset();
    const firstPages = await interleave(
      tables.map((t) => String(t.size)),
      options.repeats,
      async (size) => {
        const t = tables.find((x) => String(x.size) === size)!;
        const started = performance.now();
        const page = await listFirst(t.repository);
        if (page.items.length !== Math.min(PAGE, t.listed))
          throw new Error(`a page of ${page.items.length} applications, expected ${Math.min(PAGE, t.listed)}`);
        return since(started);
      },
    );
    const operations = dynamo.operations();

    const sizes: ScaleSize[] = [];
    for (const t of tables) {
      dynamo.reset();
      const perPage: number[] = [];
      let cursor: string | undefined;
      let seen = 0;
      do {
        const started = performance.now();
        const page = await listApplications({ repository: t.repository }, { callId: call.id, status: LISTED, limit: PAGE, ...(cursor ? { cursor } : {}) });
        perPage.push(since(started));
        seen += page.items.length;
        cursor = page.cursor;
      } while (cursor);
      if (seen !== t.listed) throw new Error(`walked ${seen} applications in ${LISTED}, expected ${t.listed}`);
      const walkOps = dynamo.operations();
      for (const [op, n] of Object.entries(walkOps)) operations[op] = (operations[op] ?? 0) + n;
      sizes.push({
        applications: t.size,
        listed: t.listed,
        loadMs: t.loadMs,
        firstPage: summarize(firstPages[String(t.size)] ?? []),
        walk: { pages: perPage.length, perPage: summarize(perPage), operations: walkOps },
      });
      log(`${t.size}: first page median ${sizes.at(-1)!.firstPage.median.toFixed(2)} ms; ${perPage.length} pages walked`);
    }
    return { pageSize: PAGE, status: LISTED, sizes, operations };
  } finally {
    client.destroy();
    await dynamo.stop();
    await rm(workDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Writes `count` applications of `call`, half in the listed status; returns how many are listed. */
async function load(doc: DynamoDBDocumentClient, tableName: string, call: ReturnType<typeof demoCall>, count: number): Promise<number> {
  const base = Date.parse(call.opensAt);
  const items = Array.from({ length: count }, (_, i) => {
    const status = i % 2 === 0 ? LISTED : (OTHERS[Math.floor(i / 2) % OTHERS.length] as Status);
    return applicationItem(call, status, new Date(base + i * 1000));
  });
  const batches: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const writer = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 10) throw new Error('BatchWriteItem kept leaving items unprocessed');
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, writer));
  return items.filter((item) => item.status === LISTED).length;
}

if (import.meta.main) {
  await sectionMain(({ quick, log }) => benchScale({ sizes: [100, quick ? 2_000 : 10_000], repeats: quick ? 50 : 200, log }));
}
