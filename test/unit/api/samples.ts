import type { ApplicationRecord } from '../../../shared/domain/application.ts';
import type { ApplicationInput } from '../../../shared/schemas/application.ts';
import type { Call } from '../../../shared/schemas/call.ts';
import { aCall, aCommune, anApplication, anApplicationRecord, aProject, aTask, THEMES } from '../../fixtures/domain.ts';

/** A call open around `now` (2027-01-15): opened in December, closes at the end of March. */
export const NOW = new Date('2027-01-15T10:00:00.000Z');

export function sampleCall(overrides: Partial<Call> = {}): Call {
  return aCall({
    opensAt: '2026-12-15T00:00:00.000Z',
    closesAt: '2027-03-31T23:59:59.000Z',
    themes: [THEMES.eau, THEMES.numerique],
    grant: { min: 10_000, max: 100_000 },
    envelope: 750_000,
    ...overrides,
  });
}

export function sampleInput(overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  return anApplication({
    project: aProject({ summary: 'Un projet conjoint de réduction des pertes du réseau d’eau potable.' }),
    leadAuthority: aCommune('FR', 'Ville de Lyon', { name: 'Claire Martin', email: 'claire.martin@example.fr', phone: '+33 4 72 00 00 00' }),
    partnerAuthority: aCommune('MA', 'Commune de Chefchaouen', { name: 'Youssef Alaoui', email: 'y.alaoui@example.ma' }),
    ...overrides,
  });
}

export function sampleApplication(overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return anApplicationRecord({ ...sampleInput(), ...overrides });
}

export { aTask as sampleTask };
