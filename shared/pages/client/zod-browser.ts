import { array, config, email, enum as enumOf, iso, number, strictObject, string } from 'zod';

/**
 * What the browser bundle gets when a shared schema imports `zod` (scripts/build-client.ts
 * redirects it here). Named imports let esbuild drop what the schemas do not use: zod's sixty
 * locales and its JSON-schema tools (≈ 460 KB → ≈ 95 KB). The browser shows its own messages
 * (shared/i18n/issues.ts), so the French locale is not needed either. A schema that starts using
 * another member of `z` must add it here: the bundle test fails until it does.
 */
export const z = {
  array,
  config,
  email,
  enum: enumOf,
  iso: { date: iso.date, datetime: iso.datetime },
  number,
  strictObject,
  string,
  locales: { fr: () => ({}) },
};
