import { DRAFT_SCRIPT } from '../pages/client/draft.bundle.ts';
import { FORM_SCRIPT } from '../pages/client/form.bundle.ts';
import { queryParam } from './request.ts';
import { JS_TYPE } from './responses.ts';
import { SCRIPT_VERSIONS, type ScriptAsset } from './script-urls.ts';
import type { ApiEvent, ApiResult } from './types.ts';

/**
 * The pages' browser scripts (built by scripts/build-client.ts), served by `GET /assets/{asset}`
 * (the show-form function): the application form's and the draft page's. A page names its script
 * with the version, so each is small and cached apart.
 */
const SCRIPTS: Record<ScriptAsset, { body: string; version: string }> = {
  'form.js': { body: FORM_SCRIPT, version: SCRIPT_VERSIONS['form.js'] },
  'draft.js': { body: DRAFT_SCRIPT, version: SCRIPT_VERSIONS['draft.js'] },
};

/**
 * A script by its name, or undefined (no such asset). Immutable under its version (the page names
 * it), so cached for a year; any other version is answered too, uncached (a page from before a deployment).
 */
export function clientScript(event: ApiEvent<unknown>, asset: string): ApiResult | undefined {
  if (!Object.hasOwn(SCRIPTS, asset)) return undefined;
  const script = SCRIPTS[asset as ScriptAsset];
  const current = queryParam(event, 'v') === script.version;
  return {
    statusCode: 200,
    headers: { 'Content-Type': JS_TYPE, 'Cache-Control': current ? 'public, max-age=31536000, immutable' : 'no-cache' },
    body: script.body,
  };
}
