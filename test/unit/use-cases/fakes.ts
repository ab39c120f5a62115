import type { ApplicationRecord } from '../../../shared/domain/application.ts';
import type { Status } from '../../../shared/domain/status.ts';
import { hmacSigner } from '../../../shared/links/signing.ts';
import type { Clock, EmailMessage, Mailer, Repository } from '../../../shared/ports/index.ts';
import type { Call, CoChair, Reviewer } from '../../../shared/schemas/call.ts';
import type { TaskPorts } from '../../../shared/use-cases/workflow-support.ts';
import { MemoryRepository } from '../../fixtures/memory-repository.ts';

export const BASE_URL = 'https://fonds.example.org';
export const ADMIN = 'admin@daect.example.fr';
export const SECRET = 'a-test-signing-secret-of-32-chars!';

export class FakeMailer implements Mailer {
  readonly sent: EmailMessage[] = [];
  #failures: Error[] = [];
  failNext(error: Error): void {
    this.#failures.push(error);
  }
  async send(message: EmailMessage): Promise<void> {
    const failure = this.#failures.shift();
    if (failure) throw failure;
    this.sent.push(message);
  }
  to(address: string): EmailMessage[] {
    return this.sent.filter((m) => m.to.includes(address));
  }
}

export class FakeClock implements Clock {
  #now: number;
  constructor(iso: string) {
    this.#now = Date.parse(iso);
  }
  now(): Date {
    return new Date(this.#now);
  }
  advance(seconds: number): void {
    this.#now += seconds * 1000;
  }
}

export const call: Call = {
  id: '2027-T1',
  title: 'Appel à projets 2027 — tranche 1',
  opensAt: '2026-12-15T00:00:00Z',
  closesAt: '2027-03-31T23:59:59Z',
  themes: [
    { code: 'eau', label: 'Eau et stress hydrique' },
    { code: 'numerique', label: 'Numérique' },
  ],
  durationMonths: { min: 12, max: 36 },
  cofinancingCeiling: 0.5,
  grant: { min: 10_000, max: 150_000 },
  envelope: 200_000,
};

export const roster: Reviewer[] = [
  { name: 'Claire Martin', email: 'claire.martin@instruction.example.fr', authority: 'Ville de Montpellier' },
  { name: 'Youssef Alaoui', email: 'youssef.alaoui@instruction.example.ma', authority: 'Commune de Fès' },
  { name: 'Hélène Dubois', email: 'helene.dubois@instruction.example.fr', authority: 'Région Occitanie' },
];

export const coChairs: CoChair[] = [
  { side: 'FR', name: 'Anne Coprésidente', email: 'copresidence.fr@daect.example.fr' },
  { side: 'MA', name: 'Karim Coprésident', email: 'copresidence.ma@dgct.example.ma' },
];

export const LEAD = 'lead.contact@lyon.example.fr';
export const PARTNER = 'partner.contact@marrakech.example.ma';

export function anApplication(overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return {
    id: 'app-0001',
    callId: call.id,
    status: 'SUBMITTED',
    language: 'fr',
    createdAt: '2027-02-01T10:00:00.000Z',
    updatedAt: '2027-02-01T10:00:00.000Z',
    project: {
      title: 'Eau potable pour la médina',
      summary: 'Réhabilitation du réseau d’eau potable de la médina.',
      theme: 'eau',
      startDate: '2027-09-01',
      durationMonths: 24,
    },
    leadAuthority: {
      name: 'Ville de Lyon',
      country: 'FR',
      kind: 'commune',
      contact: { name: 'Léa Bernard', email: LEAD, phone: '+33 4 72 10 30 30' },
    },
    partnerAuthority: {
      name: 'Commune de Marrakech',
      country: 'MA',
      kind: 'commune',
      contact: { name: 'Omar Benali', email: PARTNER },
    },
    budget: { totalCost: 120_000, requestedAmount: 50_000 },
    ...overrides,
  };
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
