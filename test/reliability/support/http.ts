import type { Answer } from './answers.ts';
import { httpSafe, type HostileRequest } from './hostile.ts';

/** The concrete path of a request (a lone surrogate in a path parameter is sent as U+FFFD, as a browser would). */
export function pathOf(request: HostileRequest): string {
  return request.resource.replace(/\{(\w+)\+?\}/g, (_, name: string) => encodeURIComponent((request.pathParameters?.[name] ?? '').toWellFormed()));
}

/**
 * Sends a generated request over HTTP, as a client would: path parameters encoded into the path,
 * the body as bytes (base64-flagged bodies decoded first: on the wire there is no flag, the
 * gateway decides by content type), headers as fetch can send them. GET and HEAD carry no body.
 */
export async function sendOverHttp(api: string, request: HostileRequest): Promise<Answer> {
  const path = pathOf(request);
  const query = request.query && Object.keys(request.query).length > 0 ? `?${new URLSearchParams(request.query).toString()}` : '';
  const body = request.method === 'POST' && request.body !== null ? (request.isBase64Encoded ? Buffer.from(request.body, 'base64') : request.body) : undefined;
  const response = await fetch(`${api}${path}${query}`, {
    method: request.method,
    headers: httpSafe(request.headers),
    ...(body !== undefined ? { body } : {}),
    redirect: 'manual',
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, body: request.method === 'HEAD' ? '' : await response.text() };
}
