import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { BUNDLE_MODULE, buildClientModule, committedModule } from '../../../scripts/build-client.ts';
import { FORM_SCRIPT } from '../../../shared/pages/client/form.bundle.ts';

describe('the form’s browser script', () => {
  it('is committed as built from its source (run `node_modules/.bin/node scripts/build-client.ts` otherwise)', async () => {
    const [{ module }, committed] = await Promise.all([buildClientModule(), committedModule()]);
    expect(committed, `${BUNDLE_MODULE} is stale`).toBe(module);
  });

  it('evaluates in a browser-like sandbox: every zod member the shared schemas use is bundled', () => {
    // A page without the form: the script builds its schemas, looks for the form, and stops.
    const document = { readyState: 'complete', getElementById: () => null, addEventListener: () => undefined };
    expect(() => runInNewContext(FORM_SCRIPT, { document, window: {}, navigator: {}, HTMLFormElement: class {} })).not.toThrow();
  });

  it('holds no catalogue (the page gives it its texts) and no Node API', () => {
    expect(FORM_SCRIPT).not.toContain('Gouvernance et régionalisation avancée');
    expect(FORM_SCRIPT).not.toMatch(/node:|require\(/);
    expect(FORM_SCRIPT.length).toBeLessThan(130_000);
  });
});
