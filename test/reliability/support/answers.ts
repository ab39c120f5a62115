import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { HostileRequest } from './hostile.ts';

/** An answer as the tests see it, from a handler or over HTTP. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const headerOf = (headers: Record<string, string>, name: string): string | undefined =>
  Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

/** Whether the client of this request gets JSON problems (the contract), rather than a page. */
export function expectsJson(request: HostileRequest): boolean {
  const type = (headerOf(request.headers, 'content-type') ?? '').toLowerCase();
  const accept = (headerOf(request.headers, 'accept') ?? '').toLowerCase();
  switch (request.route) {
    case 'health':
    case 'calls':
      return true;
    case 'submit':
      // The form's own posts get the form again; every other client gets the contract's JSON.
      return !type.startsWith('application/x-www-form-urlencoded');
    case 'track':
      return accept.includes('application/json') && !accept.includes('text/html');
    default:
      return false;
  }
}

/** What an answer would tell an attacker about our internals. */
const LEAKS =
  /node_modules|\.ts:\d+|\bat [\w.<>]+ \(|ConditionalCheckFailed|DynamoDB|ValidationException|SIGNING_SECRET|signing-secret|stack trace|TypeError|ReferenceError|undefined is not/i;

/**
 * Everything wrong with an answer to a hostile request, empty when it is right: never a 5xx; a
 * refused request gets a 4xx (the contract's exact status when the request tells it); a problem is
 * structured (the JSON error shape for JSON clients, a page for people); security headers always;
 * no internals in the body; HEAD without a body.
 */
export function problemsWith(request: HostileRequest, answer: Answer): string[] {
  const problems: string[] = [];
  const { status } = answer;
  if (status >= 500) problems.push(`answered ${status}`);
  if (request.expect === 'refused' && !(status >= 400 && status < 500)) problems.push(`a hostile request was answered ${status}, not a 4xx`);
  if (request.status !== undefined && status !== request.status) problems.push(`answered ${status}, the contract says ${request.status}`);
  if (headerOf(answer.headers, 'x-content-type-options') !== 'nosniff') problems.push('no X-Content-Type-Options: nosniff');
  if (!headerOf(answer.headers, 'content-security-policy')) problems.push('no Content-Security-Policy');
  if (request.method === 'HEAD' && answer.body !== '') problems.push('HEAD answered with a body');
  // A header an HTTP server cannot send (a control character, a non-Latin-1 one) turns the answer
  // into the server's own 500 or 502: what a handler answers must be sendable as it is.
  for (const [name, value] of Object.entries(answer.headers)) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      problems.push(`header ${name} cannot be sent: ${JSON.stringify(value).slice(0, 120)}`);
    }
  }
  if (LEAKS.test(answer.body)) problems.push(`the body shows internals: ${LEAKS.exec(answer.body)?.[0]}`);

  if (status >= 400 && request.method !== 'HEAD') {
    const type = headerOf(answer.headers, 'content-type') ?? '';
    if (expectsJson(request)) {
      if (!type.startsWith('application/json')) problems.push(`a JSON client got ${type || 'no content type'}`);
      else problems.push(...jsonProblemShape(answer.body));
    } else if (type.startsWith('application/json')) {
      problems.push(...jsonProblemShape(answer.body));
    } else if (!type.startsWith('text/html') || !/^<!doctype html>/i.test(answer.body.trimStart()) || !answer.body.includes('</html>')) {
      problems.push(`a person got ${type || 'no content type'} instead of a page`);
    }
  }
  return problems;
}

/** The contract's error: `{"error": CODE, "message": text, "issues"?: [{path, message}]}`, nothing else. */
export function jsonProblemShape(body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return ['the JSON problem is not JSON'];
  }
  const p = parsed as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return ['the JSON problem is not an object'];
  if (typeof p.error !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(p.error)) problems.push(`error code ${JSON.stringify(p.error)}`);
  if (typeof p.message !== 'string' || p.message.length === 0) problems.push('no message');
  const extra = Object.keys(p).filter((k) => !['error', 'message', 'issues'].includes(k));
  if (extra.length > 0) problems.push(`unexpected fields ${extra.join(', ')}`);
  if (p.issues !== undefined) {
    const ok = Array.isArray(p.issues) && p.issues.every((i) => typeof i?.path === 'string' && typeof i?.message === 'string');
    if (!ok) problems.push('issues are not [{path, message}]');
  }
  return problems;
}
