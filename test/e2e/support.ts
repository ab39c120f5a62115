import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, onTestFailed } from 'vitest';
import { readMailbox } from '../../local/services.ts';
import type { MailboxEmail } from '../../local/services.ts';
import { startLocalStack } from '../../local/stack.ts';
import type { LocalStack, LocalStackOptions } from '../../local/stack.ts';
import { pathTo } from '../../shared/catalogue/routes.ts';
import { formOf, isDecisionLink, isTrackingLink, linksIn } from '../fixtures/page-forms.ts';

export { formOf, linksIn, type PageForm } from '../fixtures/page-forms.ts';

/**
 * The end-to-end tests use the local stack as people do: HTTP requests to the API, and the
 * mailbox's JSON (`GET /store`) where they read their emails and follow the links in them.
 */

export interface TestStack {
  stack: LocalStack;
  dataDir: string;
  /** Every readable line of the stack (requests, emails, states, handler warnings). */
  lines: string[];
  /** Stops the stack, keeping the data folder (for a restart). */
  stop(): Promise<void>;
  /** Stops the stack and removes the data folder. */
  dispose(): Promise<void>;
}

/** A stack on free ports with a fresh (or the given) data folder. */
export async function startTestStack(options: Partial<LocalStackOptions> & { dataDir?: string } = {}): Promise<TestStack> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'coopfund-e2e-')));
  const lines: string[] = [];
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      port: 0,
      mailboxPort: 0,
      handlerLogLevel: 'WARN',
      ...options,
      dataDir,
      quiet: false,
      log: (line) => lines.push(line),
    });
  } catch (error) {
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stack.stop();
  };
  return {
    stack,
    dataDir,
    lines,
    stop,
    async dispose() {
      await stop();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** When a test fails, show what the stack printed: the requests, emails and states tell the story. */
export function showStackLinesOnFailure(lines: () => string[]): void {
  onTestFailed(() => {
    process.stderr.write(`\n--- local stack output ---\n${lines().join('\n')}\n--- end ---\n`);
  });
}

// ---------------------------------------------------------------------------------------------
// The applicant

export interface OpenCall {
  id: string;
  closesAt: string;
  themes: Array<{ code: string; label: string }>;
  durationMonths: { min: number; max: number };
  cofinancingCeiling: number;
  grant: { min: number; max: number };
  envelope: number;
}

export async function openCalls(api: string): Promise<OpenCall[]> {
  const response = await fetch(`${api}${pathTo('listCalls')}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { calls: OpenCall[] }).calls;
}

let counter = 0;

/** A valid application to `call`, with contacts unique to this test (to find their emails). */
export function anApplication(call: Pick<OpenCall, 'id' | 'closesAt'>, overrides: { title?: string; requestedAmount?: number; totalCost?: number } = {}) {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}`;
  const startYear = new Date(call.closesAt).getUTCFullYear() + 1;
  return {
    callId: call.id,
    project: {
      title: overrides.title ?? `Gestion partagée de l’eau ${tag}`,
      summary: 'Mise en place d’un observatoire commun de la ressource en eau et formation des agents des deux collectivités.',
      theme: 'eau',
      startDate: `${startYear}-03-01`,
      durationMonths: 24,
    },
    leadAuthority: {
      name: 'Ville de Montpellier',
      country: 'FR',
      kind: 'commune',
      contact: { name: 'Élodie Garnier', email: `porteur-${tag}@example.fr`, phone: '+33 4 67 00 00 00' },
    },
    partnerAuthority: {
      name: 'Commune de Fès',
      country: 'MA',
      kind: 'commune',
      contact: { name: 'Samir Alaoui', email: `partenaire-${tag}@example.ma` },
    },
    budget: { totalCost: overrides.totalCost ?? 120_000, requestedAmount: overrides.requestedAmount ?? 50_000 },
  };
}
export type ApplicationBody = ReturnType<typeof anApplication>;

export async function submit(api: string, body: unknown): Promise<{ id: string; status: string; trackingUrl: string }> {
  const response = await fetch(`${api}${pathTo('submitApplication')}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { id: string; status: string; trackingUrl: string };
  expect(response.status, JSON.stringify(answer)).toBe(201);
  return answer;
}

export interface Tracking {
  id: string;
  callId: string;
  status: string;
  budget: { totalCost: number; requestedAmount: number };
  project: { title: string };
  history: Array<{ at: string; status: string; actor: string; reason?: string }>;
  decision?: { outcome: string; grantedAmount?: number; reason?: string };
}

export async function track(trackingUrl: string): Promise<Tracking> {
  const response = await fetch(trackingUrl, { headers: { Accept: 'application/json' } });
  expect(response.status).toBe(200);
  return (await response.json()) as Tracking;
}

/**
 * Polls the tracking URL until the application reaches `status` and its history shows it (the
 * repository writes the history event just after the status: a reader may see one a moment before the other).
 */
export async function waitForStatus(trackingUrl: string, status: string, timeoutMs = 60_000): Promise<Tracking> {
  const deadline = Date.now() + timeoutMs;
  let last: Tracking | undefined;
  while (Date.now() < deadline) {
    last = await track(trackingUrl);
    if (last.status === status && last.history.at(-1)?.status === status) return last;
    await sleep(150);
  }
  throw new Error(`still ${last?.status} after ${timeoutMs} ms, expected ${status}: ${JSON.stringify(last?.history)}`);
}

// ---------------------------------------------------------------------------------------------
// The mailbox

/** Reads emails like a person: waits until one for `to` whose subject matches arrives. */
export async function waitForEmail(
  mailboxUrl: string,
  match: { to: string; subject: RegExp | string; after?: number; not?: Set<string> },
  timeoutMs = 60_000,
): Promise<MailboxEmail> {
  const deadline = Date.now() + timeoutMs;
  const wanted = (email: MailboxEmail) =>
    [...email.destination.to, ...email.destination.cc].includes(match.to) &&
    (typeof match.subject === 'string' ? email.subject.includes(match.subject) : match.subject.test(email.subject)) &&
    email.at >= (match.after ?? 0) &&
    !match.not?.has(email.messageId);
  while (Date.now() < deadline) {
    const found = (await readMailbox(mailboxUrl.replace(/\/$/, ''))).find(wanted);
    if (found) return found;
    await sleep(150);
  }
  const all = await readMailbox(mailboxUrl.replace(/\/$/, ''));
  throw new Error(
    `no email to ${match.to} matching ${String(match.subject)} within ${timeoutMs} ms; mailbox: ${all.map((e) => `${e.subject} → ${e.destination.to.join(',')}`).join(' | ')}`,
  );
}

/** Every email to `to` whose subject matches, now. */
export async function emailsTo(mailboxUrl: string, to: string, subject?: RegExp): Promise<MailboxEmail[]> {
  return (await readMailbox(mailboxUrl.replace(/\/$/, ''))).filter(
    (e) => [...e.destination.to, ...e.destination.cc].includes(to) && (!subject || subject.test(e.subject)),
  );
}

/** The links of an email's text part, in order. */
export function taskLinkIn(email: MailboxEmail): string {
  const link = linksIn(email).find(isDecisionLink);
  if (!link) throw new Error(`no decision link in « ${email.subject} »: ${linksIn(email).join(' ')}`);
  return link;
}

export function trackingLinkIn(email: MailboxEmail): string | undefined {
  return linksIn(email).find(isTrackingLink);
}

// ---------------------------------------------------------------------------------------------
// Pages and their forms

/** Opens a link like a browser: GET, HTML expected. */
export async function openPage(url: string): Promise<{ status: number; html: string }> {
  const response = await fetch(url, { headers: { Accept: 'text/html' } });
  return { status: response.status, html: await response.text() };
}

/**
 * Opens a decision link, fills its form (`values` replace or add fields) and sends it, as a person
 * clicking the button would. Returns the answer page.
 */
export async function fillAndSend(
  link: string,
  values: Record<string, string | number>,
): Promise<{ status: number; html: string; resend: () => Promise<{ status: number; html: string }> }> {
  const page = await openPage(link);
  expect(page.status, page.html.slice(0, 500)).toBe(200);
  const form = formOf(page.html, link);
  const body = new URLSearchParams();
  const given = new Set(Object.keys(values));
  for (const [name, value] of form.fields) if (!given.has(name)) body.append(name, value);
  for (const [name, value] of Object.entries(values)) body.append(name, String(value));
  const send = async () => {
    const response = await fetch(form.action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
      body,
    });
    return { status: response.status, html: await response.text() };
  };
  // `resend`: the same form posted again (a double click, or the browser's back button).
  return { ...(await send()), resend: send };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// One stack per test file

/** The local stack's demo roster (local/seed.ts): whichever of them gets a review request. */
export const REVIEWERS = ['camille.laurent@example.org', 'youssef.elamrani@example.org', 'claire.fontaine@example.org'];

/** The demo call the stack seeds, as the API lists it. */
export async function demoCallOf(t: TestStack): Promise<OpenCall> {
  const [call] = (await openCalls(t.stack.urls.api)).filter((c) => c.id === t.stack.demoCallId) as [OpenCall];
  return call;
}

export interface ReadyStack {
  t: TestStack;
  api: string;
  mailbox: string;
  demoCall: OpenCall;
}

/**
 * Starts one stack for the whole file (before its tests, disposed after them), shows its output
 * when a test fails, and hands it to `ready` once the demo call is open.
 */
export function useTestStack(options: Partial<LocalStackOptions>, ready: (stack: ReadyStack) => void): void {
  let t: TestStack | undefined;
  beforeAll(async () => {
    t = await startTestStack(options);
    ready({ t, api: t.stack.urls.api, mailbox: t.stack.urls.mailbox, demoCall: await demoCallOf(t) });
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });
  beforeEach(() => {
    showStackLinesOnFailure(() => t?.lines ?? []);
  });
}

/** The review request for the application titled `title`: whichever of the roster got it. */
export async function reviewRequest(mailboxUrl: string, title: string, timeoutMs = 60_000): Promise<{ reviewer: string; email: MailboxEmail }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const reviewer of REVIEWERS) {
      const [email] = (await emailsTo(mailboxUrl, reviewer, /^Avis d’instruction attendu/)).filter((e) => e.subject.includes(title));
      if (email) return { reviewer, email };
    }
    await sleep(150);
  }
  throw new Error(`no reviewer was asked to review « ${title} »`);
}
