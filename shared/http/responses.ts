import { escapeHtml } from '../text/escape.ts';
import type { ApiResult } from './types.ts';

export const JSON_TYPE = 'application/json; charset=utf-8';
export const HTML_TYPE = 'text/html; charset=utf-8';

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function html(statusCode: number, page: string, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'Content-Type': HTML_TYPE, ...headers }, body: page };
}

/** 303 See Other: where a browser goes after a form was accepted (a GET, so reloading re-sends nothing). */
export function seeOther(location: string): ApiResult {
  return {
    statusCode: 303,
    headers: { Location: location, 'Content-Type': HTML_TYPE },
    body: `<!doctype html>\n<html lang="fr"><title>303</title><p><a href="${escapeHtml(location)}">${escapeHtml(location)}</a></p></html>\n`,
  };
}

export const JS_TYPE = 'text/javascript; charset=utf-8';
