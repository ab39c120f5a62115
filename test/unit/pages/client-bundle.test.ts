import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { BUNDLE_MODULE, buildClientModule, CLIENTS, committedModule } from '../../../scripts/build-client.ts';
import { DRAFT_SCRIPT } from '../../../shared/pages/client/draft.bundle.ts';
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

describe('the draft page’s browser script', () => {
  it('is committed as built from its source', async () => {
    const [{ module }, committed] = await Promise.all([buildClientModule(CLIENTS.draft), committedModule(CLIENTS.draft)]);
    expect(committed, `${CLIENTS.draft.module} is stale`).toBe(module);
  });

  it('evaluates on a page without the draft form and stops; small, with no catalogue, no zod and no Node API', () => {
    const document = { readyState: 'complete', getElementById: () => null, addEventListener: () => undefined };
    expect(() => runInNewContext(DRAFT_SCRIPT, { document, window: {}, navigator: {}, HTMLFormElement: class {} })).not.toThrow();
    expect(DRAFT_SCRIPT).not.toContain('Le dossier a été enregistré entre-temps');
    expect(DRAFT_SCRIPT).not.toMatch(/node:|require\(|safeParse/);
    expect(DRAFT_SCRIPT.length).toBeLessThan(15_000);
  });
});
