import './env.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../functions/drafts/handler.ts';
import { handler as show } from '../../../functions/show-draft/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { ROUTES } from '../../../shared/catalogue/routes.ts';
import { draftSig } from '../../../shared/links/links.ts';
import { apiEvent, bodyOf, lambdaContext } from '../../fixtures/api-event.ts';
import { aDossier, aDraft, withLinkTags } from '../../fixtures/dossier.ts';
import { callItem, draftItem, testSigner } from './items.ts';
import { NOW, sampleCall } from './samples.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESClient);
const sfn = mockClient(SFNClient);

/** The draft as the table holds it, with the tag its lead's links carry (set before each test). */
let DRAFT = aDraft({ id: 'AbCdEfGhIjKlMnOpQrStUv', version: 4, createdAt: '2027-01-10T09:00:00.000Z' });
const EXPIRES = new Date('2027-04-14T23:59:59.000Z');

let leadSig = '';

/** `sig: null` sends no `sig` at all. */
const put = (body: string, headers: Record<string, string> = {}, sig: string | null = leadSig) =>
  handler(
    apiEvent({
      method: 'PUT',
      resource: ROUTES.saveDraft.path,
      pathParameters: { id: DRAFT.id },
      headers: { 'Content-Type': 'application/json', 'If-Match': '"4"', ...headers },
      body,
      ...(sig === null ? {} : { query: { sig } }),
    }),
    lambdaContext,
  );

const writes = () => ddb.commandCalls(PutCommand).length + ddb.commandCalls(UpdateCommand).length + ddb.commandCalls(DeleteCommand).length;
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  leadSig = await draftSig(testSigner, DRAFT.id, 'lead', DRAFT.lead.email, EXPIRES);
  DRAFT = await withLinkTags(DRAFT, testSigner);
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: keys.call('2027-T1') }).resolves({ Item: callItem(sampleCall()) });
  ddb.on(GetCommand, { Key: keys.draft(DRAFT.id) }).resolves({ Item: draftItem(DRAFT) });
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(UpdateCommand).resolves({ Attributes: draftItem(DRAFT) });
  ddb.on(PutCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: NOW });
});
afterEach(() => {
  ddb.reset();
  ses.reset();
  sfn.reset();
  vi.useRealTimers();
});

describe('PUT /drafts/{id}', () => {
  it('saves at the version named in If-Match in one conditional write, with no read, and answers the next version', async () => {
    const res = await put(JSON.stringify({ project: aDossier().project, budget: aDossier().budget }));
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({ version: 5 });
    expect(res.headers?.ETag).toBe('"5"');
    // The whole save is this one request: the link, the status, the version, the close and the contact are its condition.
    expect(ddb.calls()).toHaveLength(1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: keys.draft(DRAFT.id),
      ConditionExpression: '#status = :draft AND #version = :expected AND closesAt > :at AND linkTags.#role = :tag AND size(history) < :cap',
      ExpressionAttributeNames: expect.objectContaining({ '#role': 'lead', '#s0': 'project', '#s1': 'budget' }),
      ExpressionAttributeValues: expect.objectContaining({
        ':expected': 4,
        ':next': 5,
        ':tag': DRAFT.linkTags.lead,
        ':at': NOW.toISOString(),
        ':event': [{ at: NOW.toISOString(), role: 'lead', tag: DRAFT.linkTags.lead, action: 'saved', sections: ['project', 'budget'] }],
      }),
    });
  });

  it('two saves from the same version: the one that loses its condition gets 409 with the draft as it is now', async () => {
    ddb.on(UpdateCommand).resolvesOnce({}).rejects(conditionFailed());
    // What the table holds after the winner: version 5.
    ddb.on(GetCommand, { Key: keys.draft(DRAFT.id) }).resolves({ Item: draftItem({ ...DRAFT, version: 5, dossier: { project: { title: 'A' } } }) });
    const [a, b] = await Promise.all([put(JSON.stringify({ project: { title: 'A' } })), put(JSON.stringify({ project: { title: 'B' } }))]);
    expect([a?.statusCode, b?.statusCode].sort()).toEqual([200, 409]);
    const lost = await put(JSON.stringify({ project: { title: 'C' } }));
    expect(lost.statusCode).toBe(409);
    expect(bodyOf(lost)).toMatchObject({ error: 'STALE_VERSION', current: { version: 5, dossier: { project: { title: 'A' } }, role: 'lead' } });
  });

  it.each([
    ['a malformed field', JSON.stringify({ budget: { lines: [{ amount: 1.5 }] } }), {}, 'lead', 400],
    ['no If-Match', JSON.stringify({}), { 'If-Match': '' }, 'lead', 400],
    ['a forged link', JSON.stringify({}), {}, 'x', 403],
    ['no link', JSON.stringify({}), {}, null, 403],
    ['not JSON', '{', {}, 'lead', 400],
  ])('%s → %s, nothing written', async (_, body, headers, sig, status) => {
    const res = await put(body, headers, sig === 'lead' ? leadSig : sig);
    expect(res.statusCode).toBe(status);
    expect(writes()).toBe(0);
  });

  it('refused by its condition, the save reads why: filed → 410, awaiting the partner → 409, call closed → 410, contact replaced → 403', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    const refusedFor = async (item: ReturnType<typeof draftItem>) => {
      ddb.on(GetCommand, { Key: keys.draft(DRAFT.id) }).resolves({ Item: item });
      return (await put('{}')).statusCode;
    };
    expect(await refusedFor(draftItem({ ...DRAFT, status: 'SUBMITTED' }))).toBe(410);
    expect(await refusedFor(draftItem({ ...DRAFT, status: 'AWAITING_PARTNER' }))).toBe(409);
    expect(await refusedFor(draftItem({ ...DRAFT, closesAt: NOW.toISOString() }))).toBe(410);
    expect(await refusedFor(draftItem({ ...DRAFT, linkTags: { lead: 'another-contact0' } }))).toBe(403);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('1,000+ hostile drafts: never a 5xx, and a refused save writes nothing', async () => {
    const amount = fc.oneof(fc.double(), fc.integer(), fc.constant(-1), fc.constant(1e300), fc.string(), fc.constant(null), fc.boolean());
    const line = fc.record(
      {
        year: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.string()),
        category: fc.oneof(fc.constantFrom('personnel', 'travel', 'x'), fc.integer()),
        label: fc.string(),
        amount,
      },
      { requiredKeys: [] },
    );
    const hostileDossier = fc.oneof(
      fc.anything({ maxDepth: 4 }),
      fc.record(
        {
          project: fc.oneof(
            fc.anything(),
            fc.record({ title: fc.string({ maxLength: 300 }), durationMonths: amount, startDate: fc.string(), status: fc.string() }, { requiredKeys: [] }),
          ),
          leadAuthority: fc.oneof(fc.anything(), fc.record({ country: fc.string(), kind: fc.string(), contact: fc.anything() }, { requiredKeys: [] })),
          budget: fc.record(
            {
              lines: fc.oneof(fc.array(line, { maxLength: 5 }), fc.constant(Array.from({ length: 1000 }, () => ({ year: 1, amount: 1 })))),
              funding: fc.record(
                { lead: fc.record({ cash: amount, inKind: amount }, { requiredKeys: [] }), fundMA: amount, others: fc.anything() },
                { requiredKeys: [] },
              ),
            },
            { requiredKeys: [] },
          ),
          version: fc.integer(),
          status: fc.constantFrom('SUBMITTED', 'DRAFT'),
          __proto__: fc.anything(),
        },
        { requiredKeys: [] },
      ),
    );
    const request = fc.record({
      body: fc.oneof({ weight: 8, arbitrary: hostileDossier.map((d) => JSON.stringify(d) ?? 'null') }, { weight: 1, arbitrary: fc.string({ maxLength: 200 }) }),
      ifMatch: fc.oneof(
        { weight: 6, arbitrary: fc.constant('"4"') },
        { weight: 1, arbitrary: fc.string() },
        { weight: 1, arbitrary: fc.constantFrom('"3"', 'W/"4"', '4', '"04"', '"99999999999"') },
      ),
      sig: fc.oneof({ weight: 6, arbitrary: fc.constant('lead') }, { weight: 1, arbitrary: fc.string() }),
    });
    let tried = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ body, ifMatch, sig }) => {
        ddb.resetHistory();
        const res = await put(body, { 'If-Match': ifMatch }, sig === 'lead' ? leadSig : sig);
        tried += 1;
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode !== 200) {
          refused += 1;
          expect(writes()).toBe(0);
          expect((bodyOf(res) as { error: string }).error).toEqual(expect.any(String));
        }
      }),
      { numRuns: 1_100 },
    );
    expect(tried).toBeGreaterThanOrEqual(1_000);
    // Most hostile drafts are refused; a few (missing fields only) are well-formed drafts.
    expect(refused).toBeGreaterThan(900);
  }, 120_000);
});

describe('the other routes', () => {
  it('POST /drafts → 201 with the edit link, emailed to the lead; 404 unknown call', async () => {
    const create = (callId: string) =>
      handler(
        apiEvent({
          method: 'POST',
          resource: ROUTES.createDraft.path,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ callId, leadAuthority: aDossier().leadAuthority }),
        }),
        lambdaContext,
      );
    const res = await create('2027-T1');
    expect(res.statusCode).toBe(201);
    const body = bodyOf(res) as { id: string; editUrl: string; version: number; status: string };
    expect(body).toMatchObject({ version: 1, status: 'DRAFT' });
    expect(body.editUrl).toMatch(new RegExp(`/drafts/${body.id}\\?sig=`));
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)', Item: expect.objectContaining(keys.draft(body.id)) });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect((await create('nope')).statusCode).toBe(404);
  });

  it('GET and HEAD /drafts/{id} read only; the lead’s link cannot confirm (403)', async () => {
    for (const method of ['GET', 'HEAD']) {
      const res = await show(apiEvent({ method, resource: ROUTES.showDraft.path, pathParameters: { id: DRAFT.id }, query: { sig: leadSig } }), lambdaContext);
      expect(res.statusCode).toBe(200);
    }
    expect(writes()).toBe(0);
    const confirm = await handler(
      apiEvent({
        method: 'POST',
        resource: ROUTES.confirmDraft.path,
        pathParameters: { id: DRAFT.id },
        query: { sig: leadSig },
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      }),
      lambdaContext,
    );
    expect(confirm.statusCode).toBe(403);
    expect(bodyOf(confirm)).toMatchObject({ error: 'WRONG_ROLE' });
    expect(writes()).toBe(0);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
