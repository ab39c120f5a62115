import { TEST_ENV } from './env.ts';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../functions/drafts/handler.ts';
import { handler as show } from '../../../functions/show-draft/handler.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { ROUTES, type RouteName } from '../../../shared/catalogue/routes.ts';
import type { DraftRecord } from '../../../shared/domain/draft.ts';
import { textsFor } from '../../../shared/i18n/index.ts';
import { draftSig } from '../../../shared/links/links.ts';
import { apiEvent, bodyOf, lambdaContext } from '../../fixtures/api-event.ts';
import { aDossier, aDraft, PARTNER_CONTACT, withLinkTags } from '../../fixtures/dossier.ts';
import { callItem, draftItem, testSigner } from './items.ts';
import { NOW, sampleCall } from './samples.ts';

/**
 * The draft's pages through the production handlers, as a browser without JavaScript uses them:
 * the page (Accept: text/html), its form (urlencoded, dotted names), the actions' small forms,
 * and every refusal as a page. JSON clients keep the contract (test/unit/api/drafts.test.ts).
 */

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESClient);

/** The draft as the table holds it, with its contacts' link tags (set before each test). */
let DRAFT = aDraft({ id: 'AbCdEfGhIjKlMnOpQrStUv', version: 4, language: 'en', partner: { ...PARTNER_CONTACT } });
const EXPIRES = new Date('2027-04-14T23:59:59.000Z');
const BROWSER = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const FORM = { ...BROWSER, 'Content-Type': 'application/x-www-form-urlencoded' };

let leadSig = '';
let partnerSig = '';

const page = (query: Record<string, string>, headers: Record<string, string> = BROWSER) =>
  show(apiEvent({ method: 'GET', resource: ROUTES.showDraft.path, pathParameters: { id: DRAFT.id }, query, headers }), lambdaContext);

const post = (route: RouteName, fields: Record<string, string>, sig = leadSig, lang = 'fr') =>
  handler(
    apiEvent({
      method: 'POST',
      resource: ROUTES[route].path,
      pathParameters: { id: DRAFT.id },
      query: { sig, lang },
      headers: FORM,
      body: new URLSearchParams(fields).toString(),
    }),
    lambdaContext,
  );

const writes = () => ddb.commandCalls(PutCommand).length + ddb.commandCalls(UpdateCommand).length + ddb.commandCalls(DeleteCommand).length;
const stored = (draft: DraftRecord) => ddb.on(GetCommand, { Key: keys.draft(DRAFT.id) }).resolves({ Item: draftItem(draft) });

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  leadSig = await draftSig(testSigner, DRAFT.id, 'lead', DRAFT.lead.email, EXPIRES);
  partnerSig = await draftSig(testSigner, DRAFT.id, 'partner', PARTNER_CONTACT.email, EXPIRES);
  DRAFT = await withLinkTags(DRAFT, testSigner);
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: keys.call('2027-T1') }).resolves({ Item: callItem(sampleCall({ madPerEur: 10.8 })) });
  stored(DRAFT);
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(UpdateCommand).resolves({ Attributes: draftItem(DRAFT) });
  ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
});
afterEach(() => {
  ddb.reset();
  ses.reset();
  vi.useRealTimers();
});

describe('the draft page, for a browser', () => {
  it('is a page in the asked language, else the browser’s, else the draft’s; JSON clients still get JSON', async () => {
    const ar = await page({ sig: leadSig, lang: 'ar' });
    expect(ar.statusCode).toBe(200);
    expect(ar.headers?.['Content-Type']).toMatch(/^text\/html/);
    expect(ar.body).toContain('<html lang="ar" dir="rtl">');
    expect(ar.body).toContain('<input type="hidden" name="version" value="4">');
    // Its script (saving by itself), from the API itself, allowed by the page's policy: no inline script.
    expect(ar.body).toMatch(/<script src="[^"]*\/assets\/draft\.js\?v=[\w-]+" defer><\/script>/);
    expect(ar.headers?.['Content-Security-Policy']).toContain("script-src 'self'");
    expect(ar.headers?.['Content-Security-Policy']).not.toContain('unsafe-inline');
    expect((await page({ sig: leadSig }, { ...BROWSER, 'Accept-Language': 'fr-FR,fr;q=0.9' })).body).toContain('<html lang="fr"');
    expect((await page({ sig: leadSig })).body).toContain('<html lang="en"');
    const json = await page({ sig: leadSig }, {});
    expect(bodyOf(json)).toMatchObject({ id: DRAFT.id, version: 4, role: 'lead' });
    // A forged link: a page, in the language asked.
    const forged = await page({ sig: 'forged', lang: 'en' });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain(textsFor('en').problem.title[403]);
    expect(writes()).toBe(0);
  });

  it('its form saves at the version it showed, in one conditional write, then shows the page again (303)', async () => {
    const res = await post('saveDraftForm', {
      version: '4',
      'project.title': 'Eau partagée',
      'project.durationMonths': '24',
      'leadAuthority.country': 'FR',
      'leadAuthority.name': 'Ville de Lyon',
      'leadAuthority.contact.phone': '',
      'partnerAuthority.country': 'MA',
      'budget.lines.0.year': '1',
      'budget.lines.0.category': 'personnel',
      'budget.lines.0.label': 'Chef de projet',
      'budget.lines.0.amount': '40 000',
      'budget.lines.1.year': '',
      'budget.lines.1.amount': '',
      'budget.funding.fundMA': '324000',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers?.Location).toBe(`${TEST_ENV.BASE_URL}/drafts/${DRAFT.id}?sig=${encodeURIComponent(leadSig)}&lang=fr&notice=saved`);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    // Each section the form changed replaces the stored one, in the one conditional write (here all four: the whole dossier).
    const update = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    const written = update?.ExpressionAttributeValues?.[':dossier'];
    expect(update?.ConditionExpression).toContain('#version = :expected');
    expect(update?.ExpressionAttributeValues?.[':expected']).toBe(4);
    expect(written).toEqual({
      project: { title: 'Eau partagée', durationMonths: 24 },
      leadAuthority: { country: 'FR', name: 'Ville de Lyon' },
      partnerAuthority: { country: 'MA' },
      budget: { lines: [{ year: 1, category: 'personnel', label: 'Chef de projet', amount: 40_000 }], funding: { fundMA: 324_000 } },
    });
  });

  it('a malformed field: 400, the page with the error beside the field and what was typed, nothing saved', async () => {
    stored({ ...DRAFT, version: 5 });
    const res = await post('saveDraftForm', { version: '4', base: '{"x":"y"}', 'budget.lines.0.amount': '12,5', 'project.title': 'Eau <partagée>' });
    expect(res.statusCode).toBe(400);
    // Still the version and digest it was shown at: the next save, made after another one, is caught as stale.
    expect(res.body).toContain('<input type="hidden" name="version" value="4">');
    expect(res.body).toContain('<input type="hidden" name="base" value="{&quot;x&quot;:&quot;y&quot;}">');
    expect(res.body).toContain('<html lang="fr"');
    expect(res.body).toMatch(/id="budget\.lines\.0\.amount-error">Saisissez un nombre\.<\/span>/);
    expect(res.body).toMatch(/name="budget\.lines\.0\.amount" value="12,5"[^>]*aria-invalid="true"/);
    expect(res.body).toContain('value="Eau &lt;partagée&gt;"');
    expect(res.body).toContain('<a href="#budget.lines.0.amount">Ligne 1 — Montant (€) : Saisissez un nombre.</a>');
    expect(writes()).toBe(0);
  });

  it('a stale save: 409, what the other person changed beside what this person typed, kept in the fields at the current version', async () => {
    stored({ ...DRAFT, version: 5, dossier: { ...DRAFT.dossier, project: { title: 'Leur titre' } } });
    const res = await post('saveDraftForm', { version: '4', base: '{}', 'project.title': 'Mon titre', 'leadAuthority.country': 'FR' }, leadSig, 'en');
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(textsFor('en').draft.conflictHeading);
    expect(res.body).toMatch(/<tr data-field="project\.title">.*<td dir="auto">Leur titre<\/td><td dir="auto">Mon titre<\/td><td>what you typed<\/td><\/tr>/);
    // What the other person stored and this person's page never showed stays in the form.
    expect(res.body).toMatch(/name="leadAuthority\.name" value="Ville de Lyon"/);
    expect(res.body).toMatch(/name="project\.title" value="Mon titre"/);
    expect(res.body).toContain('<input type="hidden" name="version" value="5">');
    expect(writes()).toBe(0);
  });

  it('the actions’ forms: the invitation (303), the wrong role (403), a dossier still incomplete (422), each a page', async () => {
    const invited = await post('inviteToDraft', { 'contact.name': PARTNER_CONTACT.name, 'contact.email': PARTNER_CONTACT.email });
    expect(invited.statusCode).toBe(303);
    expect(invited.headers?.Location).toContain('notice=invited');
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);

    const badEmail = await post('inviteToDraft', { 'contact.name': 'Youssef <b>', 'contact.email': 'pas-une-adresse' }, leadSig, 'ar');
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.body).toContain('<html lang="ar" dir="rtl">');
    expect(badEmail.body).toMatch(/id="contact\.email-error">[^<]+<\/span>/);
    expect(badEmail.body).toContain(`id="contact.email-error">${textsFor('ar').validation.email}</span>`);
    expect(badEmail.body).toMatch(/name="contact\.name" value="Youssef &lt;b&gt;"/);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);

    const wrongRole = await post('confirmDraft', {}, leadSig, 'ar');
    expect(wrongRole.statusCode).toBe(403);
    expect(wrongRole.headers?.['Content-Type']).toMatch(/^text\/html/);
    expect(wrongRole.body).toContain(textsFor('ar').draft.problems.WRONG_ROLE);
    expect(wrongRole.body).toContain(`/drafts/${DRAFT.id}?sig=`);

    const incomplete = await post('submitDraft', {}, leadSig, 'fr');
    expect(incomplete.statusCode).toBe(422);
    expect(incomplete.body).toContain('Le dossier ne peut pas encore être déposé');
    expect(incomplete.body).toContain('<a href="#project.title">Le projet : Ce champ est obligatoire.</a>');

    stored({ ...DRAFT, status: 'SUBMITTED' });
    const gone = await post('returnDraft', { comment: 'Revoir le budget' }, partnerSig, 'en');
    expect(gone.statusCode).toBe(410);
    expect(gone.body).toContain(textsFor('en').draft.problems.DRAFT_GONE);
  });

  it('each route reads the body it declares: no form on PUT, no JSON on the page’s form (415), nothing written', async () => {
    const send = (method: string, resource: string, contentType: string, body: string) =>
      handler(
        apiEvent({
          method,
          resource,
          pathParameters: { id: DRAFT.id },
          query: { sig: leadSig },
          headers: { 'Content-Type': contentType, 'If-Match': '"4"' },
          body,
        }),
        lambdaContext,
      );
    expect((await send('PUT', ROUTES.saveDraft.path, 'application/x-www-form-urlencoded', 'project.title=x')).statusCode).toBe(415);
    expect((await send('POST', ROUTES.saveDraftForm.path, 'application/json', '{"version":"4"}')).statusCode).toBe(415);
    expect(writes()).toBe(0);
  });

  it('the partner sends the dossier back with a comment (303 to the page)', async () => {
    stored({ ...DRAFT, status: 'AWAITING_PARTNER', submitRequestedAt: NOW.toISOString(), dossier: aDossier() });
    const res = await post('returnDraft', { comment: 'Précisez les dépenses de l’année 2.' }, partnerSig);
    expect(res.statusCode).toBe(303);
    expect(res.headers?.Location).toContain('notice=returned');
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
  });
});
