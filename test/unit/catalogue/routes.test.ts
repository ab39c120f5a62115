import { describe, expect, it } from 'vitest';
import { apiFunctionNames, FUNCTIONS } from '../../../shared/catalogue/functions.ts';
import { bodyKindOf, matchRoute, paramsIn, pathTo, ROUTES, routeNames, routesOf } from '../../../shared/catalogue/routes.ts';

describe('the route catalogue', () => {
  it('builds paths with their parameters encoded and the query left out when undefined', () => {
    expect(pathTo('submitApplication')).toBe('/applications');
    expect(pathTo('showTask', { taskId: 'a b/c' }, { sig: '1.2.x', lang: undefined })).toBe('/tasks/a%20b%2Fc?sig=1.2.x');
    expect(pathTo('trackApplication', { id: 'app-1' }, { token: 't', lang: 'ar' })).toBe('/applications/app-1?token=t&lang=ar');
  });

  it('reads a route back from a path, and from a link under a base path', () => {
    expect(matchRoute('showTask', '/tasks/a%20b')).toEqual({ taskId: 'a b' });
    expect(matchRoute('showTask', '/prod/tasks/x')).toBeUndefined();
    expect(matchRoute('listCalls', '/calls/x')).toBeUndefined();
    expect(matchRoute('form', '/')).toEqual({});
    expect(paramsIn('showTask', 'https://fonds.example.org/prod/tasks/t-1?sig=9')).toEqual({ taskId: 't-1' });
    expect(paramsIn('trackApplication', 'https://fonds.example.org/tasks/t-1?token=9')).toBeUndefined();
    for (const name of routeNames) {
      const params = Object.fromEntries([...ROUTES[name].path.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1], `v-${m[1]}`]));
      expect(matchRoute(name, pathTo(name as 'showTask', params as { taskId: string })), name).toEqual(params);
    }
  });

  it('serves every API function by at least one route, and only API functions', () => {
    for (const fn of apiFunctionNames) expect(routesOf(fn).length, fn).toBeGreaterThan(0);
    for (const name of routeNames) expect(FUNCTIONS[ROUTES[name].function].kind, name).toBe('api');
  });

  it("gives each function one body kind, and the decision page's form posts to the page's own path", () => {
    expect(bodyKindOf('decide-task')).toBe('form');
    expect(bodyKindOf('submit-application')).toBe('json-or-form');
    // The task page's form action is relative (it works behind any base path): same path, POST.
    expect(ROUTES.decideTask.path).toBe(ROUTES.showTask.path);
  });
});
