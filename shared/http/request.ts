import { isLanguage, type Language } from '../domain/application.ts';
import type { ApiEvent } from './types.ts';

type Headers = ApiEvent<unknown>['headers'];

/** A request header, whatever the case the client (or API Gateway) gave its name. */
export function header(headers: Headers | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

export function queryParam(event: ApiEvent<unknown>, name: string): string | undefined {
  return event.queryStringParameters?.[name] ?? undefined;
}

export function pathParam(event: ApiEvent<unknown>, name: string): string {
  return event.pathParameters?.[name] ?? '';
}

/**
 * The public base URL for links: BASE_URL when configured, else the request's own
 * (`https://{domainName}/{stage}`; plain http and no stage on localhost).
 */
export function baseUrlFor(event: ApiEvent<unknown>, configured: string | undefined): string {
  if (configured) return configured;
  const host = header(event.headers, 'host') ?? event.requestContext?.domainName ?? 'localhost';
  if (/^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host)) return `http://${host}`;
  const domain = event.requestContext?.domainName ?? host;
  const stage = event.requestContext?.stage;
  return stage && stage !== '$default' ? `https://${domain}/${stage}` : `https://${domain}`;
}

/**
 * `?lang=` first, then Accept-Language by preference among the fund's languages, then `fallback`
 * (French by default; a draft's page falls back to the draft's language).
 */
export function preferredLanguage(event: ApiEvent<unknown>, fallback: Language = 'fr'): Language {
  const asked = queryParam(event, 'lang')?.toLowerCase();
  if (asked && isLanguage(asked)) return asked;
  const accept = header(event.headers, 'accept-language') ?? '';
  const ranked = accept
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.q > 0 && isLanguage(r.lang))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const best = ranked[0]?.lang;
  return best && isLanguage(best) ? best : fallback;
}

/** Whether the client asked for JSON rather than a page. */
export function wantsJson(event: ApiEvent<unknown>): boolean {
  const accept = (header(event.headers, 'accept') ?? '').toLowerCase();
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** Whether a browser asked for a page (`Accept: text/html`): any other client keeps the JSON contract. */
export function wantsHtml(event: ApiEvent<unknown>): boolean {
  return (header(event.headers, 'accept') ?? '').toLowerCase().includes('text/html');
}
