import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ApplicationRecord, HistoryEvent, TaskRecord, TaskStage } from '../../../shared/domain/application.ts';
import { matchRoute, ROUTES, routeNames } from '../../../shared/catalogue/routes.ts';
import { taskLink } from '../../../shared/links/links.ts';
import { hmacSigner } from '../../../shared/links/signing.ts';
import { demoThemes } from '../../../local/seed.ts';
import type { Call } from '../../../shared/schemas/call.ts';
import { apiEvent, lambdaContext } from '../../fixtures/api-event.ts';
import { aCall, anApplicationRecord, aProject, aTask as aDomainTask } from '../../fixtures/domain.ts';
import { MemoryRepository } from '../../fixtures/memory-repository.ts';

/**
 * What the page tests need around the browser: Chromium, the API's handlers behind a tiny HTTP
 * server (the production handlers, unchanged, with in-memory ports instead of AWS), data to show,
 * and axe-core.
 */

// ---------------------------------------------------------------------------------------------
// Chromium

import { launchChromium } from '../support.ts';

export { CHROMIUM, hasChromium, launchChromium } from '../support.ts';

export const LOCALES = { fr: 'fr-FR', ar: 'ar-MA', en: 'en-GB' } as const;

/** Chromium and the API of one test file, and its browser profiles, each in a language; all closed by `close()`. */
export function browserSession() {
  const contexts: BrowserContext[] = [];
  let browser: Browser | undefined;
  let api: TestApi | undefined;
  return {
    get api(): TestApi {
      if (!api) throw new Error('browserSession: start() first');
      return api;
    },
    async start(): Promise<void> {
      [api, browser] = await Promise.all([startApi(), launchChromium()]);
    },
    /** A browser profile in `lang`'s locale, 1000 × 900. */
    async open(lang: keyof typeof LOCALES, options: BrowserContextOptions = {}): Promise<Page> {
      if (!browser) throw new Error('browserSession: start() first');
      const context = await browser.newContext({ locale: LOCALES[lang], viewport: { width: 1000, height: 900 }, ...options });
      contexts.push(context);
      return context.newPage();
    },
    async close(): Promise<void> {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser?.close();
      await api?.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// In-memory ports, returned by the mocked `wirePorts()`

export const SECRETARIAT = 'secretariat@coopfund.example.org';
const SECRET = 'browser-tests-signing-secret-of-32-characters';

export class FakeWorkflow {
  readonly started: string[] = [];
  readonly resumed: unknown[] = [];
  async start(applicationId: string): Promise<void> {
    this.started.push(applicationId);
  }
  async succeedTask(_token: string, output: unknown): Promise<void> {
    this.resumed.push(output);
  }
}

export const fakePorts = {
  repository: new MemoryRepository(),
  workflow: new FakeWorkflow(),
  mailer: { send: async () => undefined },
  signer: hmacSigner(async () => SECRET),
  clock: { now: () => new Date() },
  config: {
    tableName: 'coopfund-browser',
    stateMachineArn: 'arn:aws:states:eu-west-3:123456789012:stateMachine:coopfund',
    senderEmail: 'no-reply@coopfund.example.org',
    adminEmails: [SECRETARIAT],
    linkTtlSeconds: 14 * 24 * 3600,
  },
};

// ---------------------------------------------------------------------------------------------
// Data

const DAY = 24 * 3600 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A call open now, closing in two months. */
export function openCall(): Call {
  const now = Date.now();
  return aCall({
    id: 'DEMO-T1',
    // In the three languages, as the secretariat writes a call (and as the local stack's demo call is).
    title: {
      fr: 'Appel à projets (démonstration) — coopération décentralisée franco-marocaine',
      ar: 'طلب مشاريع (للعرض) — التعاون اللامركزي المغربي الفرنسي',
      en: 'Call for projects (demonstration) — French-Moroccan decentralised cooperation',
    },
    opensAt: iso(now - 30 * DAY),
    closesAt: iso(now + 60 * DAY),
    themes: demoThemes.filter((th) => ['gouvernance', 'eau', 'numerique', 'jeunesse'].includes(th.code)),
  });
}

/** A start date the call accepts (after it closes). */
export const startDate = (): string => iso(Date.now() + 120 * DAY).slice(0, 10);

const randomId = () => Math.random().toString(36).slice(2, 10);

export function anApplication(overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  const now = iso(Date.now() - 3 * DAY);
  return anApplicationRecord({
    id: `app-${randomId()}`,
    callId: 'DEMO-T1',
    status: 'IN_REVIEW',
    createdAt: now,
    updatedAt: now,
    project: aProject({
      title: 'Observatoire partagé de l’eau de Chefchaouen et de Rennes',
      summary: 'Mesurer les pertes du réseau d’eau potable, former les agents des deux collectivités et publier chaque année un rapport commun.',
      startDate: startDate(),
    }),
    ...overrides,
  });
}

export function aTask(app: ApplicationRecord, stage: TaskStage, recipients: string[], overrides: Partial<TaskRecord> = {}): TaskRecord {
  return aDomainTask({
    id: `task-${randomId()}`,
    applicationId: app.id,
    stage,
    taskToken: `token-${stage}`,
    recipients,
    createdAt: iso(Date.now() - DAY),
    expiresAt: iso(Date.now() + 13 * DAY),
    ...overrides,
  });
}

/** Stores an application with a plausible history, and its tasks. */
export async function given(app: ApplicationRecord, tasks: TaskRecord[] = [], history: HistoryEvent[] = []): Promise<void> {
  const repo = fakePorts.repository;
  const first: HistoryEvent = { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' };
  await repo.createApplication(app, first);
  const stored = repo.applications.get(app.id)!;
  const events = repo.history.get(app.id)!;
  for (const event of history) events.push({ event, seq: events.length + 1 });
  stored.status = app.status;
  for (const task of tasks) await repo.putTask(task);
}

/** The link a recipient got by email, with its language. */
export async function linkFor(baseUrl: string, task: TaskRecord, recipient: string, lang: string): Promise<string> {
  return `${await taskLink(fakePorts.signer, baseUrl, task, recipient)}&lang=${lang}`;
}

// ---------------------------------------------------------------------------------------------
// The API, in process

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The API's routes as the catalogue declares them (HEAD is answered by the GET route's handler, as the gateway does). */
const routes = routeNames.map((name) => ({ name, ...ROUTES[name] })).filter((r) => r.method !== 'HEAD');

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface TestApi {
  url: string;
  /** Every request, `METHOD path → status` (to see what the browser did). */
  log: string[];
  close(): Promise<void>;
}

/**
 * The API's handlers behind node:http, the way API Gateway's REST proxy integration calls them
 * (one event per request, the route template as `resource`).
 */
export async function startApi(): Promise<TestApi> {
  const handlers = new Map<string, Handler>();
  for (const fn of new Set(routes.map((r) => r.function))) {
    const module = (await import(`../../../functions/${fn}/handler.ts`)) as { handler: Handler };
    handlers.set(fn, module.handler);
  }
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      const route = routes.find((r) => (r.method === method || (method === 'HEAD' && r.method === 'GET')) && matchRoute(r.name, url.pathname) !== undefined);
      if (!route) {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"NOT_FOUND","message":"Not found"}');
        log.push(`${method} ${url.pathname} → 404 (no route)`);
        return;
      }
      const pathParameters: Record<string, string> = matchRoute(route.name, url.pathname) ?? {};
      const headers = Object.fromEntries(
        Object.entries(req.headers)
          .filter(([name, value]) => name !== 'host' && typeof value === 'string')
          .map(([name, value]) => [name, value as string]),
      );
      const query = Object.fromEntries(url.searchParams);
      const event = apiEvent({
        method,
        resource: route.path,
        path: url.pathname,
        pathParameters,
        ...(Object.keys(query).length > 0 ? { query } : {}),
        headers,
        body: method === 'POST' || method === 'PUT' ? await readBody(req) : null,
        domainName: req.headers.host ?? 'localhost',
        stage: 'local',
      });
      const result = await handlers.get(route.function)!(event, lambdaContext);
      log.push(`${method} ${url.pathname} → ${result.statusCode}`);
      const out = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
      res.writeHead(result.statusCode, out).end(method === 'HEAD' ? undefined : result.body);
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

// ---------------------------------------------------------------------------------------------
// axe-core

const AXE = readFileSync(resolve(import.meta.dirname, '..', '..', '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core on the page as it is (WCAG 2.1 A/AA and best practices) and fails on anything
 * serious or critical. The page's context must bypass the CSP: axe is injected as an inline script.
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${name}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
}
