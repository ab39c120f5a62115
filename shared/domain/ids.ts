import { randomBytes } from 'node:crypto';

/** 128 random bits, URL-safe: application and task ids are unguessable. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}
