import { newId } from '../../shared/domain/ids.ts';
import type { ApplicationRecord, HistoryEvent } from '../../shared/domain/application.ts';
import type { Status } from '../../shared/domain/status.ts';
import { gsi, keys } from '../../shared/adapters/table-keys.ts';
import type { Call } from '../../shared/schemas/call.ts';

/**
 * Applications as people file them: the `POST /applications` body, with a realistic summary, so that item
 * sizes (and so DynamoDB units) are those of real applications, not of stubs.
 */

let counter = 0;

export interface ApplicationOptions {
  /** A partner from France and a 48-month project: two failed rules, for the ineligible path. */
  ineligible?: boolean;
  requestedAmount?: number;
  /** Makes titles and contacts unique, to find this application's emails in the mailbox. */
  tag?: string;
}

export function applicationBody(call: Pick<Call, 'id' | 'closesAt'>, options: ApplicationOptions = {}) {
  counter += 1;
  const tag = options.tag ?? `${Date.now().toString(36)}${counter}`;
  const startYear = new Date(call.closesAt).getUTCFullYear() + 1;
  return {
    callId: call.id,
    project: {
      title: `Gestion partagée de l’eau ${tag}`,
      summary:
        'Mise en place d’un observatoire commun de la ressource en eau, formation croisée des agents des deux ' +
        'collectivités et programme d’échanges techniques sur la réduction des pertes des réseaux de distribution.',
      theme: 'eau',
      startDate: `${startYear}-03-01`,
      durationMonths: options.ineligible ? 48 : 24,
    },
    leadAuthority: {
      name: 'Ville de Montpellier',
      country: 'FR',
      kind: 'commune',
      contact: { name: 'Élodie Garnier', email: `porteur-${tag}@example.fr`, phone: '+33 4 67 00 00 00' },
    },
    partnerAuthority: {
      name: options.ineligible ? 'Ville de Sète' : 'Commune de Fès',
      country: options.ineligible ? 'FR' : 'MA',
      kind: 'commune',
      contact: { name: 'Samir Alaoui', email: `partenaire-${tag}@example.ma` },
    },
    budget: { totalCost: 120_000, requestedAmount: options.requestedAmount ?? 50_000 },
  };
}
export type ApplicationBody = ReturnType<typeof applicationBody>;

/**
 * The application item as the repository stores it (dynamoRepository.createApplication): keys,
 * the status index's keys, `seq` and the last event. For loading a table directly.
 */
export function applicationItem(call: Pick<Call, 'id' | 'closesAt'>, status: Status, createdAt: Date): Record<string, unknown> {
  const body = applicationBody(call);
  const id = newId();
  const at = createdAt.toISOString();
  const record: ApplicationRecord = {
    ...(body as unknown as Omit<ApplicationRecord, 'id' | 'status' | 'language' | 'createdAt' | 'updatedAt'>),
    id,
    status,
    language: 'fr',
    createdAt: at,
    updatedAt: at,
  };
  const lastEvent: HistoryEvent = { at, status, actor: 'applicant' };
  return {
    ...record,
    ...keys.application(id),
    gsi1pk: gsi.applicationsByStatus(call.id, status),
    gsi1sk: gsi.applicationSort(at, id),
    seq: 1,
    lastEvent,
  };
}
