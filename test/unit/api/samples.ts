import type { ApplicationRecord, TaskRecord } from '../../../shared/domain/application.ts';
import type { ApplicationInput } from '../../../shared/schemas/application.ts';
import type { Call } from '../../../shared/schemas/call.ts';

/** A call open around `now` (2027-01-15): opened in December, closes at the end of March. */
export const NOW = new Date('2027-01-15T10:00:00.000Z');

export function sampleCall(overrides: Partial<Call> = {}): Call {
  return {
    id: '2027-T1',
    title: 'Appel à projets 2027 — tranche 1',
    opensAt: '2026-12-15T00:00:00.000Z',
    closesAt: '2027-03-31T23:59:59.000Z',
    themes: [
      { code: 'eau', label: 'Eau et stress hydrique' },
      { code: 'numerique', label: 'Numérique' },
    ],
    durationMonths: { min: 12, max: 36 },
    cofinancingCeiling: 0.5,
    grant: { min: 10_000, max: 100_000 },
    envelope: 750_000,
    ...overrides,
  };
}

export function sampleInput(overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  return {
    callId: '2027-T1',
    project: {
      title: 'Gestion partagée de l’eau',
      summary: 'Un projet conjoint de réduction des pertes du réseau d’eau potable.',
      theme: 'eau',
      startDate: '2027-09-01',
      durationMonths: 24,
    },
    leadAuthority: {
      name: 'Ville de Lyon',
      country: 'FR',
      kind: 'commune',
      contact: { name: 'Claire Martin', email: 'claire.martin@example.fr', phone: '+33 4 72 00 00 00' },
    },
    partnerAuthority: {
      name: 'Commune de Chefchaouen',
      country: 'MA',
      kind: 'commune',
      contact: { name: 'Youssef Alaoui', email: 'y.alaoui@example.ma' },
    },
    budget: { totalCost: 120_000, requestedAmount: 50_000 },
    ...overrides,
  };
}

export function sampleApplication(overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return {
    ...sampleInput(),
    id: 'app-0001',
    status: 'SUBMITTED',
    language: 'fr',
    createdAt: '2027-01-10T09:00:00.000Z',
    updatedAt: '2027-01-10T09:00:00.000Z',
    ...overrides,
  };
}

export function sampleTask(overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: 'task-0001',
    applicationId: 'app-0001',
    stage: 'review',
    taskToken: 'sfn-token-AAAA',
    recipients: ['reviewer@example.fr'],
    status: 'OPEN',
    createdAt: '2027-01-12T09:00:00.000Z',
    expiresAt: '2027-02-12T09:00:00.000Z',
    reminders: 0,
    ...overrides,
  };
}
