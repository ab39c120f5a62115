/**
 * What the browser bundle gets when a shared module imports `zod` (scripts/build-client.ts
 * redirects it here; `import * as z from 'zod'` then sees exactly these members). Only what the
 * schemas use: zod's locales and its JSON-schema tools stay out (≈ 460 KB → ≈ 100 KB). The browser
 * shows its own messages (shared/i18n/issues.ts). A schema that starts using another member of `z`
 * must add it here: the bundle test fails until it does.
 */
export { array, boolean, config, email, enum, iso, literal, number, preprocess, strictObject, string } from 'zod';
