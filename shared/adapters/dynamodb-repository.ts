import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ApplicationRecord, CallRecord, HistoryEvent, TaskRecord } from '../domain/application.ts';
import type { DraftEvent, DraftRecord } from '../domain/draft.ts';
import { asLocalized } from '../domain/localized.ts';
import { InvalidTransitionError, NotFoundError, TaskGoneError, TransientError, ValidationError } from '../domain/errors.ts';
import { allowedSources, canTransition, type Status } from '../domain/status.ts';
import type { DocumentScanOutcome, DraftDocumentResult, Repository, TaggedContact } from '../ports/index.ts';
import { type Call, type CoChair, type CoChairSide, optionalCallFields, type Reviewer } from '../schemas/call.ts';
import { dossierSections } from '../domain/dossier-sections.ts';
import { errorName, isTransient } from './aws-errors.ts';
import { gsi, internalAttributes, type Key, keyOf, keys, sortKeyOf, TABLE_SCHEMA } from './table-keys.ts';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_SCHEMA;
const { partitionKey: G1PK, sortKey: G1SK } = TABLE_SCHEMA.gsi1;

type Item = Record<string, unknown>;

/** An idempotency key binds its body for this long; after it, the same key may be used again. */
const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

/** Default and largest page of `listApplications`. */
const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;

/** A listing's cursor: the Query's LastEvaluatedKey (four strings), base64url JSON. */
function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string, gsi1pk: string): Record<string, string> {
  const invalid = () => new ValidationError('invalid cursor: pass back the cursor of the previous page of the same listing');
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const names: string[] = [PK, SK, G1PK, G1SK];
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid();
  const entries = Object.entries(key);
  if (entries.length !== names.length || !entries.every(([k, v]) => names.includes(k) && typeof v === 'string')) throw invalid();
  if ((key as Record<string, string>)[G1PK] !== gsi1pk) throw invalid();
  return key as Record<string, string>;
}

/** Fields of an application that no patch may change (keys, status, creation). */
const frozenFields = new Set<string>(['id', 'status', 'callId', 'createdAt', ...internalAttributes]);

const isConditionFailed = (error: unknown) => errorName(error) === 'ConditionalCheckFailedException';

/** Drops `undefined` values deeply: the client may not be set up with `removeUndefinedValues`. */
function clean<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clean) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value as Item)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, clean(v)]),
    ) as T;
  }
  return value;
}

function strip<T>(item: Item): T {
  const out: Item = { ...item };
  for (const name of internalAttributes) delete out[name];
  return out as T;
}

/**
 * Each side's bookkeeping attributes on the call item: the French side's kept the names it had
 * when it was the only one, so a call item written before the Moroccan envelope reads unchanged.
 */
const SIDE_ATTRIBUTES = {
  FR: { committed: 'committed', awarded: 'awarded' },
  MA: { committed: 'committedMA', awarded: 'awardedMA' },
} as const satisfies Record<CoChairSide, { committed: keyof CallRecord; awarded: keyof CallRecord }>;

/** A side's envelope: the call's `envelope` for France; for Morocco its own, or none (0). */
const envelopeOn = (call: CallRecord, side: CoChairSide): number => (side === 'FR' ? call.envelope : (call.envelopes?.MA.amount ?? 0));

const idsOf = (value: unknown): string[] => (value instanceof Set ? [...(value as Set<string>)] : []);

function toCallRecord(item: Item): CallRecord {
  const { awarded, committed, awardedMA, committedMA, ...rest } = strip<Item>(item);
  const call = rest as Call;
  return {
    ...call,
    // Calls written before they had translations hold plain French strings.
    title: asLocalized(call.title),
    themes: (call.themes ?? []).map((t) => ({ ...t, label: asLocalized(t.label) })),
    committed: typeof committed === 'number' ? committed : 0,
    awarded: idsOf(awarded),
    committedMA: typeof committedMA === 'number' ? committedMA : 0,
    awardedMA: idsOf(awardedMA),
  };
}

function toEvent(item: Item): HistoryEvent {
  const { at, status, actor, reason } = item as unknown as HistoryEvent;
  return reason === undefined ? { at, status, actor } : { at, status, actor, reason };
}

/**
 * A stored draft event as the domain reads it. A save stores its contact's tag, not the address
 * (the save's one write has not read the draft): `editors` maps every tag the draft has had to
 * its address.
 */
function toDraftEvent(item: Item, editors: Item): DraftEvent {
  const { at, role, email, tag, action, sections, comment } = item as unknown as DraftEvent & { tag?: string };
  const by = email ?? (typeof tag === 'string' && typeof editors[tag] === 'string' ? (editors[tag] as string) : '');
  return { at, role, email: by, action, ...(sections ? { sections: [...sections] } : {}), ...(comment === undefined ? {} : { comment }) };
}

/** What a draft's item keeps beside the record: its latest events, its contacts' addresses by tag, its pages of older events. */
const DRAFT_INTERNALS = ['history', 'editors', 'historyPages'] as const;

function toDraftRecord(item: Item): DraftRecord {
  const out = strip<Item>(item);
  for (const name of DRAFT_INTERNALS) delete out[name];
  // A draft whose last document was removed reads as one that never had any.
  if (out.documents !== undefined && Object.keys(out.documents as Item).length === 0) delete out.documents;
  return out as unknown as DraftRecord;
}

/** Why a draft refuses a change of its documents, read after the write's condition failed: none when it is still open to it. */
function draftRefusal(item: Item | undefined, at?: string): DraftDocumentResult | undefined {
  if (!item) return { outcome: 'refused', reason: 'missing' };
  if (item.status !== 'DRAFT') return { outcome: 'refused', reason: 'status', current: toDraftRecord(item) };
  if (at !== undefined && !(typeof item.closesAt === 'string' && item.closesAt > at))
    return { outcome: 'refused', reason: 'closed', current: toDraftRecord(item) };
  return undefined;
}

/**
 * Events kept in the draft's item: a save appends its own in the same write. When there are this
 * many, the next save first moves them to a page item of their own (one write per this many saves).
 */
export const DRAFT_EVENTS_IN_ITEM = 100;

/** `SET #f0 = :f0, …` for a patch, with its names and values. */
function setClauses(patch: Item, prefix: string) {
  const names: Record<string, string> = {};
  const values: Item = {};
  const clauses: string[] = [];
  Object.entries(clean(patch)).forEach(([field, value], i) => {
    if (frozenFields.has(field) || value === undefined) return;
    names[`#${prefix}${i}`] = field;
    values[`:${prefix}${i}`] = value;
    clauses.push(`#${prefix}${i} = :${prefix}${i}`);
  });
  return { names, values, clauses };
}

/**
 * The Repository over one DynamoDB table (layout in table-keys.ts). Every invariant is one
 * conditional write on one item — the embedded store has no transactions, and neither do we.
 * Reads that decide a write are strongly consistent; listings use Query, never Scan.
 */
export function dynamoRepository(doc: DynamoDBDocumentClient, tableName: string): Repository {
  const TableName = tableName;

  /** Runs one SDK call: transient failures become TransientError; the rest (conditions included) propagate. */
  async function run<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isTransient(error)) throw Object.assign(new TransientError(`DynamoDB unavailable (${what})`), { cause: error });
      throw error;
    }
  }

  const get = (key: Key) => run('get', () => doc.send(new GetCommand({ TableName, Key: key, ConsistentRead: true }))).then((o) => o.Item);

  async function queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await run('query', () => doc.send(new QueryCommand({ ...input, TableName, ExclusiveStartKey: start })));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  const itemsUnder = (pk: string, prefix: string) =>
    queryAll({
      KeyConditionExpression: `${PK} = :pk AND begins_with(${SK}, :prefix)`,
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ConsistentRead: true,
    });

  const put = (Item: Item, condition?: { expression: string; names?: Record<string, string>; values?: Item }) =>
    run('put', () =>
      doc.send(
        new PutCommand({
          TableName,
          Item: clean(Item),
          ...(condition ? { ConditionExpression: condition.expression } : {}),
          ...(condition?.names ? { ExpressionAttributeNames: condition.names } : {}),
          ...(condition?.values ? { ExpressionAttributeValues: condition.values } : {}),
        }),
      ),
    );

  const del = (key: Key) => run('delete', () => doc.send(new DeleteCommand({ TableName, Key: key })));

  /**
   * One conditional update of one item (`#status` is always bound): `false` when the condition did
   * not hold, which is an answer (a task already claimed, a document already settled), not a failure.
   */
  async function updateIf(
    operation: string,
    key: Key,
    update: { set: string; condition: string; names?: Record<string, string>; values: Item },
  ): Promise<boolean> {
    try {
      await run(operation, () =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: key,
            UpdateExpression: update.set,
            ConditionExpression: update.condition,
            ExpressionAttributeNames: { '#status': 'status', ...update.names },
            ExpressionAttributeValues: update.values,
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /** One conditional update of a task's item (see `updateIf`). */
  const updateTaskIf = (operation: string, id: string, update: Parameters<typeof updateIf>[2]) => updateIf(operation, keys.task(id), update);

  /**
   * Writes the event a status change recorded on the item. The sort key comes from the item
   * (`seq`, `lastEvent.at`), so rewriting it after a crash or a retry yields the same item.
   */
  async function writeLastEvent(applicationId: string, item: Item): Promise<void> {
    const event = item.lastEvent as HistoryEvent | undefined;
    const seq = item.seq;
    if (!event || typeof seq !== 'number') return;
    await put({ ...keys.event(applicationId, event.at, seq), ...toEvent(event as unknown as Item) });
  }

  /** Puts an item whose key must be free: `false` when it is taken (nothing written). */
  async function putNew(item: Item): Promise<boolean> {
    try {
      await put(item, { expression: `attribute_not_exists(${PK})` });
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /**
   * The event items under `pk`, with the owning item's `lastEvent` when its own item (`eventSk`)
   * is not written yet. A change updates the owner first and writes its event right after: until
   * then `lastEvent` stands in for it, so a history never lags behind the status it explains. One
   * query reads the owner and its events.
   */
  async function historyOf(pk: string, ownerSk: string, eventSk: (owner: Item) => string): Promise<Item[]> {
    const items = await queryAll({ KeyConditionExpression: `${PK} = :pk`, ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });
    const events = items.filter((item) => sortKeyOf(item).startsWith(keys.eventPrefix));
    const owner = items.find((item) => sortKeyOf(item) === ownerSk);
    if (owner?.lastEvent && typeof owner.seq === 'number') {
      const sk = eventSk(owner);
      if (!events.some((e) => sortKeyOf(e) === sk)) events.push(owner.lastEvent as Item);
    }
    return events;
  }

  /**
   * One conditional update of a draft that appends `event` to its history and sets `updatedAt`.
   * `undefined` when the condition did not hold: nothing was written.
   */
  async function updateDraftIf(
    operation: string,
    id: string,
    event: DraftEvent,
    update: { set: string[]; remove?: string[]; condition: string; names?: Record<string, string>; values: Item },
  ): Promise<Item | undefined> {
    const remove = update.remove ?? [];
    try {
      const out = await run(operation, () =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.draft(id),
            UpdateExpression: `SET ${[...update.set, 'updatedAt = :at', 'history = list_append(history, :event)'].join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
            ConditionExpression: update.condition,
            ExpressionAttributeNames: { '#status': 'status', ...update.names },
            ExpressionAttributeValues: { ...update.values, ':at': event.at, ':event': [clean(event)] },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return out.Attributes ?? {};
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw error;
    }
  }

  /** The SET clauses that make `partner` the draft's partner: its contact, its links' tag, its address by tag. */
  function partnerClauses({ contact, tag }: TaggedContact): { set: string[]; names: Record<string, string>; values: Item } {
    return {
      set: ['partner = :partner', 'linkTags.partner = :ptag', 'editors.#ptag = :pemail'],
      names: { '#ptag': tag },
      values: { ':partner': clean(contact), ':ptag': tag, ':pemail': contact.email },
    };
  }

  /**
   * Moves the events kept in a draft's item to the next page item, then empties the item's list
   * (only if no write came between: else the page is written again, with more, by the next try).
   */
  async function pageDraftHistory(id: string, item: Item): Promise<void> {
    const previous = typeof item.historyPages === 'number' ? item.historyPages : 0;
    await put({ ...keys.draftHistoryPage(id, previous + 1), events: item.history });
    try {
      await run('pageDraftHistory', () =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.draft(id),
            UpdateExpression: 'SET history = :none, historyPages = :next',
            ConditionExpression: '#version = :version AND size(history) = :count',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':none': [], ':next': previous + 1, ':version': item.version, ':count': (item.history as unknown[]).length },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  /** One conditional update of a draft's documents (`#docs` is always bound too): `false` when the condition did not hold, nothing written. */
  const updateDraftDocuments = (
    operation: string,
    id: string,
    update: { expression: string; condition: string; names?: Record<string, string>; values: Item },
  ) =>
    updateIf(operation, keys.draft(id), {
      set: update.expression,
      condition: update.condition,
      names: { '#docs': 'documents', ...update.names },
      values: update.values,
    });

  /** Replaces the items of a call's sub-list (roster, co-chairs) by `next`. */
  async function replaceList(callId: string, prefix: string, next: Map<string, Item>): Promise<void> {
    const current = await itemsUnder(keys.callPk(callId), prefix);
    await Promise.all([
      ...[...next.entries()].map(([sk, value]) => put({ ...value, [PK]: keys.callPk(callId), [SK]: sk })),
      ...current.filter((item) => !next.has(sortKeyOf(item))).map((item) => del(keyOf(item))),
    ]);
  }

  async function getTaskItem(id: string): Promise<TaskRecord | undefined> {
    const item = await get(keys.task(id));
    return item ? strip<TaskRecord>(item) : undefined;
  }

  async function tasksByPrefix(applicationId: string, prefix?: string): Promise<TaskRecord[]> {
    // The index is eventually consistent: it only finds ids, each task is then read consistently.
    const found = await queryAll({
      IndexName: TABLE_SCHEMA.gsi1.indexName,
      KeyConditionExpression: prefix ? `${G1PK} = :pk AND begins_with(${G1SK}, :prefix)` : `${G1PK} = :pk`,
      ExpressionAttributeValues: { ':pk': gsi.tasksOf(applicationId), ...(prefix ? { ':prefix': prefix } : {}) },
      ScanIndexForward: false,
    });
    const ids = [...new Set(found.map((item) => keys.taskIdOf(item)))];
    const tasks = await Promise.all(ids.map(getTaskItem));
    return tasks.filter((t): t is TaskRecord => t !== undefined);
  }

  return {
    async putCall(call) {
      // An update, not a put: re-seeding a call must never reset its envelope bookkeeping.
      const { names, values, clauses } = setClauses(call as unknown as Item, 'c');
      // A rule the new definition leaves out goes back to its default: the stored one is removed.
      const removed = optionalCallFields.filter((field) => call[field] === undefined);
      await run('putCall', () =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.call(call.id),
            UpdateExpression: `SET ${[...clauses, `${G1PK} = :gpk`, `${G1SK} = :gsk`, 'committed = if_not_exists(committed, :zero)', '#id = :id'].join(', ')}${
              removed.length > 0 ? ` REMOVE ${removed.map((_, i) => `#r${i}`).join(', ')}` : ''
            }`,
            ExpressionAttributeNames: { ...names, '#id': 'id', ...Object.fromEntries(removed.map((field, i) => [`#r${i}`, field])) },
            ExpressionAttributeValues: {
              ...values,
              ':gpk': gsi.calls(),
              ':gsk': gsi.callSort(call.opensAt, call.id),
              ':zero': 0,
              ':id': call.id,
            },
          }),
        ),
      );
    },

    async getCall(id) {
      const item = await get(keys.call(id));
      return item ? toCallRecord(item) : undefined;
    },

    async listCalls() {
      const items = await queryAll({
        IndexName: TABLE_SCHEMA.gsi1.indexName,
        KeyConditionExpression: `${G1PK} = :pk`,
        ExpressionAttributeValues: { ':pk': gsi.calls() },
      });
      return items.map(toCallRecord);
    },

    async putRoster(callId, reviewers) {
      await replaceList(callId, keys.reviewerPrefix, new Map(reviewers.map((r) => [keys.reviewer(callId, r.email)[SK], { ...r }])));
    },

    async getRoster(callId) {
      const items = await itemsUnder(keys.callPk(callId), keys.reviewerPrefix);
      return items.map((item) => strip<Reviewer>(item));
    },

    async putCoChairs(callId, coChairs) {
      await replaceList(callId, keys.coChairPrefix, new Map(coChairs.map((c) => [keys.coChair(callId, c.side)[SK], { ...c }])));
    },

    async getCoChairs(callId) {
      const items = await itemsUnder(keys.callPk(callId), keys.coChairPrefix);
      return items.map((item) => strip<CoChair>(item));
    },

    async createApplication(app, first) {
      const item: Item = {
        ...app,
        ...keys.application(app.id),
        [G1PK]: gsi.applicationsByStatus(app.callId, app.status),
        [G1SK]: gsi.applicationSort(app.createdAt, app.id),
        seq: 1,
        lastEvent: first,
      };
      try {
        // One write: the first event rides on the item (`lastEvent`) until the first change of
        // status writes its own item (see `transition`); a history read meanwhile shows it.
        await put(item, { expression: `attribute_not_exists(${PK})` });
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        return 'exists';
      }
      return 'created';
    },

    async getApplication(id) {
      const item = await get(keys.application(id));
      return item ? strip<ApplicationRecord>(item) : undefined;
    },

    async getHistory(id) {
      const events = await historyOf(
        keys.applicationPk(id),
        keys.application(id)[SK],
        (app) => keys.event(id, (app.lastEvent as HistoryEvent).at, app.seq as number)[SK],
      );
      return events.map(toEvent);
    },

    async deleteApplication(id) {
      const items = await queryAll({
        KeyConditionExpression: `${PK} = :pk`,
        ExpressionAttributeValues: { ':pk': keys.applicationPk(id) },
        ConsistentRead: true,
        ProjectionExpression: `${PK}, ${SK}`,
      });
      await Promise.all(items.map((item) => del(keyOf(item))));
    },

    async transition(id, to, event, patch = {}) {
      const current = await get(keys.application(id));
      if (!current) throw new NotFoundError(`application ${id} not found`);
      const from = current.status as Status;
      if (from === to) {
        await writeLastEvent(id, current);
        return 'unchanged';
      }
      if (!canTransition(from, to)) throw new InvalidTransitionError(`application ${id}: ${from} → ${to} is not allowed`);

      const { updatedAt: _u, ...fields } = patch;
      const { names, values, clauses } = setClauses(fields as Item, 'p');
      const sources = allowedSources(to);
      const sourceValues = Object.fromEntries(sources.map((s, i) => [`:s${i}`, s]));
      let updated: Item | undefined;
      try {
        // The event the item carries gets its own item now, if it has none yet (the first one,
        // stored by the creation alone), beside the write that replaces it.
        const [out] = await Promise.all([
          run('transition', () =>
            doc.send(
              new UpdateCommand({
                TableName,
                Key: keys.application(id),
                UpdateExpression: `SET ${[
                  ...clauses,
                  '#status = :to',
                  `${G1PK} = :gpk`,
                  'updatedAt = :at',
                  'lastEvent = :event',
                  'seq = if_not_exists(seq, :zero) + :one',
                ].join(', ')}`,
                // The status machine, enforced by the store: only an allowed source status may move.
                ConditionExpression: `#status IN (${Object.keys(sourceValues).join(', ')})`,
                ExpressionAttributeNames: { ...names, '#status': 'status' },
                ExpressionAttributeValues: {
                  ...values,
                  ...sourceValues,
                  ':to': to,
                  ':gpk': gsi.applicationsByStatus(current.callId as string, to),
                  ':at': event.at,
                  ':event': clean(event),
                  ':zero': 0,
                  ':one': 1,
                },
                ReturnValues: 'ALL_NEW',
              }),
            ),
          ),
          writeLastEvent(id, current),
        ]);
        updated = out.Attributes;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        // Someone else moved it between our read and our write.
        const now = await get(keys.application(id));
        if (now?.status === to) {
          await writeLastEvent(id, now);
          return 'unchanged';
        }
        throw new InvalidTransitionError(`application ${id}: ${String(now?.status)} → ${to} is not allowed`);
      }
      if (updated) await writeLastEvent(id, updated);
      return 'changed';
    },

    async patchApplication(id, patch) {
      const { names, values, clauses } = setClauses(patch as Item, 'p');
      if (patch.updatedAt !== undefined) {
        names['#updatedAt'] = 'updatedAt';
        values[':updatedAt'] = patch.updatedAt;
        clauses.push('#updatedAt = :updatedAt');
      }
      if (clauses.length === 0) return;
      try {
        await run('patchApplication', () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: keys.application(id),
              UpdateExpression: `SET ${clauses.join(', ')}`,
              ConditionExpression: `attribute_exists(${PK})`,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }),
          ),
        );
      } catch (error) {
        if (isConditionFailed(error)) throw new NotFoundError(`application ${id} not found`);
        throw error;
      }
    },

    async listApplications(callId, status, page = {}) {
      const limit = page.limit ?? DEFAULT_PAGE;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new ValidationError(`limit must be from 1 to ${MAX_PAGE}`);
      const pk = gsi.applicationsByStatus(callId, status);
      const start = page.cursor ? decodeCursor(page.cursor, pk) : undefined;
      const out = await run('listApplications', () =>
        doc.send(
          new QueryCommand({
            TableName,
            IndexName: TABLE_SCHEMA.gsi1.indexName,
            KeyConditionExpression: `${G1PK} = :pk`,
            ExpressionAttributeValues: { ':pk': pk },
            Limit: limit,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      const items = (out.Items ?? []).map((item) => strip<ApplicationRecord>(item));
      return out.LastEvaluatedKey ? { items, cursor: encodeCursor(out.LastEvaluatedKey) } : { items };
    },

    async redactHistory(id, redact) {
      const items = await itemsUnder(keys.applicationPk(id), keys.eventPrefix);
      let changed = 0;
      for (const item of items) {
        const event = toEvent(item);
        const reason = redact(event);
        if (reason === event.reason) continue;
        const { reason: _old, ...rest } = item;
        await put(reason === undefined ? rest : { ...rest, reason });
        changed += 1;
      }
      // The item keeps a copy of its last event, which a later write replays: redact it too.
      const app = await get(keys.application(id));
      const last = app?.lastEvent as HistoryEvent | undefined;
      if (app && last) {
        const reason = redact(toEvent(last as unknown as Item));
        if (reason !== last.reason) {
          await run('redactHistory', () =>
            doc.send(
              new UpdateCommand({
                TableName,
                Key: keys.application(id),
                UpdateExpression: reason === undefined ? 'REMOVE lastEvent.reason' : 'SET lastEvent.reason = :reason',
                ConditionExpression: `attribute_exists(${PK})`,
                ...(reason === undefined ? {} : { ExpressionAttributeValues: { ':reason': reason } }),
              }),
            ),
          );
        }
      }
      return changed;
    },

    async reserveGrant(callId, applicationId, amount, side = 'FR') {
      if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`grant amount must be a positive whole number, got ${amount}`);
      const attributes = SIDE_ATTRIBUTES[side];
      const counted = (call: CallRecord) => call[attributes.awarded].includes(applicationId);
      const fits = (call: CallRecord) => call[attributes.committed] + amount <= envelopeOn(call, side);
      // A few rounds only when the envelope itself was edited between our read and our write.
      for (let round = 0; round < 5; round++) {
        const item = await get(keys.call(callId));
        if (!item) throw new NotFoundError(`call ${callId} not found`);
        const call = toCallRecord(item);
        if (counted(call)) return 'already';
        if (!fits(call)) return 'exhausted';
        try {
          await run('reserveGrant', () =>
            doc.send(
              new UpdateCommand({
                TableName,
                Key: keys.call(callId),
                UpdateExpression: 'ADD #committed :amount, #awarded :ids',
                // `committed + amount <= envelope`, written with a bound computed from the envelope we read,
                // which the condition pins so that a concurrent edit of the envelope cannot slip through.
                // The Moroccan side's total does not exist before its first reservation.
                ConditionExpression: `NOT contains(#awarded, :id) AND (attribute_not_exists(#committed) OR #committed <= :bound) AND ${
                  side === 'FR' ? '#envelope = :envelope' : '#envelopes.#MA.#amount = :envelope'
                }`,
                ExpressionAttributeNames: {
                  '#committed': attributes.committed,
                  '#awarded': attributes.awarded,
                  ...(side === 'FR' ? { '#envelope': 'envelope' } : { '#envelopes': 'envelopes', '#MA': 'MA', '#amount': 'amount' }),
                },
                ExpressionAttributeValues: {
                  ':amount': amount,
                  ':ids': new Set([applicationId]),
                  ':id': applicationId,
                  ':bound': envelopeOn(call, side) - amount,
                  ':envelope': envelopeOn(call, side),
                },
              }),
            ),
          );
          return 'reserved';
        } catch (error) {
          if (!isConditionFailed(error)) throw error;
          const after = await get(keys.call(callId));
          if (!after) throw new NotFoundError(`call ${callId} not found`);
          const now = toCallRecord(after);
          if (counted(now)) return 'already';
          if (!fits(now)) return 'exhausted';
        }
      }
      throw new TransientError(`call ${callId}: the envelope kept changing, try again`);
    },

    async releaseGrant(callId, applicationId, amount, side) {
      if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`grant amount must be a positive whole number, got ${amount}`);
      const attributes = SIDE_ATTRIBUTES[side];
      try {
        await run('releaseGrant', () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: keys.call(callId),
              // Only while the id is counted: a second release (a retry) changes nothing.
              UpdateExpression: 'ADD #committed :minus DELETE #awarded :ids',
              ConditionExpression: 'contains(#awarded, :id)',
              ExpressionAttributeNames: { '#committed': attributes.committed, '#awarded': attributes.awarded },
              ExpressionAttributeValues: { ':minus': -amount, ':ids': new Set([applicationId]), ':id': applicationId },
            }),
          ),
        );
        return 'released';
      } catch (error) {
        if (isConditionFailed(error)) return 'absent';
        throw error;
      }
    },

    async putTask(task) {
      await put({
        ...task,
        ...keys.task(task.id),
        [G1PK]: gsi.tasksOf(task.applicationId),
        [G1SK]: gsi.taskSort(task.stage, task.createdAt, task.id),
      });
    },

    getTask: getTaskItem,

    async listTasks(applicationId) {
      return tasksByPrefix(applicationId);
    },

    async findOpenTask(applicationId, stage) {
      const tasks = await tasksByPrefix(applicationId, `${stage}#`);
      return tasks.find((t) => t.status === 'OPEN' && t.stage === stage);
    },

    async renewTaskToken(id, taskToken) {
      try {
        const out = await run('renewTaskToken', () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: keys.task(id),
              UpdateExpression: 'SET taskToken = :token, reminders = if_not_exists(reminders, :zero) + :one',
              // Once per token: a second run of the same invocation must not count a second reminder.
              ConditionExpression: '#status = :open AND taskToken <> :token',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':token': taskToken, ':zero': 0, ':one': 1, ':open': 'OPEN' },
              ReturnValues: 'ALL_NEW',
            }),
          ),
        );
        return strip<TaskRecord>(out.Attributes ?? {});
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        const now = await getTaskItem(id);
        if (now?.status === 'OPEN' && now.taskToken === taskToken) return now;
        throw new TaskGoneError(`task ${id} is not open any more`);
      }
    },

    async claimTask(id, by, result, at) {
      // Single use: of any number of concurrent posts, exactly one finds the task open.
      return updateTaskIf('claimTask', id, {
        set: 'SET #status = :done, decidedBy = :by, decidedAt = :at, #result = :result',
        condition: '#status = :open',
        names: { '#result': 'result' },
        values: { ':done': 'DONE', ':open': 'OPEN', ':by': by, ':at': at, ':result': clean(result) },
      });
    },

    async releaseTask(id) {
      // Not DONE any more (closed meanwhile): there is nothing to give back.
      await updateTaskIf('releaseTask', id, {
        set: 'SET #status = :open REMOVE decidedBy, decidedAt, #result',
        condition: '#status = :done',
        names: { '#result': 'result' },
        values: { ':open': 'OPEN', ':done': 'DONE' },
      });
    },

    async closeTask(id) {
      await updateTaskIf('closeTask', id, { set: 'SET #status = :closed', condition: `attribute_exists(${PK})`, values: { ':closed': 'CLOSED' } });
    },

    async closeTaskIfOpen(id) {
      return updateTaskIf('closeTaskIfOpen', id, {
        set: 'SET #status = :closed',
        condition: '#status = :open',
        values: { ':closed': 'CLOSED', ':open': 'OPEN' },
      });
    },

    async deleteTask(id) {
      await del(keys.task(id));
    },

    async claimIdempotencyKey(key, bodyHash, applicationId) {
      for (let round = 0; round < 3; round++) {
        const now = Math.floor(Date.now() / 1000);
        try {
          // First writer wins; a key past its time-to-live (not yet swept by DynamoDB) is free again.
          await put(
            { ...keys.idempotency(key), bodyHash, applicationId, [TTL]: now + IDEMPOTENCY_TTL_SECONDS },
            { expression: `attribute_not_exists(${PK}) OR #ttl < :now`, names: { '#ttl': TTL }, values: { ':now': now } },
          );
          return { bodyHash, applicationId };
        } catch (error) {
          if (!isConditionFailed(error)) throw error;
          const stored = await get(keys.idempotency(key));
          // Released between our write and our read: try again.
          if (stored) return { bodyHash: stored.bodyHash as string, applicationId: stored.applicationId as string };
        }
      }
      throw new TransientError(`idempotency key kept changing, try again`);
    },

    async releaseIdempotencyKey(key) {
      await del(keys.idempotency(key));
    },

    async createDraft(draft, first) {
      const item: Item = {
        ...draft,
        ...keys.draft(draft.id),
        [G1PK]: gsi.draftsOf(draft.callId),
        [G1SK]: gsi.draftSort(draft.createdAt, draft.id),
        history: [first],
        editors: {
          [draft.linkTags.lead]: draft.lead.email,
          ...(draft.partner && draft.linkTags.partner ? { [draft.linkTags.partner]: draft.partner.email } : {}),
        },
      };
      return (await putNew(item)) ? 'created' : 'exists';
    },

    async getDraft(id) {
      const item = await get(keys.draft(id));
      return item ? toDraftRecord(item) : undefined;
    },

    async getDraftHistory(id) {
      // One query reads the draft and its pages of older events (sort keys put the pages first, in order).
      const items = await queryAll({ KeyConditionExpression: `${PK} = :pk`, ExpressionAttributeValues: { ':pk': keys.draftPk(id) }, ConsistentRead: true });
      const draft = items.find((item) => sortKeyOf(item) === keys.draft(id)[SK]);
      const editors = (draft?.editors ?? {}) as Item;
      const pages = items.filter((item) => sortKeyOf(item).startsWith(keys.draftHistoryPrefix));
      const events = [...pages.flatMap((page) => page.events as Item[]), ...((draft?.history ?? []) as Item[])];
      return events.map((event) => toDraftEvent(event, editors));
    },

    async saveDraft(id, save) {
      const names: Record<string, string> = { '#status': 'status', '#version': 'version', '#role': save.by.role };
      const values: Item = {
        ':draft': 'DRAFT',
        ':expected': save.expectedVersion,
        ':next': save.expectedVersion + 1,
        ':at': save.at,
        ':tag': save.by.tag,
        ':cap': DRAFT_EVENTS_IN_ITEM,
        ':event': [{ at: save.at, role: save.by.role, tag: save.by.tag, action: 'saved', sections: Object.keys(clean(save.sections)) }],
      };
      const sections = clean(save.sections);
      const set: string[] = [];
      if (Object.keys(sections).length > 0) names['#dossier'] = 'dossier';
      if (dossierSections.every((section) => sections[section] !== undefined)) {
        // Every section sent: the dossier is replaced whole (one path instead of four).
        values[':dossier'] = sections;
        set.push('#dossier = :dossier');
      } else {
        Object.entries(sections).forEach(([section, value], i) => {
          names[`#s${i}`] = section;
          values[`:s${i}`] = value;
          set.push(`#dossier.#s${i} = :s${i}`);
        });
      }
      set.push('#version = :next', 'updatedAt = :at', 'history = list_append(history, :event)');
      // The one write of a save, and its only round trip: every rule is in its condition.
      const condition = '#status = :draft AND #version = :expected AND closesAt > :at AND linkTags.#role = :tag AND size(history) < :cap';
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await run('saveDraft', () =>
            doc.send(
              new UpdateCommand({
                TableName,
                Key: keys.draft(id),
                UpdateExpression: `SET ${set.join(', ')}`,
                ConditionExpression: condition,
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              }),
            ),
          );
          return { outcome: 'saved', version: save.expectedVersion + 1 };
        } catch (error) {
          if (!isConditionFailed(error)) throw error;
        }
        // Refused: read why (the only read a save makes, and only when it is refused).
        const item = await get(keys.draft(id));
        if (!item) return { outcome: 'refused', reason: 'missing' };
        const current = toDraftRecord(item);
        if (current.linkTags?.[save.by.role] !== save.by.tag) return { outcome: 'refused', reason: 'contact', current };
        if (current.status !== 'DRAFT') return { outcome: 'refused', reason: 'status', current };
        if (!(typeof current.closesAt === 'string' && current.closesAt > save.at)) return { outcome: 'refused', reason: 'closed', current };
        if (current.version !== save.expectedVersion) return { outcome: 'stale', current };
        if (((item.history ?? []) as unknown[]).length >= DRAFT_EVENTS_IN_ITEM) await pageDraftHistory(id, item);
      }
      throw new TransientError('the draft kept changing, try again');
    },

    async changeDraftStatus(id, change, event, patch = {}) {
      const names: Record<string, string> = {};
      const values: Item = { ':to': change.to, ':from': change.from };
      const set = ['#status = :to'];
      const { partner, ...fields } = patch;
      Object.entries(clean(fields)).forEach(([field, value], i) => {
        names[`#p${i}`] = field;
        values[`:p${i}`] = value;
        set.push(`#p${i} = :p${i}`);
      });
      if (partner) {
        const clauses = partnerClauses(partner);
        set.push(...clauses.set);
        Object.assign(names, clauses.names);
        Object.assign(values, clauses.values);
      }
      // Back to DRAFT clears the request to file; leaving DRAFT clears a former comment.
      const remove = change.to === 'DRAFT' ? ['submitRequestedAt'] : patch.returnComment === undefined ? ['returnComment'] : [];
      let condition = '#status = :from';
      if (change.version !== undefined) {
        names['#version'] = 'version';
        values[':version'] = change.version;
        condition += ' AND #version = :version';
      }
      if (await updateDraftIf('changeDraftStatus', id, event, { set, remove, condition, names, values })) return { outcome: 'changed' };
      const now = await get(keys.draft(id));
      // Already in `to`: a retry, or a twin request; the change and its event were one write.
      if (now?.status === change.to) return { outcome: 'unchanged' };
      return { outcome: 'refused', current: now ? toDraftRecord(now) : undefined };
    },

    async setDraftPartner(id, partner, event) {
      const clauses = partnerClauses(partner);
      const stored = await updateDraftIf('setDraftPartner', id, event, {
        set: clauses.set,
        condition: '#status = :draft',
        names: clauses.names,
        values: { ...clauses.values, ':draft': 'DRAFT' },
      });
      return stored !== undefined;
    },

    async moveDraftsClose(callId, closesAt) {
      const drafts = await queryAll({
        IndexName: TABLE_SCHEMA.gsi1.indexName,
        KeyConditionExpression: `${G1PK} = :pk`,
        ExpressionAttributeValues: { ':pk': gsi.draftsOf(callId) },
      });
      const at = new Date(closesAt).toISOString();
      await Promise.all(
        drafts.map((item) =>
          run('moveDraftsClose', () =>
            doc.send(
              new UpdateCommand({
                TableName,
                Key: keyOf(item),
                UpdateExpression: 'SET closesAt = :at',
                ConditionExpression: `attribute_exists(${PK})`,
                ExpressionAttributeValues: { ':at': at },
              }),
            ),
          ).catch((error) => {
            if (!isConditionFailed(error)) throw error;
          }),
        ),
      );
    },

    async listDrafts(callId) {
      const items = await queryAll({
        IndexName: TABLE_SCHEMA.gsi1.indexName,
        KeyConditionExpression: `${G1PK} = :pk`,
        ExpressionAttributeValues: { ':pk': gsi.draftsOf(callId) },
      });
      return items.map(toDraftRecord);
    },

    async addDraftDocument(id, document, { max, at }) {
      const values = { ':draft': 'DRAFT', ':at': at };
      for (let attempt = 0; attempt < 3; attempt++) {
        // The one write of an upload: the status, the close, the count and the id are its condition.
        const added = await updateDraftDocuments('addDraftDocument', id, {
          expression: 'SET #docs.#doc = :document, updatedAt = :at',
          condition: '#status = :draft AND closesAt > :at AND size(#docs) < :max AND attribute_not_exists(#docs.#doc)',
          names: { '#doc': document.documentId },
          values: { ...values, ':document': clean(document), ':max': max },
        });
        if (added) return { outcome: 'done' };
        const item = await get(keys.draft(id));
        const refused = draftRefusal(item, at);
        if (refused) return refused;
        const documents = item?.documents as Item | undefined;
        if (documents === undefined) {
          // A draft that never had a document: its map is written with this one (once; a twin finds it there).
          const created = await updateDraftDocuments('addDraftDocument', id, {
            expression: 'SET #docs = :documents, updatedAt = :at',
            condition: '#status = :draft AND closesAt > :at AND attribute_not_exists(#docs)',
            values: { ...values, ':documents': { [document.documentId]: clean(document) } },
          });
          if (created) return { outcome: 'done' };
          continue;
        }
        if (documents[document.documentId] !== undefined) return { outcome: 'refused', reason: 'exists', current: toDraftRecord(item as Item) };
        if (Object.keys(documents).length >= max) return { outcome: 'refused', reason: 'full', current: toDraftRecord(item as Item) };
      }
      throw new TransientError('the draft kept changing, try again');
    },

    async settleDraftDocument(id, documentId, settlement) {
      const { status, size, at } = settlement;
      const verdict = settlement.status === 'ACCEPTED' ? { name: 'scan', value: settlement.scan } : { name: 'reason', value: settlement.reason };
      const settled = await updateDraftDocuments('settleDraftDocument', id, {
        // A scan's event that came before (recordDocumentScan: clean) is kept, not put back to pending.
        expression:
          settlement.status === 'ACCEPTED'
            ? 'SET #docs.#doc.#st = :to, #docs.#doc.#size = :size, #docs.#doc.#checked = :at, #docs.#doc.#verdict = if_not_exists(#docs.#doc.#verdict, :verdict), updatedAt = :at'
            : 'SET #docs.#doc.#st = :to, #docs.#doc.#size = :size, #docs.#doc.#checked = :at, #docs.#doc.#verdict = :verdict, updatedAt = :at',
        condition: '#status = :draft AND #docs.#doc.#st = :uploaded',
        names: { '#doc': documentId, '#st': 'status', '#size': 'size', '#checked': 'checkedAt', '#verdict': verdict.name },
        values: { ':draft': 'DRAFT', ':uploaded': 'UPLOADED', ':to': status, ':size': size, ':at': at, ':verdict': verdict.value },
      });
      if (settled) return { outcome: 'done' };
      const item = await get(keys.draft(id));
      const found = (item?.documents as Item | undefined)?.[documentId] as Item | undefined;
      if (item && !found) return { outcome: 'refused', reason: 'absent', current: toDraftRecord(item) };
      if (item && found?.status !== 'UPLOADED') return { outcome: 'refused', reason: 'settled', current: toDraftRecord(item) };
      return draftRefusal(item) ?? { outcome: 'refused', reason: 'settled', current: toDraftRecord(item as Item) };
    },

    async removeDraftDocument(id, documentId, at) {
      const removed = await updateDraftDocuments('removeDraftDocument', id, {
        expression: 'REMOVE #docs.#doc SET updatedAt = :at',
        condition: '#status = :draft AND attribute_exists(#docs.#doc)',
        names: { '#doc': documentId },
        values: { ':draft': 'DRAFT', ':at': at },
      });
      if (removed) return { outcome: 'done' };
      const item = await get(keys.draft(id));
      if (item && (item.documents as Item | undefined)?.[documentId] === undefined)
        return { outcome: 'refused', reason: 'absent', current: toDraftRecord(item) };
      return draftRefusal(item) ?? { outcome: 'refused', reason: 'absent', current: toDraftRecord(item as Item) };
    },

    async recordDocumentScan(id, documentId, verdict, at) {
      // The document's state the verdict leads to, and the condition that it is not there yet.
      const write = (path: string): { set: string; condition: string; names: Record<string, string>; values: Item } =>
        verdict === 'clean'
          ? {
              set: `SET ${path}.#scan = :clean`,
              condition: `${path}.#status <> :refused AND (attribute_not_exists(${path}.#scan) OR ${path}.#scan <> :clean)`,
              names: { '#docs': 'documents', '#scan': 'scan' },
              values: { ':clean': 'clean', ':refused': 'REFUSED' },
            }
          : {
              set: `SET ${path}.#status = :refused, ${path}.#reason = :threat, ${path}.#checked = :at REMOVE ${path}.#scan`,
              condition: `${path}.#status <> :refused`,
              names: { '#docs': 'documents', '#scan': 'scan', '#reason': 'reason', '#checked': 'checkedAt' },
              values: { ':refused': 'REFUSED', ':threat': 'threat', ':at': at },
            };
      const settled = (document: Item | undefined): boolean => document?.status === 'REFUSED' || (verdict === 'clean' && document?.scan === 'clean');

      /** The draft keeps its documents by id: one write, read only to tell why it did not hold. */
      async function onDraft(): Promise<DocumentScanOutcome> {
        const update = write('#docs.#doc');
        const done = await updateIf('recordDocumentScan', keys.draft(id), {
          set: update.set,
          condition: `attribute_exists(#docs.#doc) AND ${update.condition}`,
          names: { ...update.names, '#doc': documentId },
          values: update.values,
        });
        if (done) return 'recorded';
        const item = await get(keys.draft(id));
        return (item?.documents as Item | undefined)?.[documentId] === undefined ? 'absent' : 'unchanged';
      }

      /** The application keeps them as a list: the document's place is read, and checked again by the write. */
      async function onApplication(): Promise<DocumentScanOutcome> {
        for (let attempt = 0; attempt < 3; attempt++) {
          const item = await get(keys.application(id));
          const list = (item?.documents as Item[] | undefined) ?? [];
          const index = list.findIndex((d) => d.documentId === documentId);
          if (index < 0) return 'absent';
          if (settled(list[index])) return 'unchanged';
          const update = write(`#docs[${index}]`);
          const done = await updateIf('recordDocumentScan', keys.application(id), {
            set: update.set,
            condition: `#docs[${index}].#id = :documentId AND ${update.condition}`,
            names: { ...update.names, '#id': 'documentId' },
            values: { ...update.values, ':documentId': documentId },
          });
          if (done) return 'recorded';
        }
        throw new TransientError('the application kept changing, try again');
      }

      // The draft first: an application filed meanwhile copies its documents as they are then.
      const draft = await onDraft();
      return { draft, application: await onApplication() };
    },

    async markEmailSent(key) {
      return putNew({ ...keys.email(key) });
    },

    async unmarkEmailSent(key) {
      await del(keys.email(key));
    },
  };
}
