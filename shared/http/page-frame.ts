import { type Language, languages, textsFor } from '../i18n/index.ts';
import type { PageFrame } from '../pages/layout.ts';
import { preferredLanguage } from './request.ts';
import type { ApiEvent } from './types.ts';

/**
 * The frame of a page answering `event`: its language (`?lang=`, then Accept-Language, then
 * `fallback`, else French) and, for a GET, the language switcher's links. Those are query-only URLs (`?token=…&lang=ar`),
 * so they keep the path and whatever the link carries; a POST's answer gets none, since its URL
 * cannot be fetched again.
 */
export function pageFrame(event: ApiEvent<unknown>, contact?: string, fallback?: Language): PageFrame {
  const t = textsFor(preferredLanguage(event, fallback));
  const method = event.httpMethod.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return { t, contact };
  const query = Object.entries(event.queryStringParameters ?? {}).filter(
    (entry): entry is [string, string] => entry[0] !== 'lang' && typeof entry[1] === 'string',
  );
  const languageLinks = Object.fromEntries(languages.map((lang) => [lang, `?${new URLSearchParams([...query, ['lang', lang]]).toString()}`]));
  return { t, contact, languageLinks };
}
