import { type ExecutionListItem, GetExecutionHistoryCommand, type HistoryEvent, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoCoChairs, demoReviewers } from '../../local/seed.ts';
import { localCredentials } from '../../local/services.ts';
import { LOCAL_REGION } from '../../local/template.ts';
import {
  anApplication,
  type ApplicationBody,
  demoCallOf,
  fillAndSend,
  type OpenCall,
  reviewRequest,
  showStackLinesOnFailure,
  startTestStack,
  submit,
  taskLinkIn,
  type TestStack,
  track,
  waitForEmail,
} from '../e2e/support.ts';
import { n, plan, record } from './support/figures.ts';

/**
 * Step Functions keeps an execution's history (its input, every state's input and output, every
 * task's parameters and result, every error and cause) for 90 days after it ends, and the purge of
 * personal data cannot reach it. So the workflow carries ids and codes only. This walks every
 * path of the workflow on the local stack, as people would (form, mailbox, decision pages), with
 * personal values found nowhere else, then reads every event of every execution through
 * GetExecutionHistory and looks for each of them. The people still read the same texts: the
 * emails and the tracking page are checked for them along the way.
 */
plan(['secrets', 'execution history']);

const FR = 'copresidence.fr@example.org';
const MA = 'copresidence.ma@example.org';
const scores = { relevance: 4, feasibility: 3, partnership: 4, impact: 4 };
const tag = Date.now().toString(36);

let t: TestStack;
let api: string;
let mailbox: string;
let call: OpenCall;
let sfn: SFNClient;
/** Every personal value the walks used: contacts, texts people wrote, the deciders. */
const personal = new Set<string>([...demoReviewers, ...demoCoChairs].flatMap((p) => [p.name, p.email]));
/** The paths walked, by application id. */
const walked = new Map<string, string>();

/** Text that only this test writes, so that finding it anywhere means it travelled there. */
function said(text: string): string {
  const value = `${text} [${tag}-${personal.size}]`;
  personal.add(value);
  return value;
}

/** An application whose contacts, title and summary are unique to this run, all remembered. */
function anApplicationFor(path: string): ApplicationBody {
  const body = anApplication(call, { title: `Maison de l’eau ${path} ${tag}` });
  body.project.summary = said(`Résumé confidentiel du projet (${path}), porté par Mme Quitterie Abgrall`);
  body.leadAuthority.contact = {
    name: `Quitterie Abgrall-${path}-${tag}`,
    email: `q.abgrall.${path}.${tag}@montpellier.example.fr`,
    phone: `+33 4 67 ${String(walked.size).padStart(2, '0')} 12 34`,
  };
  body.partnerAuthority.contact = { name: `Driss Ouazzani-${path}-${tag}`, email: `d.ouazzani.${path}.${tag}@fes.example.ma` };
  for (const contact of [body.leadAuthority.contact, body.partnerAuthority.contact] as Array<{ name: string; email: string; phone?: string }>) {
    personal.add(contact.name);
    personal.add(contact.email);
    if (contact.phone) personal.add(contact.phone);
  }
  personal.add(body.project.title);
  return body;
}

async function submitted(path: string, body: ApplicationBody) {
  const answer = await submit(api, body);
  walked.set(answer.id, path);
  return answer;
}

const committeeRequest = (to: string, title: string) => waitForEmail(mailbox, { to, subject: `Décision du comité mixte attendue — ${title}` }, 150_000);

beforeAll(async () => {
  t = await startTestStack({
    faults: true,
    // Waits short enough for the reminders and the withdrawal to happen in the test, long enough
    // for the other paths to be decided before them.
    timeouts: { reviewTimeoutSeconds: 8, committeeTimeoutSeconds: 8, resubmissionTimeoutSeconds: 10 },
    retryIntervalMs: 50,
  });
  api = t.stack.urls.api;
  mailbox = t.stack.urls.mailbox;
  call = await demoCallOf(t);
  sfn = new SFNClient({ endpoint: t.stack.urls.stepFunctions, region: LOCAL_REGION, credentials: localCredentials });
}, 90_000);

afterAll(async () => {
  sfn?.destroy();
  await t?.dispose();
});

beforeEach(() => {
  showStackLinesOnFailure(() => t.lines);
});

/** Files an application for `path`, and gives the reviewer's recommendation as soon as it is asked. */
async function reviewed(path: string, decision: string, comment: string) {
  const body = anApplicationFor(path);
  const answer = await submitted(path, body);
  const request = await reviewRequest(mailbox, body.project.title, 150_000);
  await fillAndSend(taskLinkIn(request.email), { decision, ...scores, comment });
  return { body, ...answer, request };
}

/** A co-chair's decision on the application titled `title`, through the link they were emailed. */
const coChairDecides = async (to: string, title: string, fields: Record<string, string | number>) =>
  fillAndSend(taskLinkIn(await committeeRequest(to, title)), fields);

/** The last email of a path, to both contacts: the execution is about to end. */
const lastEmail = (body: ApplicationBody, subject: string) =>
  waitForEmail(mailbox, { to: body.partnerAuthority.contact.email, subject: `${subject} — ${body.project.title}` }, 150_000);

// One path after the other (at once, seven executions' functions compete for two cores), each
// waiting for its emails as people would; the tracking page is read where it shows a person's words.
describe('every path of the workflow, walked with personal values', { timeout: 180_000 }, () => {
  it('approved: a favourable review with a comment, both co-chairs approve with theirs', async () => {
    const { body } = await reviewed('approved', 'favorable', said('Très bon dossier, Mme Abgrall connaît le terrain'));
    await coChairDecides(FR, body.project.title, { decision: 'approve', grantedFR: 40_000, comment: said('Accord de la coprésidence française') });
    await coChairDecides(MA, body.project.title, { decision: 'approve', grantedMA: 0, comment: said('Accord de la coprésidence marocaine') });
    expect((await lastEmail(body, 'Subvention accordée')).body.text).toMatch(/40\s000/);
  });

  it('rejected: an unfavourable review, one co-chair approves, the other rejects with a reason the applicants read', async () => {
    const { body } = await reviewed('rejected', 'unfavorable', said('Le partenariat avec M. Ouazzani reste fragile'));
    await coChairDecides(FR, body.project.title, { decision: 'approve', grantedFR: 30_000, comment: said('Je soutiens ce projet') });
    const reason = said('Le comité regrette que M. Ouazzani ne soit pas associé au budget');
    await coChairDecides(MA, body.project.title, { decision: 'reject', comment: reason });
    // The reason reaches the applicants from the table, as before.
    expect((await lastEmail(body, 'Dossier non retenu')).body.text).toContain(reason);
  });

  it('ineligible: the reasons reach the applicants, the workflow has their codes', async () => {
    const body = anApplicationFor('ineligible');
    body.project.durationMonths = call.durationMonths.max + 12;
    await submitted('ineligible', body);
    expect((await lastEmail(body, 'Dossier non recevable')).body.text).toContain(`La durée du projet (${body.project.durationMonths} mois)`);
  });

  it('changes requested, then resubmitted with a new summary, then approved', async () => {
    const comment = said('Précisez la part de la commune de Mme Abgrall');
    const { body, trackingUrl, request: first } = await reviewed('changes', 'changes', comment);
    // The comment reaches the applicants (email, tracking page) from the table.
    const changes = await lastEmail(body, 'Modifications demandées');
    expect(changes.body.text).toContain(comment);
    expect((await track(trackingUrl)).history.at(-1)).toMatchObject({ status: 'CHANGES_REQUESTED', reason: comment });
    const resubmitted = await fillAndSend(taskLinkIn(changes), { 'project.summary': said('Nouveau résumé, budget précisé par Mme Abgrall') });
    expect(resubmitted.status, resubmitted.html.slice(0, 500)).toBe(200);
    const second = await waitForEmail(
      mailbox,
      { to: first.reviewer, subject: `Avis d’instruction attendu — ${body.project.title}`, not: new Set([first.email.messageId]) },
      150_000,
    );
    await fillAndSend(taskLinkIn(second), { decision: 'favorable', ...scores, comment: said('Réponse satisfaisante') });
    await coChairDecides(FR, body.project.title, { decision: 'approve', grantedFR: 50_000 });
    await coChairDecides(MA, body.project.title, { decision: 'approve', grantedMA: 0 });
    await lastEmail(body, 'Subvention accordée');
  });

  it('withdrawn: changes requested and never resubmitted', async () => {
    const { body } = await reviewed('withdrawn', 'changes', said('Joignez la délibération signée par M. Ouazzani'));
    await lastEmail(body, 'Dossier clos sans suite');
  });

  it('timeouts: the reviewer and a co-chair are reminded, then decide', async () => {
    const body = anApplicationFor('timeout');
    await submitted('timeout', body);
    const { reviewer } = await reviewRequest(mailbox, body.project.title, 150_000);
    const reminder = await waitForEmail(mailbox, { to: reviewer, subject: `Rappel : avis d’instruction attendu — ${body.project.title}` }, 150_000);
    await fillAndSend(taskLinkIn(reminder), { decision: 'favorable', ...scores, comment: said('Avis rendu en retard, avec mes excuses') });
    await coChairDecides(FR, body.project.title, { decision: 'approve', grantedFR: 20_000 });
    const late = await waitForEmail(mailbox, { to: MA, subject: `Rappel : décision du comité mixte attendue — ${body.project.title}` }, 150_000);
    await fillAndSend(taskLinkIn(late), { decision: 'approve', grantedMA: 0, comment: said('Accord tardif') });
    await lastEmail(body, 'Subvention accordée');
  });

  it('error: SES refuses the lead’s address, quoting it; the application is marked ERROR', async () => {
    const body = anApplicationFor('error');
    const lead = body.leadAuthority.contact.email;
    t.stack.faults?.inject({
      service: 'ses',
      operation: 'SendEmail',
      match: lead,
      error: 'MessageRejected',
      message: `Email address is not verified. The following identities failed the check: ${lead} (${body.leadAuthority.contact.name})`,
    });
    const { id } = await submitted('error', body);
    // The admins still learn what failed, by its name.
    expect((await waitForEmail(mailbox, { to: 'admins@coopfund.localhost', subject: id }, 150_000)).body.text).toContain('MessageRejected');
  });
});

/** Every event of an execution, page by page, as the service gives them. */
async function historyOf(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 100, includeExecutionData: true, ...(nextToken ? { nextToken } : {}) }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Every string in a value, JSON inside strings (inputs, outputs, causes) opened too. */
function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') {
    into.push(value);
    if (/^\s*[[{"]/.test(value)) {
      try {
        stringsIn(JSON.parse(value), into);
      } catch {
        // Plain text that starts like JSON: kept as it is.
      }
    }
  } else if (Array.isArray(value)) {
    for (const item of value) stringsIn(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) stringsIn(item, into);
  }
  return into;
}

/** Our executions, once none is running any more (the last email leaves just before the end). */
async function finished(): Promise<ExecutionListItem[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: t.stack.engine.stateMachineArn, maxResults: 1000 }));
    const ours = executions.filter((e) => walked.has(e.name ?? ''));
    if (ours.every((e) => e.status !== 'RUNNING') || Date.now() > deadline) return ours;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the execution history', () => {
  it('holds none of the personal values of any path: inputs, outputs, parameters, errors and causes read', { timeout: 60_000 }, async () => {
    expect([...walked.values()].sort()).toEqual(['approved', 'changes', 'error', 'ineligible', 'rejected', 'timeout', 'withdrawn']);
    const ours = await finished();
    expect(ours).toHaveLength(walked.size);

    const wanted = [...personal].map((value) => [value, value.toLowerCase()] as const);
    const found = new Set<string>();
    const kinds = new Set<string>();
    let events = 0;
    let fields = 0;
    for (const execution of ours) {
      const history = await historyOf(execution.executionArn ?? '');
      const path = walked.get(execution.name ?? '');
      // The scan reads what the events carry: the application id is in them, and the decisions' codes.
      const texts = history.map((event) => stringsIn(event));
      expect(
        texts.flat().some((s) => s.includes(execution.name ?? '')),
        `${path}: the application id in its history`,
      ).toBe(true);
      for (const [i, event] of history.entries()) {
        events += 1;
        kinds.add(event.type ?? '');
        const strings = texts[i] ?? [];
        fields += strings.length;
        for (const s of strings) {
          const lower = s.toLowerCase();
          for (const [value, lowerValue] of wanted) {
            if (lower.includes(lowerValue)) found.add(`${path}: « ${value} » in ${event.type} #${event.id}`);
          }
        }
      }
    }

    expect([...found]).toEqual([]);
    // Every path went to its end (the error path fails its execution, by design).
    const statuses = Object.fromEntries(ours.map((e) => [walked.get(e.name ?? ''), e.status]));
    expect(statuses).toEqual({
      approved: 'SUCCEEDED',
      rejected: 'SUCCEEDED',
      ineligible: 'SUCCEEDED',
      changes: 'SUCCEEDED',
      withdrawn: 'SUCCEEDED',
      timeout: 'SUCCEEDED',
      error: 'FAILED',
    });
    // Enough was read for the result to mean something: every kind of event the paths produce.
    expect(events).toBeGreaterThan(300);
    expect([...kinds]).toEqual(
      expect.arrayContaining([
        'ExecutionStarted',
        'TaskScheduled',
        'TaskSubmitted',
        'TaskSucceeded',
        'TaskTimedOut',
        'LambdaFunctionScheduled',
        'LambdaFunctionSucceeded',
        'LambdaFunctionFailed',
        'ExecutionSucceeded',
        'ExecutionFailed',
      ]),
    );
    record({
      point: 'secrets',
      label: 'execution history',
      short: `${walked.size} paths, ${n(events)} history events × ${n(personal.size)} personal values → 0 found`,
      text: `${walked.size} paths (approved, rejected, ineligible, changes then resubmitted, withdrawn, timeouts, error) → ${n(events)} events of GetExecutionHistory, ${n(fields)} strings (inputs, outputs, parameters, errors, causes) × ${n(personal.size)} personal values → 0 found`,
    });
  });
});
