import { describe, expect, it } from 'vitest';
import { contactOf } from '../../../shared/domain/draft.ts';
import { checkDraftLink, contactTag } from '../../../shared/links/links.ts';
import { hmacSigner } from '../../../shared/links/signing.ts';
import type { Workflow } from '../../../shared/ports/index.ts';
import { createDraft, type DraftPorts, invitePartner, requestFiling, saveDraft } from '../../../shared/use-cases/drafts.ts';
import { reminderDue, sendDeadlineReminders } from '../../../shared/use-cases/send-reminders.ts';
import { aCall } from '../../fixtures/domain.ts';
import { aDossier, LEAD_CONTACT, PARTNER_CONTACT } from '../../fixtures/dossier.ts';
import { FakeClock, FakeMailer } from '../../fixtures/fake-ports.ts';
import { MemoryRepository } from '../../fixtures/memory-repository.ts';

const BASE = 'https://fonds.example.org';
const CLOSES = '2027-03-31T23:59:59Z';
const HOUR = 3600;
const DAY = 24 * HOUR;

/** A call closing on 31 March, and three drafts: one the lead alone builds, one with its partner, one filed. */
async function world() {
  const repository = new MemoryRepository();
  await repository.putCall(aCall({ madPerEur: 10.8, closesAt: CLOSES, partnerConfirmationDays: 10, requirePartnerConfirmation: true }));
  await repository.putCall(aCall({ id: '2027-T2', opensAt: '2027-01-01T00:00:00Z', closesAt: '2027-06-30T23:59:59Z' }));
  const mailer = new FakeMailer();
  const clock = new FakeClock('2027-03-01T09:00:00.000Z');
  const workflow: Workflow = { start: async () => undefined, succeedTask: async () => undefined };
  const signer = hmacSigner(async () => 'a-test-signing-secret-of-32-chars!');
  const ports: DraftPorts = { repository, mailer, clock, workflow, signer };
  const draft = async (language: 'fr' | 'ar' | 'en') => {
    const created = await createDraft(ports, { body: { callId: '2027-T1', leadAuthority: aDossier().leadAuthority }, language, baseUrl: BASE });
    return { id: created.id, sig: new URL(created.editUrl).searchParams.get('sig') ?? '', baseUrl: BASE };
  };
  const alone = await draft('fr');
  const together = await draft('ar');
  await invitePartner(ports, { ...together, body: { contact: PARTNER_CONTACT } });
  const filed = await draft('en');
  await saveDraft(ports, { ...filed, ifMatch: '"1"', body: aDossier() });
  await requestFiling(ports, filed);
  mailer.sent.length = 0;
  const sweepPorts = { repository, mailer, signer, clock, config: { baseUrl: BASE, adminEmails: [], linkTtlSeconds: 14 * DAY } };
  return { repository, mailer, clock, signer, sweep: () => sendDeadlineReminders(sweepPorts), alone, together, filed };
}

describe('deadline reminders', () => {
  it('are due a week before the close, then 48 hours before, never after it', () => {
    expect(reminderDue(CLOSES, new Date('2027-03-24T23:59:58Z'))).toBeUndefined();
    expect(reminderDue(CLOSES, new Date('2027-03-24T23:59:59Z'))).toBe('7d');
    expect(reminderDue(CLOSES, new Date('2027-03-29T23:59:58Z'))).toBe('7d');
    expect(reminderDue(CLOSES, new Date('2027-03-29T23:59:59Z'))).toBe('48h');
    expect(reminderDue(CLOSES, new Date('2027-03-31T23:59:59Z'))).toBeUndefined();
    expect(reminderDue('not a date', new Date())).toBeUndefined();
  });

  it('go to both contacts of every draft not filed, each with its own link, once however often the sweep runs', async () => {
    const { mailer, clock, signer, sweep, alone, together, filed, repository } = await world();
    expect(await sweep()).toEqual({ calls: 0, drafts: 0, sent: 0 });

    clock.set('2027-03-25T10:00:00.000Z');
    // The lead alone; both contacts of the draft built together; the one awaiting the partner too.
    expect(await sweep()).toEqual({ calls: 1, drafts: 3, sent: 5 });
    expect(await sweep()).toEqual({ calls: 1, drafts: 3, sent: 0 });
    const toLead = mailer.to(LEAD_CONTACT.email);
    expect(toLead).toHaveLength(3);
    expect(toLead.map((m) => m.subject.split(' — ')[0])).toEqual(
      expect.arrayContaining([
        'Clôture de l’appel dans 7 jours : dossier non déposé',
        'يُغلق طلب المشاريع بعد 7 أيام: الملف لم يُودَع بعد / Clôture de l’appel dans 7 jours : dossier non déposé',
        'The call closes in 7 days: application not filed / Clôture de l’appel dans 7 jours : dossier non déposé',
      ]),
    );
    // The partner's link opens the draft as the partner, until the confirmation window ends.
    const partnerEmails = mailer.to(PARTNER_CONTACT.email);
    expect(partnerEmails).toHaveLength(2);
    const awaiting = partnerEmails.find((m) => m.text.includes(`/drafts/${filed.id}?sig=`));
    expect(awaiting?.text).toContain('Its filing awaits your confirmation');
    const sig = decodeURIComponent(/\?sig=([^\s&]+)/.exec(awaiting?.text ?? '')?.[1] ?? '');
    const draft = await repository.getDraft(filed.id);
    const tag = await contactTag(signer, filed.id, 'partner', contactOf(draft!, 'partner')?.email ?? '');
    expect(await checkDraftLink(signer, filed.id, sig, new Date('2027-04-05T00:00:00Z'))).toEqual({ ok: true, role: 'partner', tag });
    expect(await checkDraftLink(signer, filed.id, sig, new Date('2027-04-11T00:00:00Z'))).toMatchObject({ ok: false, reason: 'expired' });
    expect(mailer.to(LEAD_CONTACT.email).some((m) => m.text.includes(`/drafts/${alone.id}?sig=`))).toBe(true);
    expect(mailer.to(PARTNER_CONTACT.email).some((m) => m.text.includes(`/drafts/${together.id}?sig=`))).toBe(true);

    // Two days before: the second reminder, once; after the close: nothing.
    clock.set('2027-03-30T12:00:00.000Z');
    expect((await sweep()).sent).toBe(5);
    expect((await sweep()).sent).toBe(0);
    clock.set('2027-04-01T00:00:00.000Z');
    expect(await sweep()).toEqual({ calls: 0, drafts: 0, sent: 0 });
    expect(mailer.sent).toHaveLength(10);
  });

  it('a sweep missed for the whole week sends the 48-hour reminder alone', async () => {
    const { mailer, clock, sweep } = await world();
    clock.set('2027-03-31T08:00:00.000Z');
    expect((await sweep()).sent).toBe(5);
    expect(mailer.sent.every((m) => m.subject.includes('48'))).toBe(true);
  });

  it('an email that fails is sent by the next run, and the others of the run are not lost', async () => {
    const { mailer, clock, sweep } = await world();
    clock.set('2027-03-25T10:00:00.000Z');
    mailer.failNext(Object.assign(new Error('SES is down'), { name: 'TransientError' }));
    await expect(sweep()).rejects.toThrow();
    const first = mailer.sent.length;
    expect((await sweep()).sent).toBe(5 - first);
    expect((await sweep()).sent).toBe(0);
  });
});
