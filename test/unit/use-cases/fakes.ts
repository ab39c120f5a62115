import type { ApplicationRecord } from '../../../shared/domain/application.ts';
import type { Status } from '../../../shared/domain/status.ts';
import { hmacSigner } from '../../../shared/links/signing.ts';
import type { EmailMessage, Repository } from '../../../shared/ports/index.ts';
import type { Call, CoChair, Reviewer } from '../../../shared/schemas/call.ts';
import { type ReviewDecision, reviewOutcome } from '../../../shared/schemas/decisions.ts';
import type { TaskPorts } from '../../../shared/use-cases/workflow-support.ts';
import { aCall, aCommune, anApplicationRecord, aProject, aRoster, someCoChairs, THEMES } from '../../fixtures/domain.ts';
import { FakeClock, FakeMailer } from '../../fixtures/fake-ports.ts';
import { MemoryRepository } from '../../fixtures/memory-repository.ts';

export const BASE_URL = 'https://fonds.example.org';
export const ADMIN = 'admin@daect.example.fr';
export const SECRET = 'a-test-signing-secret-of-32-chars!';

export { FakeClock, FakeMailer };

export const call: Call = aCall({ themes: [THEMES.eau, THEMES.numerique], envelope: 200_000 });
export const roster: Reviewer[] = aRoster();
export const coChairs: CoChair[] = someCoChairs();

export const LEAD = 'lead.contact@lyon.example.fr';
export const PARTNER = 'partner.contact@marrakech.example.ma';

export function anApplication(overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return anApplicationRecord({
    callId: call.id,
    createdAt: '2027-02-01T10:00:00.000Z',
    updatedAt: '2027-02-01T10:00:00.000Z',
    project: aProject({ title: 'Eau potable pour la médina', summary: 'Réhabilitation du réseau d’eau potable de la médina.' }),
    leadAuthority: aCommune('FR', 'Ville de Lyon', { name: 'Léa Bernard', email: LEAD, phone: '+33 4 72 10 30 30' }),
    partnerAuthority: aCommune('MA', 'Commune de Marrakech', { name: 'Omar Benali', email: PARTNER }),
    ...overrides,
  });
}

/** A fresh world: a call with its roster and co-chairs, fake mailer and clock, real signer. */
export async function setup(now = '2027-04-02T08:00:00.000Z') {
  return setupWith(new MemoryRepository(), now);
}

/** The same world over any repository (the DynamoDB adapter over dynalite, for parity tests). */
export async function setupWith<R extends Repository>(repository: R, now = '2027-04-02T08:00:00.000Z') {
  const mailer = new FakeMailer();
  const clock = new FakeClock(now);
  const signer = hmacSigner(async () => SECRET);
  const config = { baseUrl: BASE_URL, adminEmails: [ADMIN], linkTtlSeconds: 14 * 24 * 3600 };
  await repository.putCall(call);
  await repository.putRoster(call.id, roster);
  await repository.putCoChairs(call.id, coChairs);
  const ports: TaskPorts = { repository, mailer, signer, clock, config };
  return { ports, repository, mailer, clock, signer, config };
}

/** Stores an application already at `status`, with its first history event. */
export async function seed(repository: Repository, status: Status = 'SUBMITTED', overrides: Partial<ApplicationRecord> = {}) {
  const app = anApplication({ status, ...overrides });
  await repository.createApplication(app, { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' });
  return app;
}

/** The links of an email's HTML part (href values, unescaped). */
export function links(message: EmailMessage): string[] {
  return [...message.html.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] ?? '').replaceAll('&amp;', '&'));
}

/**
 * A review task as decide-task leaves it: DONE, the posted review (comment included) as its
 * result. The workflow carries only the review's codes; RecordReview reads the comment here.
 */
export async function decideReview(repository: Repository, applicationId: string, review: ReviewDecision, decidedAt = '2027-04-02T07:00:00.000Z') {
  const id = `review-${applicationId}-${decidedAt}`;
  await repository.putTask({
    id,
    applicationId,
    stage: 'review',
    taskToken: `token-${id}`,
    recipients: [roster[0]!.email],
    status: 'DONE',
    createdAt: '2027-04-01T00:00:00.000Z',
    expiresAt: '2027-05-01T00:00:00.000Z',
    reminders: 0,
    decidedBy: roster[0]!.email,
    decidedAt,
    result: review as unknown as Record<string, unknown>,
  });
  return reviewOutcome(review);
}
