import { wirePorts } from '../../shared/adapters/wiring.ts';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { preferredLanguage } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import { callTextsIn } from '../../shared/i18n/themes.ts';
import { listCalls, publicCall } from '../../shared/use-cases/list-calls.ts';

const ports = wirePorts('list-calls', { repository: dynamodb });

/** GET /calls — the calls open now, their texts in the reader's language (`?lang=`, else Accept-Language, else French). */
export const handler = apiHandler('list-calls', {}, async (event) => {
  const language = preferredLanguage(event);
  const t = callTextsIn(language);
  const calls = (await listCalls(ports)).map((call) => publicCall(call, t));
  return json(200, { calls }, { 'Content-Language': language, Vary: 'Accept-Language' });
});
