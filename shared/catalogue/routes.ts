import type { ApiFunctionName } from './functions.ts';

/**
 * Every route of the REST API, declared once. The CDK builds the API's resources, methods and
 * required path parameters from these rows (infra/constructs/api.ts); each API handler parses its
 * body as its routes say (shared/http/api-handler.ts); and every URL the system writes — links in
 * emails, form actions, the admin CLI, the tests — comes from `pathTo`, so a path is never spelled
 * twice. The local stack serves what the synthesized template holds, so it follows too.
 */

export interface RouteDeclaration {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** From the API's root, `{name}` for a path parameter. */
  readonly path: string;
  /** The function behind it (shared/catalogue/functions.ts). */
  readonly function: ApiFunctionName;
  /** How the body is parsed before the handler runs: none, JSON, an HTML form, or either. */
  readonly body: 'none' | 'json' | 'form' | 'json-or-form';
  /** What it answers: a page, JSON, or either by the `Accept` header. */
  readonly answers: 'page' | 'json' | 'negotiated' | 'script';
}

const ROUTES_TABLE = {
  health: { method: 'GET', path: '/health', function: 'health', body: 'none', answers: 'json' },
  listCalls: { method: 'GET', path: '/calls', function: 'list-calls', body: 'none', answers: 'json' },
  form: { method: 'GET', path: '/', function: 'show-form', body: 'none', answers: 'page' },
  // The form's one script (its style is inline, allowed by hash).
  asset: { method: 'GET', path: '/assets/{asset}', function: 'show-form', body: 'none', answers: 'script' },
  // No body model at the gateway: the handler's zod schema answers with field-level issues, and a
  // body that is not JSON must reach it to get its 415.
  submitApplication: { method: 'POST', path: '/applications', function: 'submit-application', body: 'json-or-form', answers: 'negotiated' },
  trackApplication: { method: 'GET', path: '/applications/{id}', function: 'track-application', body: 'none', answers: 'negotiated' },
  // Mail scanners GET and HEAD every link: both only render.
  showTask: { method: 'GET', path: '/tasks/{taskId}', function: 'show-task', body: 'none', answers: 'page' },
  showTaskHead: { method: 'HEAD', path: '/tasks/{taskId}', function: 'show-task', body: 'none', answers: 'page' },
  decideTask: { method: 'POST', path: '/tasks/{taskId}', function: 'decide-task', body: 'form', answers: 'page' },
  // Drafts: every change is a PUT or a POST behind the edit link's `sig`; GET and HEAD only read.
  // A browser gets the draft's page (GET with Accept: text/html), saves it with the page's form
  // (POST, no JavaScript needed) and acts through small forms posted to the action paths.
  createDraft: { method: 'POST', path: '/drafts', function: 'drafts', body: 'json', answers: 'json' },
  showDraft: { method: 'GET', path: '/drafts/{id}', function: 'show-draft', body: 'none', answers: 'negotiated' },
  showDraftHead: { method: 'HEAD', path: '/drafts/{id}', function: 'show-draft', body: 'none', answers: 'negotiated' },
  saveDraft: { method: 'PUT', path: '/drafts/{id}', function: 'drafts', body: 'json', answers: 'json' },
  saveDraftForm: { method: 'POST', path: '/drafts/{id}', function: 'drafts', body: 'form', answers: 'page' },
  inviteToDraft: { method: 'POST', path: '/drafts/{id}/invite', function: 'drafts', body: 'json-or-form', answers: 'negotiated' },
  submitDraft: { method: 'POST', path: '/drafts/{id}/submit', function: 'drafts', body: 'json-or-form', answers: 'negotiated' },
  confirmDraft: { method: 'POST', path: '/drafts/{id}/confirm', function: 'drafts', body: 'json-or-form', answers: 'negotiated' },
  returnDraft: { method: 'POST', path: '/drafts/{id}/return', function: 'drafts', body: 'json-or-form', answers: 'negotiated' },
  // A draft's documents: the upload is granted here and sent straight to storage (never through
  // the API), then checked by `complete`; either contact may add, complete or delete one.
  // Without JavaScript the draft's page posts its small forms here too: a grant answers with the
  // page holding the storage's upload form, a check and a delete with the draft's page again.
  requestDocumentUpload: { method: 'POST', path: '/drafts/{id}/documents', function: 'draft-documents', body: 'json-or-form', answers: 'negotiated' },
  completeDocument: { method: 'POST', path: '/drafts/{id}/documents/{documentId}/complete', function: 'draft-documents', body: 'none', answers: 'negotiated' },
  deleteDocument: { method: 'DELETE', path: '/drafts/{id}/documents/{documentId}', function: 'draft-documents', body: 'none', answers: 'json' },
  deleteDocumentForm: { method: 'POST', path: '/drafts/{id}/documents/{documentId}/delete', function: 'draft-documents', body: 'form', answers: 'page' },
} as const satisfies Record<string, RouteDeclaration>;

export type RouteName = keyof typeof ROUTES_TABLE;

/** The declarations, by route name. */
export const ROUTES: { readonly [R in RouteName]: (typeof ROUTES_TABLE)[R] & RouteDeclaration } = ROUTES_TABLE;

export const routeNames = Object.keys(ROUTES) as RouteName[];

/** The names of a path's parameters: `/tasks/{taskId}` → `'taskId'`. */
export type PathParams<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | PathParams<Rest> : never;

type ParamsOf<R extends RouteName> = PathParams<(typeof ROUTES_TABLE)[R]['path']>;

/** The names of a route's path parameters, in order (`['taskId']`). */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
}

/**
 * The path of a route with its parameters filled in (each URI-encoded), optionally after a base
 * URL and with a query: `pathTo('showTask', { taskId }, { sig })` → `/tasks/abc?sig=…`.
 * Query values that are `undefined` are left out.
 */
export function pathTo<R extends RouteName>(
  route: R,
  ...args: [ParamsOf<R>] extends [never]
    ? [params?: Record<string, never>, query?: Record<string, string | undefined>]
    : [params: Record<ParamsOf<R>, string>, query?: Record<string, string | undefined>]
): string {
  const [params = {}, query] = args as [Record<string, string>?, Record<string, string | undefined>?];
  const path = ROUTES[route].path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`pathTo(${route}): missing parameter ${name}`);
    return encodeURIComponent(value);
  });
  const search = Object.entries(query ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return search ? `${path}?${search}` : path;
}

function matchPath<R extends RouteName>(route: R, path: string, anchored: boolean): Record<ParamsOf<R>, string> | undefined {
  const pattern = ROUTES[route].path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)');
  const match = new RegExp(`${anchored ? '^' : ''}${pattern}$`).exec(path);
  if (!match) return undefined;
  const names = pathParamNames(ROUTES[route].path);
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')])) as Record<ParamsOf<R>, string>;
}

/** The parameters of `path` (from the API's root, no query) if it is route `route`'s path, else `undefined`. */
export function matchRoute<R extends RouteName>(route: R, path: string): Record<ParamsOf<R>, string> | undefined {
  return matchPath(route, path, true);
}

/**
 * The parameters of `url` when its path ends with route `route`'s path (any base path before it, a
 * query after it), else `undefined`: `paramsIn('showTask', 'https://x/prod/tasks/abc?sig=1')` →
 * `{ taskId: 'abc' }`.
 */
export function paramsIn<R extends RouteName>(route: R, url: string): Record<ParamsOf<R>, string> | undefined {
  return matchPath(route, url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, '').replace(/[?#].*$/s, ''), false);
}

/** How a route's body is sent. */
export type BodyKind = RouteDeclaration['body'];

/** How the routes of function `F` send their body (a union when they differ). */
export type BodyKindOf<F extends ApiFunctionName> = {
  [R in RouteName]: (typeof ROUTES_TABLE)[R]['function'] extends F ? (typeof ROUTES_TABLE)[R]['body'] : never;
}[RouteName];

/** The routes a function serves. */
export function routesOf(fn: ApiFunctionName): RouteDeclaration[] {
  return routeNames.map((n) => ROUTES[n] as RouteDeclaration).filter((r) => r.function === fn);
}

/** How function `fn`'s routes send their body, when they all agree. */
export function bodyKindOf<F extends ApiFunctionName>(fn: F): BodyKindOf<F> {
  const kinds = new Set(routesOf(fn).map((r) => r.body));
  if (kinds.size !== 1) throw new Error(`the routes of ${fn} declare ${kinds.size === 0 ? 'no body kind' : `several body kinds: ${[...kinds].join(', ')}`}`);
  return [...kinds][0] as BodyKindOf<F>;
}

/** How each route of function `fn` sends its body, by `METHOD path` (as API Gateway names it: `httpMethod`, `resource`). */
export function bodyKindsOf(fn: ApiFunctionName): ReadonlyMap<string, BodyKind> {
  return new Map(routesOf(fn).map((r) => [`${r.method} ${r.path}`, r.body]));
}
