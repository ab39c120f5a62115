import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { header } from './request.ts';
import type { ApiEvent, ApiResult } from './types.ts';

/**
 * What a request's body can be refused for before any use case reads it: HTTP's own errors, not
 * the domain's. Each spells its `name` like a domain error; the error handler's table answers them.
 */
abstract class BodyError extends Error {
  abstract override readonly name: string;
}

/** The body is not what its Content-Type says (broken JSON, invalid UTF-8): 400, not middy's 422. */
export class MalformedBodyError extends BodyError {
  override readonly name = 'MalformedBodyError';
}
/** The body is over the route's limit (413). */
export class PayloadTooLargeError extends BodyError {
  override readonly name = 'PayloadTooLargeError';
}
/** The body is not of a type the route reads (415). */
export class UnsupportedMediaTypeError extends BodyError {
  override readonly name = 'UnsupportedMediaTypeError';
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export interface BodyParserOptions {
  maxBytes?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `type` with optional parameters; a charset other than UTF-8 is refused like another type. */
function isMediaType(contentType: string | undefined, type: string): boolean {
  if (!contentType) return false;
  const [essence = '', ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  if (essence !== type) return false;
  return params.every((p) => !p.startsWith('charset=') || /^charset="?utf-8"?$/.test(p));
}

/** The body as text: base64 decoded when API Gateway encoded it, bounded in bytes, valid UTF-8. */
function bodyText(event: ApiEvent<unknown>, maxBytes: number): string {
  const body = typeof event.body === 'string' ? event.body : '';
  // Cheap bound before decoding anything: base64 inflates by 4/3, UTF-16 code units never exceed bytes.
  const limit = event.isBase64Encoded ? Math.ceil((maxBytes * 4) / 3) + 4 : maxBytes;
  if (body.length > limit) throw tooLarge(maxBytes);
  const bytes = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new MalformedBodyError('Le corps de la requête n’est pas de l’UTF-8 valide.');
  }
}

const tooLarge = (maxBytes: number) => new PayloadTooLargeError(`Le corps de la requête dépasse ${Math.round(maxBytes / 1024)} Kio.`);

type Parser = MiddlewareObj<ApiEvent<unknown>, ApiResult, Error, Context>;

function parseJson(event: ApiEvent<unknown>, maxBytes: number): void {
  const text = bodyText(event, maxBytes);
  try {
    event.body = JSON.parse(text) as unknown;
  } catch {
    throw new MalformedBodyError('Le corps de la requête n’est pas du JSON valide.');
  }
  event.rawBody = text;
  event.isBase64Encoded = false;
  event.bodyFormat = 'json';
}

function parseForm(event: ApiEvent<unknown>, maxBytes: number): void {
  const text = bodyText(event, maxBytes);
  const fields: Record<string, string> = {};
  // A field sent twice keeps its first value: a form never does it, a forger gains nothing.
  for (const [name, value] of new URLSearchParams(text)) {
    if (!Object.hasOwn(fields, name)) fields[name] = value;
  }
  event.body = fields;
  event.rawBody = text;
  event.isBase64Encoded = false;
  event.bodyFormat = 'form';
}

/** `application/json` bodies (415 otherwise, 413 over the limit, 400 when malformed) → `event.body`. */
export function jsonBodyParser(options: BodyParserOptions = {}): Parser {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    before(request) {
      if (!isMediaType(header(request.event.headers, 'content-type'), 'application/json')) {
        throw new UnsupportedMediaTypeError('Le corps de la requête doit être du JSON (Content-Type: application/json).');
      }
      parseJson(request.event, maxBytes);
    },
  };
}

/** `application/x-www-form-urlencoded` bodies (an HTML form's POST) → `event.body` as a flat record. */
export function formBodyParser(options: BodyParserOptions = {}): Parser {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    before(request) {
      if (!isMediaType(header(request.event.headers, 'content-type'), 'application/x-www-form-urlencoded')) {
        throw new UnsupportedMediaTypeError('Le formulaire doit être envoyé en application/x-www-form-urlencoded.');
      }
      parseForm(request.event, maxBytes);
    },
  };
}

/**
 * Either, by Content-Type: a JSON client (the API's contract) or a browser's form (the
 * application form works without JavaScript). `event.bodyFormat` says which it was.
 */
export function jsonOrFormBodyParser(options: BodyParserOptions = {}): Parser {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    before(request) {
      const type = header(request.event.headers, 'content-type');
      if (isMediaType(type, 'application/json')) return parseJson(request.event, maxBytes);
      if (isMediaType(type, 'application/x-www-form-urlencoded')) return parseForm(request.event, maxBytes);
      throw new UnsupportedMediaTypeError('Le corps de la requête doit être du JSON (Content-Type: application/json).');
    },
  };
}

/** Whether the request came from an HTML form (by its Content-Type: set before any parsing fails). */
export function isFormRequest(event: ApiEvent<unknown>): boolean {
  return isMediaType(header(event.headers, 'content-type'), 'application/x-www-form-urlencoded');
}
