import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * The screenshots of docs/screenshots, which the README and docs/pages.md show, kept honest without
 * being rewritten by every test run.
 *
 * A PNG's bytes change from one run to the next (dates on the page, identifiers, anti-aliasing), so
 * what is compared is a fingerprint of what the picture shows: the page as Chromium holds it when the
 * picture is taken (elements, attributes, text, what is typed in the fields, the focus, the style
 * sheets), the viewport and the language, with what differs between two runs of the same test masked
 * (numbers, month and day names, addresses, long identifiers, and the values a test names).
 * docs/screenshots/manifest.json records the fingerprint of every PNG and the test file that takes it.
 *
 * - A normal run writes nothing: a screenshot whose page no longer has its recorded fingerprint, or
 *   whose PNG is missing, fails its test, saying to run `npm run screenshots`.
 * - `npm run screenshots` (COOPFUND_SCREENSHOTS=refresh) takes again the screenshots that are stale or
 *   missing, drops those no test takes any more, and rewrites the manifest. An up-to-date screenshot is
 *   left as it is, so a refresh with nothing changed changes no file. Deleting an entry of the
 *   manifest (or the whole file) has the next refresh take it again.
 */

export const SCREENSHOTS_DIR = resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');
export const MANIFEST = join(SCREENSHOTS_DIR, 'manifest.json');
const ROOT = resolve(import.meta.dirname, '..', '..');
const REFRESH_COMMAND = 'npm run screenshots';

export const refreshing = process.env.COOPFUND_SCREENSHOTS === 'refresh';

export interface ManifestEntry {
  /** The test file that takes the screenshot (its own entries are checked at its end). */
  takenBy: string;
  lang: string;
  viewport: string;
  fingerprint: string;
}
export type Manifest = Record<string, ManifestEntry>;

export function readManifest(): Manifest {
  return existsSync(MANIFEST) ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest) : {};
}

function writeManifest(manifest: Manifest): void {
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b, 'en')));
  writeFileSync(MANIFEST, `${JSON.stringify(sorted, null, 2)}\n`);
}

/** The PNG files of docs/screenshots. */
export function pngFiles(): string[] {
  return readdirSync(SCREENSHOTS_DIR)
    .filter((f) => f.endsWith('.png'))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// What a picture shows, as text

/**
 * Runs in the page: the DOM as rendered (scripts left out: what they did is in the DOM), the live
 * state of form fields, the focused element, the style sheets, and same-origin frames. The DOM comes
 * as segments: markup (`m`: tags, attribute names), text (`t`) and attribute values (`a`) to mask,
 * addresses (`u`: href, action, src…, whose value shows nowhere) and inline styles (`s`, kept as the
 * style sheets are). A string, not a function, so that no transform of the test's code reaches the
 * browser.
 */
const PAGE_STATE = `(() => {
  const URL_ATTRIBUTES = new Set(['href', 'action', 'formaction', 'src', 'srcset', 'poster', 'cite']);
  const out = [];
  const m = (s) => out.push(['m', s]);
  const serialize = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return void out.push(['t', node.data.replace(/\\s+/g, ' ')]);
    if (node.nodeType === Node.DOCUMENT_NODE) return serialize(node.documentElement);
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.localName;
    if (tag === 'script' || tag === 'noscript' || tag === 'template') return;
    const attrs = [...node.attributes].map((a) => [a.name, a.value]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    if (tag === 'input' || tag === 'textarea' || tag === 'select') {
      attrs.push(['(value)', node.value]);
      if (node.type === 'checkbox' || node.type === 'radio') attrs.push(['(checked)', String(node.checked)]);
    }
    if (node === document.activeElement) attrs.push(['(focus)', 'true']);
    m('<' + tag);
    for (const [name, value] of attrs) {
      m(' ' + name + '=');
      out.push([URL_ATTRIBUTES.has(name) ? 'u' : name === 'style' ? 's' : 'a', value]);
    }
    m('>');
    let frame;
    try { frame = tag === 'iframe' ? node.contentDocument : undefined; } catch { /* another origin */ }
    if (frame) serialize(frame);
    else if (tag !== 'style') node.childNodes.forEach(serialize);
    m('</' + tag + '>');
  };
  serialize(document);
  const sheets = (doc) => [...doc.styleSheets].map((sheet) => {
    try { return [...sheet.cssRules].map((r) => r.cssText).join('\\n'); } catch { return 'sheet ' + sheet.href; }
  });
  const frames = [...document.querySelectorAll('iframe')].flatMap((f) => { try { return f.contentDocument ? sheets(f.contentDocument) : []; } catch { return []; } });
  return {
    dom: out,
    css: [...sheets(document), ...frames].join('\\n'),
    pixelRatio: window.devicePixelRatio,
    dark: matchMedia('(prefers-color-scheme: dark)').matches,
  };
})()`;

interface PageState {
  dom: [kind: 'm' | 't' | 'a' | 'u' | 's', text: string][];
  css: string;
  pixelRatio: number;
  dark: boolean;
}

/** Month and weekday names, long and short, of every language the pages speak and of the mailbox's dates. */
const CALENDAR_WORDS: readonly string[] = (() => {
  const words = new Set<string>();
  // Twelve months, and seven days in a row for the weekdays.
  const days = [...Array.from({ length: 12 }, (_, m) => Date.UTC(2026, m, 15)), ...Array.from({ length: 7 }, (_, d) => Date.UTC(2026, 0, 4 + d))];
  for (const locale of ['fr-FR', 'ar-MA', 'en-GB', 'en-US']) {
    for (const width of ['long', 'short'] as const) {
      const formats = [
        new Intl.DateTimeFormat(locale, { month: width, timeZone: 'UTC' }),
        new Intl.DateTimeFormat(locale, { weekday: width, timeZone: 'UTC' }),
        new Intl.DateTimeFormat(locale, { day: 'numeric', month: width, year: 'numeric', weekday: width, timeZone: 'UTC' }),
        new Intl.DateTimeFormat(locale, { dateStyle: width === 'long' ? 'long' : 'medium', timeZone: 'UTC' }),
      ];
      for (const day of days) {
        for (const format of formats) {
          for (const part of format.formatToParts(new Date(day)))
            if ((part.type === 'month' || part.type === 'weekday') && /^\p{L}[\p{L}\p{M}.]*$/u.test(part.value)) words.add(part.value);
        }
      }
    }
  }
  return [...words].sort((a, b) => b.length - a.length);
})();

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CALENDAR = new RegExp(`(?<![\\p{L}])(?:${CALENDAR_WORDS.map(escapeRegExp).join('|')})(?![\\p{L}])`, 'gu');
const URL_LIKE = /\b(?:https?|mailto|blob|javascript):[^\s"'<>]*/g;
/** Identifiers, tokens and signatures: long runs of letters, digits, `-` and `_` that hold a digit or mix cases. */
const TOKEN = /[A-Za-z0-9_-]{16,}/g;
const NUMBER = /(?<!\p{L})[0-9\u0660-\u0669\u06F0-\u06F9]+(?:[\s\u00a0\u202f.,'\u066B\u066C][0-9\u0660-\u0669\u06F0-\u06F9]+)*/gu;

/**
 * The page's text with what changes between two runs of the same test masked. Exported for its own
 * test: a new date, identifier or port leaves it unchanged; a new word or attribute does not.
 */
export function maskVolatile(serialized: string, values: readonly string[] = []): string {
  let out = serialized;
  for (const value of [...values].filter((v) => v.length > 0).sort((a, b) => b.length - a.length)) out = out.split(value).join('‹value›');
  return out
    .replace(URL_LIKE, '‹url›')
    .replace(TOKEN, (run) => (/\d/.test(run) || (/[a-z]/.test(run) && /[A-Z]/.test(run)) ? '‹id›' : run))
    .replace(CALENDAR, '‹cal›')
    .replace(NUMBER, '0');
}

const SEGMENT: Record<PageState['dom'][number][0], (text: string, volatile: readonly string[]) => string> = {
  m: (markup) => markup,
  t: (text, volatile) => maskVolatile(text, volatile),
  a: (value, volatile) => JSON.stringify(maskVolatile(value, volatile)),
  u: () => '"‹url›"',
  s: (style) => JSON.stringify(style),
};

export interface Capture {
  fingerprint: string;
  viewport: string;
  /** The masked text the fingerprint is the hash of (written to a temporary file when stale). */
  shown: string;
}

/** The fingerprint of what a screenshot of `page` shows now. */
export async function capture(page: Page, lang: string, volatile: readonly string[] = []): Promise<Capture> {
  const state = (await page.evaluate(PAGE_STATE)) as PageState;
  const size = page.viewportSize();
  const viewport = size ? `${size.width}x${size.height}` : 'none';
  // Style sheets and inline styles are not masked: a number there (a margin, a colour) is the look itself.
  const shown = [
    `viewport ${viewport} @${state.pixelRatio}${state.dark ? ' dark' : ''} full page`,
    `lang ${lang}`,
    state.dom.map(([kind, text]) => SEGMENT[kind](text, volatile)).join(''),
    state.css,
  ].join('\n');
  return { fingerprint: createHash('sha256').update(shown).digest('hex').slice(0, 32), viewport, shown };
}

// ---------------------------------------------------------------------------------------------
// One test file's screenshots

export interface Screenshots {
  /**
   * Checks (or, refreshing, takes) docs/screenshots/<name>.png of the page as it is now. `volatile`:
   * values of this run that the page shows (an application's id…), masked from the fingerprint.
   */
  shot(page: Page, name: string, lang: string, volatile?: readonly string[]): Promise<void>;
  /**
   * At the end of the file: every screenshot the manifest gives to this file was checked (none is
   * left unverified); refreshing, those no longer taken are dropped and the manifest is written.
   */
  finish(): Promise<void>;
}

/** The screenshots taken by one test file (`import.meta.filename`). */
export function screenshotsOf(testFile: string): Screenshots {
  const takenBy = relative(ROOT, testFile).split('\\').join('/');
  const manifest = readManifest();
  const seen = new Set<string>();
  let dumps: string | undefined;

  return {
    async shot(page, name, lang, volatile = []) {
      const file = `${name}.png`;
      expect(seen.has(file), `${file} taken twice by ${takenBy}`).toBe(false);
      seen.add(file);
      const live = await capture(page, lang, volatile);
      const recorded = manifest[file];
      const png = join(SCREENSHOTS_DIR, file);
      const upToDate = recorded?.fingerprint === live.fingerprint && recorded.takenBy === takenBy && existsSync(png);

      if (refreshing) {
        if (!upToDate) await page.screenshot({ path: png, fullPage: true });
        manifest[file] = { takenBy, lang, viewport: live.viewport, fingerprint: live.fingerprint };
        return;
      }
      if (upToDate) return;
      dumps ??= mkdtempSync(join(tmpdir(), 'coopfund-screenshots-'));
      const dump = join(dumps, `${name}.txt`);
      writeFileSync(dump, live.shown);
      const why = !recorded
        ? 'is not in docs/screenshots/manifest.json'
        : !existsSync(png)
          ? 'is missing'
          : recorded.takenBy !== takenBy
            ? `is recorded as taken by ${recorded.takenBy}`
            : `is stale: the page changed since it was taken (fingerprint ${live.fingerprint}, recorded ${recorded.fingerprint})`;
      // Soft: the test goes on checking the page, and fails at its end.
      expect
        .soft(upToDate, `docs/screenshots/${file} ${why}. Run \`${REFRESH_COMMAND}\` and commit docs/screenshots (what the page shows now: ${dump})`)
        .toBe(true);
    },

    async finish() {
      const mine = Object.keys(manifest).filter((file) => manifest[file]!.takenBy === takenBy);
      const unseen = mine.filter((file) => !seen.has(file));
      if (refreshing) {
        for (const file of unseen) {
          delete manifest[file];
          await unlink(join(SCREENSHOTS_DIR, file)).catch(() => undefined);
        }
        // Another file may have refreshed its own entries meanwhile: merge into what is on disk.
        const onDisk = readManifest();
        for (const file of Object.keys(onDisk)) if (onDisk[file]!.takenBy === takenBy) delete onDisk[file];
        for (const file of Object.keys(manifest)) if (manifest[file]!.takenBy === takenBy) onDisk[file] = manifest[file]!;
        writeManifest(onDisk);
        return;
      }
      expect(seen.size, `${takenBy} checked no screenshot`).toBeGreaterThan(0);
      expect(unseen, `docs/screenshots/manifest.json gives these screenshots to ${takenBy}, which no longer takes them: run \`${REFRESH_COMMAND}\``).toEqual(
        [],
      );
    },
  };
}
