import { pathTo } from '../catalogue/routes.ts';
import { DRAFT_SCRIPT_VERSION } from '../pages/client/draft.bundle.ts';
import { FORM_SCRIPT_VERSION } from '../pages/client/form.bundle.ts';

/**
 * The version of each page's browser script, which the page's URL for it names. Apart from the
 * scripts themselves (shared/http/client-scripts.ts): a function that renders a page but does not
 * serve its script carries the version only, not the script.
 */
export const SCRIPT_VERSIONS = { 'form.js': FORM_SCRIPT_VERSION, 'draft.js': DRAFT_SCRIPT_VERSION } as const;
export type ScriptAsset = keyof typeof SCRIPT_VERSIONS;

/** The URL a page asks for its script at (the current version). */
export const scriptUrl = (baseUrl: string, asset: ScriptAsset): string => `${baseUrl}${pathTo('asset', { asset }, { v: SCRIPT_VERSIONS[asset] })}`;
