import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../admin/cli.ts';
import { demoJointCall } from '../../local/seed.ts';
import type { MailboxEmail } from '../../local/services.ts';
import { paramsIn, pathTo, type RouteName } from '../../shared/catalogue/routes.ts';
import type { Dossier, DossierDraft } from '../../shared/schemas/dossier.ts';
import { aBudget } from '../fixtures/budget.ts';
import * as e2e from './support.ts';
import { formOf, linksIn, openPage, type PageForm, waitForEmail } from './support.ts';

/**
 * The joint dossier on the local stack, used as both authorities use it: the lead creates a draft
 * and gets its edit link by email, invites the partner (who gets its own), both save the same
 * version at once (one wins, the other merges and saves again, nothing lost), the lead asks to
 * file, the partner confirms or sends it back with a comment; the filed application goes through
 * eligibility (the call's budget rules), review and the committee, each co-chair granting from
 * their own envelope. Also without JavaScript (the page's forms posted as a browser does), and
 * across a restart between the request to file and the confirmation.
 */

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };
const [CO_CHAIR_FR, CO_CHAIR_MA] = ['copresidence.fr@example.org', 'copresidence.ma@example.org'];

let t: e2e.TestStack;
let api: string;
let mailbox: string;
/** The seeded joint dossier's call (its close names the project's earliest start). */
const jointCall = demoJointCall();

// ---------------------------------------------------------------------------------------------
// The two authorities, unique to each test (to find their emails)

let counter = 0;

function twoAuthorities() {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}`;
  const lead = { name: 'Élodie Garnier', email: `porteur-${tag}@example.fr` };
  const partner = { name: 'Samir Alaoui', email: `partenaire-${tag}@example.ma` };
  return {
    tag,
    lead,
    partner,
    leadAuthority: { name: 'Ville de Montpellier', country: 'FR' as const, kind: 'commune' as const, contact: { ...lead, phone: '+33 4 67 00 00 00' } },
    partnerAuthority: { name: 'Commune de Fès', country: 'MA' as const, kind: 'commune' as const, contact: partner },
    project: (closesAt: string): Dossier['project'] => ({
      title: `Observatoire partagé de l’eau ${tag}`,
      summary: 'Mesurer les pertes du réseau d’eau potable et former les agents des deux collectivités.',
      theme: 'eau',
      startDate: `${new Date(closesAt).getUTCFullYear() + 1}-03-01`,
      durationMonths: 24,
    }),
  };
}
type Authorities = ReturnType<typeof twoAuthorities>;

// ---------------------------------------------------------------------------------------------
// The drafts' JSON API, through the edit links people get by email

interface DraftJson {
  id: string;
  version: number;
  status: string;
  role: string;
  dossier: DossierDraft;
  history: Array<{ role: string; email: string; action: string; sections?: string[]; comment?: string }>;
  returnComment?: string;
}

/** `POST /drafts` as the lead; the edit link is the one the lead was emailed. */
async function createDraft(callId: string, who: Authorities, mailboxUrl = mailbox, apiUrl = api): Promise<{ id: string; leadLink: string }> {
  const response = await fetch(`${apiUrl}${pathTo('createDraft')}`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({ callId, leadAuthority: who.leadAuthority }),
  });
  const created = (await response.json()) as { id: string; version: number; status: string; editUrl: string };
  expect(response.status, JSON.stringify(created)).toBe(201);
  expect(created).toMatchObject({ version: 1, status: 'DRAFT' });
  const email = await waitForEmail(mailboxUrl, { to: who.lead.email, subject: 'Votre dossier en préparation' });
  const leadLink = draftLinkIn(email);
  expect(leadLink).toBe(created.editUrl);
  return { id: created.id, leadLink };
}

/** The draft page's link in an email (its route, with the `sig`). */
function draftLinkIn(email: MailboxEmail): string {
  const link = linksIn(email).find((l) => paramsIn('showDraft', l) !== undefined && new URL(l).searchParams.has('sig'));
  if (!link) throw new Error(`no draft link in « ${email.subject} »: ${linksIn(email).join(' ')}`);
  return link;
}

/** A draft action's URL (`invite`, `submit`…) from an edit link: the same `sig`. */
function actionOf(link: string, route: RouteName): string {
  const url = new URL(link);
  const { id } = paramsIn('showDraft', link) as { id: string };
  return `${url.origin}${pathTo(route as 'submitDraft', { id }, { sig: url.searchParams.get('sig') ?? '' })}`;
}

async function getDraft(link: string): Promise<DraftJson> {
  const response = await fetch(link, { headers: { Accept: 'application/json' } });
  expect(response.status).toBe(200);
  return (await response.json()) as DraftJson;
}

async function put(link: string, version: number, body: DossierDraft): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(link, { method: 'PUT', headers: { ...JSON_HEADERS, 'If-Match': `"${version}"` }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function post(link: string, route: RouteName, body: unknown = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(actionOf(link, route), { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The lead invites the partner; the partner's own edit link, from its invitation. */
async function invite(leadLink: string, who: Authorities, mailboxUrl = mailbox): Promise<string> {
  const invited = await post(leadLink, 'inviteToDraft', { contact: who.partner });
  expect(invited.status, JSON.stringify(invited.json)).toBe(200);
  return draftLinkIn(await waitForEmail(mailboxUrl, { to: who.partner.email, subject: 'Invitation à compléter un dossier commun' }));
}

/** The partner's request to confirm (not one of `seen`): its link. */
async function confirmationRequest(who: Authorities, seen = new Set<string>(), mailboxUrl = mailbox): Promise<{ link: string; email: MailboxEmail }> {
  const email = await waitForEmail(mailboxUrl, { to: who.partner.email, subject: 'Confirmation du dépôt attendue', not: seen });
  return { link: draftLinkIn(email), email };
}

// ---------------------------------------------------------------------------------------------
// The draft page's forms, as a browser without JavaScript sends them

/** Every form of a page, with what a browser sends before anyone types. */
function formsOf(html: string, pageUrl: string): PageForm[] {
  return [...html.matchAll(/<form\b[\s\S]*?<\/form>/gi)].map((m) => formOf(m[0], pageUrl));
}

/** The page's form that posts to `route`. */
function formTo(html: string, pageUrl: string, route: RouteName): PageForm {
  const forms = formsOf(html, pageUrl);
  const form = forms.find((f) => paramsIn(route, f.action) !== undefined);
  if (!form) throw new Error(`no form posting to ${route} on ${pageUrl}: ${forms.map((f) => f.action).join(' ')}`);
  return form;
}

/** Posts a form as a browser does (urlencoded, page wanted), `values` typed over what it holds; redirects not followed. */
async function send(form: PageForm, values: Record<string, string> = {}): Promise<{ status: number; location: string | null; html: string }> {
  const body = new URLSearchParams();
  for (const [name, value] of form.fields) if (!(name in values)) body.append(name, value);
  for (const [name, value] of Object.entries(values)) body.append(name, value);
  const response = await fetch(form.action, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
    body,
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
}

/** What the lead types in the draft page: the project, the partner, two cost lines and the sources (balanced: 60 000 €). */
function typedDossier(who: Authorities, closesAt: string): Record<string, string> {
  const project = who.project(closesAt);
  return {
    'project.title': project.title,
    'project.summary': project.summary,
    'project.theme': 'eau',
    'project.startDate': project.startDate,
    'project.durationMonths': '24',
    'partnerAuthority.name': who.partnerAuthority.name,
    'partnerAuthority.country': 'MA',
    'partnerAuthority.kind': 'commune',
    'partnerAuthority.contact.name': who.partner.name,
    'partnerAuthority.contact.email': who.partner.email,
    'budget.lines.0.year': '1',
    'budget.lines.0.category': 'personnel',
    'budget.lines.0.label': 'Chef de projet',
    'budget.lines.0.amount': '40 000',
    'budget.lines.1.year': '2',
    'budget.lines.1.category': 'travel',
    'budget.lines.1.label': 'Missions Fès – Montpellier',
    'budget.lines.1.amount': '20000',
    'budget.funding.lead.cash': '12000',
    'budget.funding.lead.inKind': '3000',
    'budget.funding.partner.cash': '15000',
    'budget.funding.partner.inKind': '0',
    'budget.funding.fundFR': '15000',
    'budget.funding.fundMA': '162000',
  };
}

// ---------------------------------------------------------------------------------------------
// The admin's view of the envelopes

async function committedOf(dataDir: string, callId: string): Promise<{ FR: number; MA: number }> {
  let stdout = '';
  let stderr = '';
  const code = await run(['calls', 'list', '--json'], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { DATA_DIR: dataDir },
    cwd: dataDir,
  });
  expect(code, stderr).toBe(0);
  const call = (JSON.parse(stdout) as Array<{ id: string; committed: number; committedMA: number }>).find((c) => c.id === callId);
  if (!call) throw new Error(`calls list shows no ${callId}: ${stdout}`);
  return { FR: call.committed, MA: call.committedMA };
}

describe('the joint dossier on the local stack', { timeout: 180_000 }, () => {
  e2e.useTestStack({}, (s) => {
    ({ t, api, mailbox } = s);
  });

  it('lists the joint dossier’s call beside the demo call, with both envelopes', async () => {
    expect(t.stack.jointCallId).toBe(jointCall.id);
    const calls = (await e2e.openCalls(api)) as unknown as Array<{ id: string; closesAt: string; envelopes: unknown; madPerEur: number }>;
    expect(calls.find((c) => c.id === jointCall.id)).toMatchObject({
      closesAt: jointCall.closesAt,
      envelopes: { FR: { amount: 400_000, currency: 'EUR' }, MA: { amount: 4_320_000, currency: 'MAD' } },
      madPerEur: 10.8,
    });
    expect(calls.map((c) => c.id)).toContain(t.stack.demoCallId);
  });

  it('both authorities build one draft at once, nothing lost; the partner confirms; review and committee grant from both envelopes', async () => {
    const who = twoAuthorities();
    const before = await committedOf(t.dataDir, jointCall.id);
    const { id, leadLink } = await createDraft(jointCall.id, who);

    // The lead writes the project and names the partner authority.
    const first = await put(leadLink, 1, { project: who.project(jointCall.closesAt), partnerAuthority: who.partnerAuthority });
    expect(first).toMatchObject({ status: 200, json: { version: 2 } });
    const partnerLink = await invite(leadLink, who);
    expect(partnerLink).not.toBe(leadLink);
    expect(await getDraft(partnerLink)).toMatchObject({ id, version: 2, role: 'partner', status: 'DRAFT' });

    // Both save from version 2 at once: the lead its budget, the partner its own authority's details.
    const partnerDetails = { ...who.partnerAuthority, name: 'Commune urbaine de Fès', contact: { ...who.partner, phone: '+212 5 35 00 00 00' } };
    const [lead, partner] = await Promise.all([put(leadLink, 2, { budget: aBudget() }), put(partnerLink, 2, { partnerAuthority: partnerDetails })]);
    expect([lead.status, partner.status].sort()).toEqual([200, 409]);
    const loser =
      lead.status === 409
        ? { result: lead, link: leadLink, body: { budget: aBudget() } }
        : { result: partner, link: partnerLink, body: { partnerAuthority: partnerDetails } };
    expect(loser.result.json).toMatchObject({ error: 'STALE_VERSION', current: { id, version: 3 } });
    // The loser's page merges: the winner's save as it is now, what the loser typed on top, saved from the current version.
    const current = loser.result.json.current as DraftJson;
    const merged = await put(loser.link, current.version, { ...current.dossier, ...loser.body });
    expect(merged).toMatchObject({ status: 200, json: { version: 4 } });

    const saved = await getDraft(leadLink);
    expect(saved.version).toBe(4);
    expect(saved.dossier.budget).toEqual(aBudget());
    expect(saved.dossier.partnerAuthority).toEqual(partnerDetails);
    expect(saved.dossier.project?.title).toBe(who.project(jointCall.closesAt).title);
    // Every save in the history, by whom.
    const saves = saved.history.filter((h) => h.action === 'saved');
    expect(saves.map((h) => h.email).sort()).toEqual([who.lead.email, who.lead.email, who.partner.email].sort());

    // Only the lead asks to file, only the partner confirms.
    expect((await post(partnerLink, 'submitDraft')).status).toBe(403);
    const requested = await post(leadLink, 'submitDraft');
    expect(requested).toMatchObject({ status: 200, json: { id, status: 'AWAITING_PARTNER' } });
    await waitForEmail(mailbox, { to: who.lead.email, subject: 'Demande de dépôt envoyée au partenaire' });
    const { link: confirmLink } = await confirmationRequest(who);
    expect((await post(leadLink, 'confirmDraft')).status).toBe(403);
    // Awaiting the partner, the dossier is no longer edited.
    expect((await put(leadLink, 4, { project: { title: 'Changé trop tard' } })).status).toBe(409);

    const confirmed = await post(confirmLink, 'confirmDraft');
    expect(confirmed).toMatchObject({ status: 201, json: { id, status: 'SUBMITTED' } });
    const trackingUrl = confirmed.json.trackingUrl as string;
    expect(trackingUrl).toMatch(/^http:\/\/localhost:\d+\/applications\/[A-Za-z0-9_-]+\?token=/);
    // A double click sends it again: the same answer, nothing filed twice.
    expect(await post(confirmLink, 'confirmDraft')).toMatchObject({ status: 201, json: { trackingUrl } });
    expect((await getDraft(leadLink)).status).toBe('SUBMITTED');
    const receipt = await waitForEmail(mailbox, { to: who.lead.email, subject: `Dossier reçu — ${who.project(jointCall.closesAt).title}` });
    expect(receipt.destination.to).toEqual(expect.arrayContaining([who.lead.email, who.partner.email]));

    // Eligible under the call's budget rules, reviewed, then each co-chair grants from their own side.
    const title = who.project(jointCall.closesAt).title;
    const { email: review } = await e2e.reviewRequest(mailbox, title);
    expect((await e2e.fillAndSend(e2e.taskLinkIn(review), { decision: 'favorable', relevance: 4, feasibility: 4, partnership: 5, impact: 4 })).status).toBe(
      200,
    );
    const fr = await waitForEmail(mailbox, { to: CO_CHAIR_FR, subject: `Décision du comité mixte attendue — ${title}` });
    const ma = await waitForEmail(mailbox, { to: CO_CHAIR_MA, subject: `Décision du comité mixte attendue — ${title}` });
    // More than the application asks of a side is refused, nothing decided.
    expect((await e2e.fillAndSend(e2e.taskLinkIn(ma), { decision: 'approve', grantedMA: 324_001 })).status).toBe(400);
    expect((await e2e.fillAndSend(e2e.taskLinkIn(fr), { decision: 'approve', grantedFR: 25_000 })).status).toBe(200);
    expect((await e2e.fillAndSend(e2e.taskLinkIn(ma), { decision: 'approve', grantedMA: 324_000 })).status).toBe(200);

    const approved = await e2e.waitForStatus(trackingUrl, 'APPROVED');
    expect(approved).toMatchObject({ id, callId: jointCall.id, decision: { outcome: 'APPROVED', grantedAmount: 25_000, grantedMA: 324_000 } });
    expect(approved.history.map((h) => h.status)).toEqual(['SUBMITTED', 'IN_REVIEW', 'IN_COMMITTEE', 'APPROVED']);
    const granted = await waitForEmail(mailbox, { to: who.partner.email, subject: `Subvention accordée — ${title}` });
    expect(granted.body.text).toMatch(/25\s000\s€/);
    expect(granted.body.text).toMatch(/324\s000\sMAD/);
    // Both envelopes committed by the grants, as the admin sees them.
    expect(await committedOf(t.dataDir, jointCall.id)).toEqual({ FR: before.FR + 25_000, MA: before.MA + 324_000 });
  });

  it('without JavaScript: the page’s forms save (a stale one shown and merged), invite, ask to file and confirm', async () => {
    const who = twoAuthorities();
    const { id, leadLink } = await createDraft(jointCall.id, who);
    const leadPage = await openPage(leadLink);
    expect(leadPage.status).toBe(200);
    const typed = typedDossier(who, jointCall.closesAt);
    const saved = await send(formTo(leadPage.html, leadLink, 'saveDraftForm'), typed);
    expect(saved.status, saved.html.slice(0, 2000)).toBe(303);
    // Back to the page (a GET: a reload sends nothing again), saying it was saved, at version 2.
    const afterSave = await openPage(new URL(saved.location!, leadLink).toString());
    expect(afterSave.html).toContain('name="version" value="2"');
    expect((await getDraft(leadLink)).dossier.budget?.lines).toEqual([
      { year: 1, category: 'personnel', label: 'Chef de projet', amount: 40_000 },
      { year: 2, category: 'travel', label: 'Missions Fès – Montpellier', amount: 20_000 },
    ]);

    const invited = await send(formTo(afterSave.html, leadLink, 'inviteToDraft'), { 'contact.name': who.partner.name, 'contact.email': who.partner.email });
    expect(invited.status).toBe(303);
    const partnerLink = draftLinkIn(await waitForEmail(mailbox, { to: who.partner.email, subject: 'Invitation à compléter un dossier commun' }));

    // The partner's page, opened before the lead saves again: its form says version 2.
    const partnerPage = await openPage(partnerLink);
    const partnerForm = formTo(partnerPage.html, partnerLink, 'saveDraftForm');
    const leadAgain = await send(formTo(afterSave.html, leadLink, 'saveDraftForm'), {
      ...typed,
      'budget.lines.1.amount': '25000',
      'budget.funding.lead.cash': '17000',
    });
    expect(leadAgain.status).toBe(303);
    const stale = await send(partnerForm, { 'partnerAuthority.contact.phone': '+212 5 35 00 00 00' });
    // 409: the page at the current version, what the lead changed shown, what the partner typed kept.
    expect(stale.status).toBe(409);
    expect(stale.html).toContain('id="conflict"');
    expect(stale.html).toContain('data-field="budget.lines.1.amount"');
    const merged = await send(formTo(stale.html, partnerLink, 'saveDraftForm'));
    expect(merged.status, merged.html.slice(0, 2000)).toBe(303);
    const both = (await getDraft(leadLink)).dossier;
    expect(both.partnerAuthority?.contact?.phone).toBe('+212 5 35 00 00 00');
    expect(both.budget?.lines?.[1]?.amount).toBe(25_000);
    expect(both.budget?.funding?.lead?.cash).toBe(17_000);

    // The lead asks to file with the page's button; the partner confirms with its own.
    const leadPageNow = await openPage(leadLink);
    const requested = await send(formTo(leadPageNow.html, leadLink, 'submitDraft'));
    expect(requested.status, JSON.stringify((await getDraft(leadLink)).dossier) + (/<ul id="missing">[\s\S]*?<\/ul>/.exec(requested.html)?.[0] ?? '')).toBe(
      303,
    );
    expect((await getDraft(leadLink)).status).toBe('AWAITING_PARTNER');
    const { link: confirmLink } = await confirmationRequest(who);
    const confirmPage = await openPage(confirmLink);
    expect(confirmPage.status).toBe(200);
    // The partner's page offers to confirm or to send back, and no longer to save.
    expect(confirmPage.html).not.toContain('id="save"');
    expect(formTo(confirmPage.html, confirmLink, 'returnDraft').fields.map(([name]) => name)).toEqual(['comment']);
    const confirmed = await send(formTo(confirmPage.html, confirmLink, 'confirmDraft'));
    expect(confirmed.status).toBe(303);
    // To the tracking page, which says the dossier was filed.
    const tracking = new URL(confirmed.location!, confirmLink);
    expect(paramsIn('trackApplication', tracking.toString())).toEqual({ id });
    const trackingPage = await openPage(tracking.toString());
    expect(trackingPage.status).toBe(200);
    expect(trackingPage.html).toContain(who.project(jointCall.closesAt).title);
    expect((await e2e.track(tracking.toString())).status).not.toBe('DRAFT');
  });

  it('a partner sends it back with a comment: the lead is told why, edits, asks again, and the partner confirms', async () => {
    const who = twoAuthorities();
    const { leadLink } = await createDraft(jointCall.id, who);
    const partnerLink = await invite(leadLink, who);
    const dossier = { project: who.project(jointCall.closesAt), partnerAuthority: who.partnerAuthority, budget: aBudget() };
    expect((await put(partnerLink, 1, dossier)).status).toBe(200);
    expect((await post(leadLink, 'submitDraft')).json.status).toBe('AWAITING_PARTNER');
    const first = await confirmationRequest(who);

    // The partner sends it back with the page's form: a comment is required.
    const page = await openPage(first.link);
    const empty = await send(formTo(page.html, first.link, 'returnDraft'), { comment: '' });
    expect(empty.status).toBe(400);
    const comment = 'Le cofinancement de Fès doit compter 5 000 € en nature (mise à disposition d’un agent).';
    const returned = await send(formTo(page.html, first.link, 'returnDraft'), { comment });
    expect(returned.status).toBe(303);

    const back = await waitForEmail(mailbox, { to: who.lead.email, subject: 'Dossier renvoyé par le partenaire' });
    expect(back.body.text).toContain(comment);
    const leadLinkAgain = draftLinkIn(back);
    const draft = await getDraft(leadLinkAgain);
    expect(draft).toMatchObject({ status: 'DRAFT', returnComment: comment });
    expect(draft.history.at(-1)).toMatchObject({ role: 'partner', email: who.partner.email, action: 'returned', comment });
    // The partner cannot confirm what was sent back.
    expect((await post(first.link, 'confirmDraft')).status).toBe(409);

    // The lead edits as asked and asks again; the partner gets a new request and confirms.
    const edited = aBudget({ lead: { cash: 25_000, inKind: 5_000 }, partner: { cash: 20_000, inKind: 10_000 } });
    expect((await put(leadLinkAgain, draft.version, { budget: edited })).status).toBe(200);
    expect((await post(leadLinkAgain, 'submitDraft')).json.status).toBe('AWAITING_PARTNER');
    const second = await confirmationRequest(who, new Set([first.email.messageId]));
    const confirmed = await post(second.link, 'confirmDraft');
    expect(confirmed.status).toBe(201);
    const filed = await e2e.waitForStatus(confirmed.json.trackingUrl as string, 'IN_REVIEW');
    expect(filed.history.map((h) => h.status)).toEqual(['SUBMITTED', 'IN_REVIEW']);
    expect((await getDraft(leadLinkAgain)).dossier.budget).toEqual(edited);
    expect(await e2e.emailsTo(mailbox, who.partner.email, /^Confirmation du dépôt attendue/)).toHaveLength(2);
  });
});

describe('a restart between the request to file and the confirmation', { timeout: 180_000 }, () => {
  const stacks: e2e.TestStack[] = [];
  afterEach(async () => {
    for (const s of stacks.splice(0).reverse()) await s.dispose();
  });

  it('keeps the draft awaiting the partner: the emailed link still opens the page and confirms', async () => {
    e2e.showStackLinesOnFailure(() => stacks.flatMap((s, i) => [`--- stack ${i + 1} ---`, ...s.lines]));
    const first = await e2e.startTestStack();
    stacks.push(first);
    const [firstApi, firstMailbox] = [first.stack.urls.api, first.stack.urls.mailbox];
    const who = twoAuthorities();
    const { id, leadLink } = await createDraft(jointCall.id, who, firstMailbox, firstApi);
    await invite(leadLink, who, firstMailbox);
    const dossier = { project: who.project(jointCall.closesAt), partnerAuthority: who.partnerAuthority, budget: aBudget() };
    expect((await put(leadLink, 1, dossier)).status).toBe(200);
    expect((await post(leadLink, 'submitDraft')).json).toMatchObject({ id, status: 'AWAITING_PARTNER' });
    const { link, email } = await confirmationRequest(who, new Set(), firstMailbox);

    // Ctrl-C, then `npm start` again: same data folder, same API port (the link names it).
    await first.stop();
    const second = await e2e.startTestStack({ dataDir: first.dataDir, port: first.stack.ports.api });
    stacks.push(second);
    expect(second.stack.urls.api).toBe(firstApi);
    // Nothing seeded twice: the calls and their envelopes are those of before.
    expect(first.lines.filter((l) => l.startsWith('seeded ')).map((l) => l.split(':')[0])).toEqual([
      `seeded ${first.stack.demoCallId}`,
      `seeded ${jointCall.id}`,
    ]);
    expect(second.lines.filter((l) => l.startsWith('seeded '))).toEqual([]);

    // The partner finds the email in the mailbox, opens the link, and confirms.
    expect((await e2e.emailsTo(second.stack.urls.mailbox, who.partner.email)).map((e) => e.messageId)).toContain(email.messageId);
    const page = await openPage(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain(who.project(jointCall.closesAt).title);
    expect(await getDraft(link)).toMatchObject({ id, status: 'AWAITING_PARTNER', role: 'partner' });
    const confirmed = await post(link, 'confirmDraft');
    expect(confirmed).toMatchObject({ status: 201, json: { id, status: 'SUBMITTED' } });
    const inReview = await e2e.waitForStatus(confirmed.json.trackingUrl as string, 'IN_REVIEW');
    expect(inReview.history.map((h) => h.status)).toEqual(['SUBMITTED', 'IN_REVIEW']);
    await waitForEmail(second.stack.urls.mailbox, { to: who.lead.email, subject: `Dossier reçu — ${who.project(jointCall.closesAt).title}` });
  });
});
