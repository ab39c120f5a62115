import type { ApiResult } from './types.ts';

export const JSON_TYPE = 'application/json; charset=utf-8';
export const HTML_TYPE = 'text/html; charset=utf-8';

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function html(statusCode: number, page: string, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'Content-Type': HTML_TYPE, ...headers }, body: page };
}
