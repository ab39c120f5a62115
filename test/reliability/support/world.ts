import type { ApplicationRecord, TaskRecord } from '../../../shared/domain/application.ts';
import { newId } from '../../../shared/domain/ids.ts';
import { taskLink, trackingToken } from '../../../shared/links/links.ts';
import type { Repository, Signer } from '../../../shared/ports/index.ts';
import type { ApplicationInput } from '../../../shared/schemas/application.ts';
import type { Call } from '../../../shared/schemas/call.ts';
import type { Targets } from './hostile.ts';

/**
 * The records the reliability tests aim at, written with the production repository: a call open
 * until 2099 and one closed, applications in review with their tasks. Dates are real (no fake
 * clock): the handlers run exactly as deployed.
 */

export const OPEN_CALL = 'OPEN-2099';
export const CLOSED_CALL = 'CLOSED-2021';
export const REVIEWER = 'reviewer.one@instruction.example.fr';
export const SECOND_REVIEWER = 'reviewer.two@instruction.example.ma';
export const FAR_FUTURE = '2099-06-30T00:00:00.000Z';

export function openCall(overrides: Partial<Call> = {}): Call {
  return {
    id: OPEN_CALL,
    title: { fr: 'Appel à projets ouvert' },
    opensAt: '2020-01-01T00:00:00.000Z',
    closesAt: '2099-03-31T23:59:59.000Z',
    themes: [{ code: 'eau', label: { fr: 'Eau et stress hydrique' } }],
    durationMonths: { min: 12, max: 36 },
    cofinancingCeiling: 0.5,
    grant: { min: 1_000, max: 100_000 },
    envelope: 750_000,
    ...overrides,
  };
}

export const closedCall = (): Call =>
  openCall({ id: CLOSED_CALL, title: { fr: 'Appel clos' }, opensAt: '2020-12-15T00:00:00.000Z', closesAt: '2021-03-31T23:59:59.000Z' });

let people = 0;

/** A valid application to the open call; its contacts are unique (tests look for them in logs). */
export function validInput(overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  people += 1;
  const tag = `${process.pid}${people}`;
  return {
    callId: OPEN_CALL,
    project: {
      title: `Observatoire de l’eau ${tag}`,
      summary: 'Un observatoire commun de la ressource en eau, et la formation des agents des deux collectivités.',
      theme: 'eau',
      startDate: '2099-09-01',
      durationMonths: 24,
    },
    leadAuthority: {
      name: 'Ville de Montpellier',
      country: 'FR',
      kind: 'commune',
      contact: {
        name: `Élodie Garnier${tag}`,
        email: `elodie.garnier.${tag}@montpellier.example.fr`,
        phone: `+33 4 67 ${tag.slice(-2).padStart(2, '0')} 00 00`,
      },
    },
    partnerAuthority: {
      name: 'Commune de Fès',
      country: 'MA',
      kind: 'commune',
      contact: { name: `Samir Alaoui${tag}`, email: `samir.alaoui.${tag}@fes.example.ma` },
    },
    budget: { totalCost: 120_000, requestedAmount: 50_000 },
    ...overrides,
  };
}

export function applicationRecord(overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  const at = new Date().toISOString();
  return { ...validInput(), id: newId(), status: 'IN_REVIEW', language: 'fr', createdAt: at, updatedAt: at, ...overrides };
}

export function reviewTask(applicationId: string, overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: newId(),
    applicationId,
    stage: 'review',
    taskToken: `sfn-token-${newId()}`,
    recipients: [REVIEWER, SECOND_REVIEWER],
    status: 'OPEN',
    createdAt: new Date().toISOString(),
    expiresAt: FAR_FUTURE,
    reminders: 0,
    ...overrides,
  };
}

/** The `sig` of a task's link for one of its recipients. */
export async function sigOf(signer: Signer, task: TaskRecord, recipient = task.recipients[0] ?? ''): Promise<string> {
  const link = await taskLink(signer, 'https://coopfund.example.org', task, recipient);
  return new URL(link).searchParams.get('sig') ?? '';
}

/** A correctly signed `sig` whose expiry has passed. */
export async function expiredSigOf(signer: Signer, task: TaskRecord, index = 0): Promise<string> {
  const exp = Math.floor(Date.now() / 1000) - 3600;
  const { mac, version } = await signer.sign(['task', task.id, task.recipients[index] ?? '', String(exp)]);
  return `${exp}.${index}.${mac}${version === 1 ? '' : `.v${version}`}`;
}

export interface World {
  targets: Targets;
  application: ApplicationRecord;
  task: TaskRecord;
}

/** Seeds the calls, two applications in review and a review task with two recipients. */
export async function seedWorld(repository: Repository, signer: Signer): Promise<World> {
  await repository.putCall(openCall());
  await repository.putCall(closedCall());
  const application = applicationRecord();
  const other = applicationRecord();
  for (const app of [application, other]) {
    await repository.createApplication(app, { at: app.createdAt, status: app.status, actor: 'workflow' });
  }
  const task = reviewTask(application.id);
  await repository.putTask(task);
  const { callId: _c, ...body } = validInput();
  return {
    application,
    task,
    targets: {
      openCallId: OPEN_CALL,
      closedCallId: CLOSED_CALL,
      applicationId: application.id,
      trackingToken: await trackingToken(signer, application.id),
      otherTrackingToken: await trackingToken(signer, other.id),
      taskId: task.id,
      validSig: await sigOf(signer, task),
      expiredSig: await expiredSigOf(signer, task),
      validBody: { callId: OPEN_CALL, ...body },
    },
  };
}
