import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { PAGE_STYLE_HASH } from '../pages/layout.ts';
import type { ApiEvent, ApiResult } from './types.ts';

/** A Content-Security-Policy from the strict base plus a page's own extra directives (`formAction`: where else its forms may post). */
const policy = (extra: string[] = [], formAction: string[] = []) =>
  [
    "default-src 'none'",
    ...extra,
    `style-src 'self' ${PAGE_STYLE_HASH}`,
    "img-src 'self'",
    ["form-action 'self'", ...formAction].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');

/**
 * Strict by default: nothing loads but our own stylesheet (by hash) and images, no script at all,
 * forms post only to us, no framing. A page that needs more passes its own policy.
 */
export const DEFAULT_CSP = policy();

/**
 * The pages with a script (the application form, the draft page): the default policy plus
 * same-origin script files (no inline script, no eval) and the requests they make to this API
 * (the form's `GET /calls`, the draft page's `PUT /drafts/{id}`).
 */
export const SCRIPT_CSP = policy(["script-src 'self'", "connect-src 'self'"]);

/**
 * The draft's pages: SCRIPT_CSP, plus the documents' storage (`documentsOrigin`, its origin only)
 * as a place the page's script may send a file to and its upload form may post to. Without that
 * origin (a function that does not know the bucket), SCRIPT_CSP.
 */
export function draftPageCsp(documentsOrigin: string | undefined): string {
  if (!documentsOrigin) return SCRIPT_CSP;
  return policy(["script-src 'self'", `connect-src 'self' ${documentsOrigin}`], [documentsOrigin]);
}

export interface SecurityHeadersOptions {
  contentSecurityPolicy?: string;
}

const hasHeader = (headers: Record<string, unknown>, name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name.toLowerCase());

/**
 * Adds the security headers to every answer, errors included. Headers the handler set itself win.
 * No answer is cacheable unless it says so: pages and JSON carry tokens, links and personal data.
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareObj<ApiEvent<unknown>, ApiResult, Error, Context> {
  const defaults: Record<string, string> = {
    'Content-Security-Policy': options.contentSecurityPolicy ?? DEFAULT_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // The tracking and decision URLs carry capabilities: never hand them to another site.
    'Referrer-Policy': 'no-referrer',
    'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'Cache-Control': 'no-store',
  };
  const apply = (request: { response: ApiResult | null | undefined }) => {
    const response = request.response;
    if (!response) return;
    const headers: Record<string, string | number | boolean> = { ...response.headers };
    for (const [name, value] of Object.entries(defaults)) {
      if (!hasHeader(headers, name)) headers[name] = value;
    }
    request.response = { ...response, headers };
  };
  return { after: apply, onError: apply };
}
