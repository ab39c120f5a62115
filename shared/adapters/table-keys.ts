import type { TaskStage } from '../domain/application.ts';
import type { Status } from '../domain/status.ts';
import type { CoChairSide } from '../schemas/call.ts';

/**
 * The one table's layout. The stateful stack builds the table (keys, GSI, time-to-live) from
 * `TABLE_SCHEMA` (and the local stack creates it from the synthesized template); the repository
 * builds every key here.
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
 * | draft             | DRAFT#<id>        | DRAFT                    | CALL#<callId>#DRAFTS           | <createdAt>#<id>          |
 * | draft events page | DRAFT#<id>        | HISTORY#<nnnnnn>         |                                |                           |
 *
 * A draft's latest events are a list in its own item (a save appends its event in its one write);
 * older ones move, a hundred at a time, to numbered page items under the draft's key.
 *
 * Idempotency keys carry a `ttl` (epoch seconds) for the table's time-to-live.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ttlAttribute: 'ttl',
} as const;

const { partitionKey: PK, sortKey: SK } = TABLE_SCHEMA;

/** The primary key of an item, named as the table names it. */
export type Key = Record<typeof PK | typeof SK, string>;

const key = (pk: string, sk: string): Key => ({ [PK]: pk, [SK]: sk }) as Key;

/** The primary key of an item read back from the table. */
export const keyOf = (item: Record<string, unknown>): Key => key(item[PK] as string, item[SK] as string);

export const keys = {
  call: (id: string): Key => key(`CALL#${id}`, 'CALL'),
  callPk: (id: string): string => `CALL#${id}`,
  reviewer: (callId: string, email: string): Key => key(`CALL#${callId}`, `REVIEWER#${email.toLowerCase()}`),
  reviewerPrefix: 'REVIEWER#',
  coChair: (callId: string, side: CoChairSide): Key => key(`CALL#${callId}`, `COCHAIR#${side}`),
  coChairPrefix: 'COCHAIR#',
  application: (id: string): Key => key(`APP#${id}`, 'APP'),
  applicationPk: (id: string): string => `APP#${id}`,
  /** `seq` is the event's rank in the history: two events in the same millisecond stay distinct. */
  event: (applicationId: string, at: string, seq: number): Key => key(`APP#${applicationId}`, `EVENT#${at}#${String(seq).padStart(3, '0')}`),
  eventPrefix: 'EVENT#',
  task: (id: string): Key => key(`TASK#${id}`, 'TASK'),
  /** The task id back from a task item's partition key. */
  taskIdOf: (item: Record<string, unknown>): string => (item[PK] as string).slice('TASK#'.length),
  idempotency: (id: string): Key => key(`IDEM#${id}`, 'IDEM'),
  email: (id: string): Key => key(`EMAIL#${id}`, 'EMAIL'),
  draft: (id: string): Key => key(`DRAFT#${id}`, 'DRAFT'),
  draftPk: (id: string): string => `DRAFT#${id}`,
  draftHistoryPage: (draftId: string, page: number): Key => key(`DRAFT#${draftId}`, `HISTORY#${String(page).padStart(6, '0')}`),
  draftHistoryPrefix: 'HISTORY#',
} as const;

/** The sort key of an item read back from the table. */
export const sortKeyOf = (item: Record<string, unknown>): string => item[SK] as string;

export const gsi = {
  calls: (): string => 'CALLS',
  callSort: (opensAt: string, id: string): string => `${opensAt}#${id}`,
  applicationsByStatus: (callId: string, status: Status): string => `CALL#${callId}#STATUS#${status}`,
  applicationSort: (createdAt: string, id: string): string => `${createdAt}#${id}`,
  tasksOf: (applicationId: string): string => `APPTASKS#${applicationId}`,
  taskSort: (stage: TaskStage, createdAt: string, id: string): string => `${stage}#${createdAt}#${id}`,
  draftsOf: (callId: string): string => `CALL#${callId}#DRAFTS`,
  draftSort: (createdAt: string, id: string): string => `${createdAt}#${id}`,
} as const;

/** Attributes the repository keeps beside the records; stripped before a record leaves it. */
export const internalAttributes = [PK, SK, TABLE_SCHEMA.gsi1.partitionKey, TABLE_SCHEMA.gsi1.sortKey, TABLE_SCHEMA.ttlAttribute, 'seq', 'lastEvent'] as const;
