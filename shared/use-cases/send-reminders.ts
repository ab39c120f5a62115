import type { CallRecord } from '../domain/application.ts';
import { contactOf, type DraftRecord, type DraftRole } from '../domain/draft.ts';
import { type DeadlineReminder, draftDeadlineEmail } from '../emails/templates.ts';
import { draftLink } from '../links/links.ts';
import { about, linkExpiry } from './drafts.ts';
import { baseUrlOf, type LinkMailingPorts, sendOnce, type TaskPorts } from './workflow-support.ts';

const DAY_MS = 24 * 3600 * 1000;

/** The reminders before a call's close, latest first: two days before, then a week before. */
const REMINDERS: ReadonlyArray<{ reminder: DeadlineReminder; beforeMs: number }> = [
  { reminder: '48h', beforeMs: 2 * DAY_MS },
  { reminder: '7d', beforeMs: 7 * DAY_MS },
];

/** The reminder due for a call at `now`: the latest whose time has come, none after the close or more than a week before it. */
export function reminderDue(closesAt: string, now: Date): DeadlineReminder | undefined {
  const left = Date.parse(closesAt) - now.getTime();
  if (!(left > 0)) return undefined;
  return REMINDERS.find((r) => left <= r.beforeMs)?.reminder;
}

export interface RemindersSent {
  /** Calls whose close is within a week. */
  calls: number;
  /** Their drafts not filed. */
  drafts: number;
  /** Emails sent by this run (those sent by an earlier run are not sent again). */
  sent: number;
}

/**
 * The hourly sweep (a scheduled rule): deadline reminders for the drafts not filed.
 * 1. The calls whose close is at most 7 days away (one Query of the calls index).
 * 2. For each, the reminder due (a week before, then 48 hours before) and its drafts still DRAFT or
 *    AWAITING_PARTNER (one Query per such call, never a Scan).
 * 3. Each contact (the lead; the partner once invited or named) gets its own edit link, once per
 *    draft, reminder and role (sent-markers in the table): a late run after an outage sends what is
 *    due then, a repeated one nothing. A week's reminder missed altogether is not sent late once the
 *    48-hour one is due: one email says it all.
 */
export async function sendDeadlineReminders(ports: Pick<TaskPorts, 'repository' | 'mailer' | 'signer' | 'clock' | 'config'>): Promise<RemindersSent> {
  const now = ports.clock.now();
  const due = (await ports.repository.listCalls())
    .map((call) => ({ call, reminder: reminderDue(call.closesAt, now) }))
    .filter((c): c is { call: CallRecord; reminder: DeadlineReminder } => c.reminder !== undefined);
  const result: RemindersSent = { calls: due.length, drafts: 0, sent: 0 };
  for (const { call, reminder } of due) {
    const drafts = (await ports.repository.listDrafts(call.id)).filter((d) => d.status === 'DRAFT' || d.status === 'AWAITING_PARTNER');
    result.drafts += drafts.length;
    for (const draft of drafts) result.sent += await remind(ports, call, draft, reminder);
  }
  return result;
}

async function remind(ports: LinkMailingPorts, call: CallRecord, draft: DraftRecord, reminder: DeadlineReminder): Promise<number> {
  const status = draft.status === 'AWAITING_PARTNER' ? 'AWAITING_PARTNER' : 'DRAFT';
  const expires = linkExpiry(call);
  let sent = 0;
  for (const role of ['lead', 'partner'] as const satisfies readonly DraftRole[]) {
    const contact = contactOf(draft, role);
    if (!contact) continue;
    const link = await draftLink(ports.signer, baseUrlOf(ports.config), draft.id, role, contact.email, expires);
    const email = draftDeadlineEmail({ ...about(draft, call), status }, role, reminder, call.closesAt, link, expires);
    if (await sendOnce(ports, `draft#${draft.id}#deadline#${reminder}#${role}`, [contact.email], email)) sent += 1;
  }
  return sent;
}
