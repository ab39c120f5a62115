import { pathTo } from '../../shared/catalogue/routes.ts';
import { readMailbox, type MailboxEmail } from '../../local/services.ts';
import { formOf, isDecisionLink, linksIn } from '../../test/fixtures/page-forms.ts';

/**
 * The people of a workflow path, over HTTP, as the end-to-end tests drive the local stack: the
 * applicants post the JSON and open their tracking page; reviewers and co-chairs open the link
 * they were mailed and send the page's form. Nothing here asserts: a step that does not happen
 * within its time throws, with what was seen.
 */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function submit(api: string, body: unknown): Promise<{ id: string; status: string; trackingUrl: string }> {
  const response = await fetch(`${api}${pathTo('submitApplication')}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST /applications answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as { id: string; status: string; trackingUrl: string };
}

/** Waits for the first email (oldest first) that `match` accepts and `seen` does not hold yet. */
export async function waitForEmail(
  mailboxUrl: string,
  match: (email: MailboxEmail) => boolean,
  what: string,
  options: { seen?: Set<string>; timeoutMs?: number } = {},
): Promise<MailboxEmail> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const base = mailboxUrl.replace(/\/$/, '');
  while (Date.now() < deadline) {
    const found = (await readMailbox(base)).find((e) => match(e) && !options.seen?.has(e.messageId));
    if (found) {
      options.seen?.add(found.messageId);
      return found;
    }
    await sleep(50);
  }
  throw new Error(`no email for ${what} within ${options.timeoutMs ?? 60_000} ms`);
}

export const recipients = (email: MailboxEmail): string[] => [...email.destination.to, ...email.destination.cc, ...email.destination.bcc];

/** The decision link (`/tasks/{id}?sig=…`) of an email, if it has one. */
export const taskLinkIn = (email: MailboxEmail): string | undefined => linksIn(email).find(isDecisionLink);

/** Opens a decision link (GET), fills its form and sends it (POST), as a person would. */
export async function decide(link: string, values: Record<string, string | number>): Promise<void> {
  const page = await fetch(link, { headers: { Accept: 'text/html' } });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`GET ${link} answered ${page.status}`);
  const form = formOf(html, link);
  const body = new URLSearchParams();
  const given = new Set(Object.keys(values));
  for (const [name, value] of form.fields) if (!given.has(name)) body.append(name, value);
  for (const [name, value] of Object.entries(values)) body.append(name, String(value));
  const answer = await fetch(form.action, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
    body,
  });
  const text = await answer.text();
  if (answer.status !== 200) throw new Error(`POST ${form.action} answered ${answer.status}: ${text.slice(0, 300)}`);
}

/** The tracking page, as the applicant opens it from their receipt. */
export async function openTracking(trackingUrl: string): Promise<void> {
  const page = await fetch(trackingUrl, { headers: { Accept: 'text/html' } });
  await page.arrayBuffer();
  if (page.status !== 200) throw new Error(`GET ${trackingUrl} answered ${page.status}`);
}
