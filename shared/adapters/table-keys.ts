import type { TaskStage } from '../domain/application.ts';
import type { Status } from '../domain/status.ts';
import type { CoChairSide } from '../schemas/call.ts';

/**
 * The one table's layout. The CDK table construct and the local stack create the table from
 * `TABLE_SCHEMA`; the repository builds every key here.
 *
 * | item              | pk                | sk                       | gsi1pk                         | gsi1sk                    |
 * |-------------------|-------------------|--------------------------|--------------------------------|---------------------------|
 * | call              | CALL#<id>         | CALL                     | CALLS                          | <opensAt>#<id>            |
 * | reviewer          | CALL#<id>         | REVIEWER#<email>         |                                |                           |
 * | co-chair          | CALL#<id>         | COCHAIR#FR / COCHAIR#MA  |                                |                           |
 * | application       | APP#<id>          | APP                      | CALL#<callId>#STATUS#<status>  | <createdAt>#<id>          |
 * | history event     | APP#<id>          | EVENT#<at>#<nnn>         |                                |                           |
 * | task              | TASK#<id>         | TASK                     | APPTASKS#<applicationId>       | <stage>#<createdAt>#<id>  |
 * | idempotency key   | IDEM#<key>        | IDEM                     |                                |                           |
 * | email marker      | EMAIL#<key>       | EMAIL                    |                                |                           |
 *
 * Idempotency keys carry a `ttl` (epoch seconds) for the table's time-to-live.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ttlAttribute: 'ttl',
} as const;

type Key = { pk: string; sk: string };

export const keys = {
  call: (id: string): Key => ({ pk: `CALL#${id}`, sk: 'CALL' }),
  reviewer: (callId: string, email: string): Key => ({ pk: `CALL#${callId}`, sk: `REVIEWER#${email.toLowerCase()}` }),
  reviewerPrefix: 'REVIEWER#',
  coChair: (callId: string, side: CoChairSide): Key => ({ pk: `CALL#${callId}`, sk: `COCHAIR#${side}` }),
  coChairPrefix: 'COCHAIR#',
  application: (id: string): Key => ({ pk: `APP#${id}`, sk: 'APP' }),
  applicationPk: (id: string): string => `APP#${id}`,
  /** `seq` is the event's rank in the history: two events in the same millisecond stay distinct. */
  event: (applicationId: string, at: string, seq: number): Key => ({
    pk: `APP#${applicationId}`,
    sk: `EVENT#${at}#${String(seq).padStart(3, '0')}`,
  }),
  eventPrefix: 'EVENT#',
  task: (id: string): Key => ({ pk: `TASK#${id}`, sk: 'TASK' }),
  idempotency: (key: string): Key => ({ pk: `IDEM#${key}`, sk: 'IDEM' }),
  email: (key: string): Key => ({ pk: `EMAIL#${key}`, sk: 'EMAIL' }),
} as const;

export const gsi = {
  calls: (): string => 'CALLS',
  callSort: (opensAt: string, id: string): string => `${opensAt}#${id}`,
  applicationsByStatus: (callId: string, status: Status): string => `CALL#${callId}#STATUS#${status}`,
  applicationSort: (createdAt: string, id: string): string => `${createdAt}#${id}`,
  tasksOf: (applicationId: string): string => `APPTASKS#${applicationId}`,
  taskSort: (stage: TaskStage, createdAt: string, id: string): string => `${stage}#${createdAt}#${id}`,
} as const;

/** Attributes the repository keeps beside the records; stripped before a record leaves it. */
export const internalAttributes = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'ttl', 'seq', 'lastEvent'] as const;
