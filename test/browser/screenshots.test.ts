import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, maskVolatile, pngFiles, readManifest, refreshing, SCREENSHOTS_DIR } from './screenshots.ts';
import { hasChromium, launchChromium } from './support.ts';

/**
 * docs/screenshots is what test/browser/screenshots.ts says it is: every PNG has its entry in the
 * manifest and every entry its PNG and its test file, and the fingerprint that decides whether a
 * screenshot is stale sees a change of look and ignores what changes between runs.
 */

const ROOT = join(import.meta.dirname, '..', '..');

describe('docs/screenshots', () => {
  // While refreshing, the browser tests rewrite the manifest: the next normal run checks it.
  it.skipIf(refreshing)('holds exactly the screenshots of its manifest, each taken by an existing test file', () => {
    const manifest = readManifest();
    const files = pngFiles();
    expect(files.length).toBeGreaterThan(0);
    expect(Object.keys(manifest).sort(), 'every PNG in docs/screenshots has its manifest entry and vice versa: run `npm run screenshots`').toEqual(files);
    for (const [file, entry] of Object.entries(manifest)) {
      expect(existsSync(join(ROOT, entry.takenBy)), `${file} is taken by ${entry.takenBy}`).toBe(true);
      expect(entry.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(entry.viewport).toMatch(/^\d+x\d+$/);
      expect(existsSync(join(SCREENSHOTS_DIR, file))).toBe(true);
    }
  });

  it('masks dates, times, amounts, addresses and identifiers, and keeps words and markup', () => {
    const page = (date: string, time: string, id: string, port: number, amount: string) =>
      `<p class="muted">Décidé le ${date} à ${time} (heure de Paris)</p><dd>${id}</dd>` +
      `<a href="http://127.0.0.1:${port}/tasks/${id}?sig=1767.${id}">Ouvrir</a><p>${amount} €</p>`;
    const a = maskVolatile(page('3 décembre 2026', '14:05', 'Zx3kQ_9aLm-02pXyTuv8wB', 34567, '45 000'));
    expect(maskVolatile(page('17 mars 2027', '09:41', 'b8Hq2-LmWw0_zzT4uyvA1c', 41001, '120 000'))).toBe(a);
    expect(maskVolatile('The 12 Dec 2026, Thu')).toBe(maskVolatile('The 3 May 2027, Sun'));
    expect(maskVolatile('<dd>app-kqzjxwab</dd>', ['app-kqzjxwab'])).toBe(maskVolatile('<dd>app-mvtrpeol</dd>', ['app-mvtrpeol']));

    expect(maskVolatile(page('3 décembre 2026', '14:05', 'Zx3kQ_9aLm-02pXyTuv8wB', 34567, '45 000').replace('Ouvrir', 'Décider'))).not.toBe(a);
    expect(maskVolatile(page('3 décembre 2026', '14:05', 'Zx3kQ_9aLm-02pXyTuv8wB', 34567, '45 000').replace('class="muted"', 'class="notice"'))).not.toBe(a);
    expect(maskVolatile('<h1>Dossier reçu</h1>')).toBe('<h1>Dossier reçu</h1>');
  });
});

describe.skipIf(!hasChromium)('a screenshot’s fingerprint in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const html = (body: string, css = 'h1 { color: #1d3557 }') => `<!doctype html><html lang="fr"><head><style>${css}</style></head><body>${body}</body></html>`;
  const body = (date: string, id: string) => `<h1>Suivi du dossier</h1><p>Déposé le ${date}</p><p>Référence ${id}</p><input name="title">`;
  const fingerprintOf = async (content: string, lang = 'fr', volatile: string[] = []) => {
    await page.setContent(content);
    return (await capture(page, lang, volatile)).fingerprint;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('is the same for another date or identifier, and changes with the style, the text, a typed value, the viewport or the language', async () => {
    const before = await fingerprintOf(html(body('3 décembre 2026', 'app-kqzjxwab')), 'fr', ['app-kqzjxwab']);
    expect(await fingerprintOf(html(body('17 mars 2027', 'app-mvtrpeol')), 'fr', ['app-mvtrpeol'])).toBe(before);

    expect(await fingerprintOf(html(body('3 décembre 2026', 'app-kqzjxwab'), 'h1 { color: #e63946 }'), 'fr', ['app-kqzjxwab'])).not.toBe(before);
    expect(await fingerprintOf(html(body('3 décembre 2026', 'app-kqzjxwab').replace('Suivi', 'État')), 'fr', ['app-kqzjxwab'])).not.toBe(before);
    expect(await fingerprintOf(html(body('3 décembre 2026', 'app-kqzjxwab')), 'ar', ['app-kqzjxwab'])).not.toBe(before);

    await page.setContent(html(body('3 décembre 2026', 'app-kqzjxwab')));
    await page.locator('[name="title"]').fill('Observatoire de l’eau');
    expect((await capture(page, 'fr', ['app-kqzjxwab'])).fingerprint).not.toBe(before);

    await page.setViewportSize({ width: 800, height: 900 });
    expect(await fingerprintOf(html(body('3 décembre 2026', 'app-kqzjxwab')), 'fr', ['app-kqzjxwab'])).not.toBe(before);
  });
});
