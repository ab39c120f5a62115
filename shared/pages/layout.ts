import { createHash } from 'node:crypto';
import type { Language } from '../domain/application.ts';
import { fill, languages, textsFor, type Catalogue } from '../i18n/index.ts';
import { fillHtml, html, trusted, type SafeHtml } from './html.ts';

/**
 * The pages' only stylesheet, inline and allowed by its hash in the Content-Security-Policy:
 * no `unsafe-inline`, no extra route to serve a file, and no `style=""` attribute anywhere.
 * Logical properties (`margin-inline-start`) so that Arabic pages mirror by `dir="rtl"` alone.
 * Colours keep text at 4.5:1 or more and borders and focus rings at 3:1 or more on white.
 */
export const PAGE_STYLE = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,"DejaVu Sans",sans-serif;color:#1e1e1e;background:#fff;line-height:1.5;font-size:1rem}
[dir=rtl] body{font-family:"Segoe UI",Tahoma,"Noto Naskh Arabic","Noto Sans Arabic","DejaVu Sans",Arial,sans-serif;line-height:1.7}
a{color:#000091;text-underline-offset:.15em}a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid #000091;outline-offset:3px}
.skip{position:absolute;inset-inline-start:.5rem;top:-4rem;background:#fff;color:#000091;padding:.5rem 1rem;border:2px solid #000091;z-index:2}
.skip:focus{top:.5rem}
.site{border-block-end:4px solid #000091;background:#f6f6f6}
.site .wrap{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between;padding-block:.75rem}
.brand{margin:0;font-weight:700;color:#000091;max-width:34rem}.owners{margin:0;font-size:.85rem;color:#3a3a3a}
.langs{display:flex;gap:.25rem;list-style:none;margin:0;padding:0}
.langs a{display:inline-block;padding:.25rem .6rem;border:1px solid #000091;border-radius:.25rem;text-decoration:none}
.langs a[aria-current]{background:#000091;color:#fff}
.wrap{max-width:50rem;margin:0 auto;padding-inline:1.25rem}
main{display:block;padding-block:1rem 3rem}main:focus{outline:none}
footer{border-block-start:1px solid #ddd;padding-block:1rem 2rem;font-size:.9rem;color:#3a3a3a}
h1{font-size:1.75rem;line-height:1.25;color:#000091;margin:1rem 0}h2{font-size:1.3rem;margin:2rem 0 .75rem}h3{font-size:1.1rem;margin:1.5rem 0 .5rem}
p{margin:0 0 1rem}.lead{font-size:1.1rem}
.muted,.hint{color:#3a3a3a}.hint{display:block;font-size:.95rem;margin:0 0 .35rem}
dl.facts{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.35rem 1.25rem;margin:0 0 1rem}dl.facts dt{color:#3a3a3a}dl.facts dd{margin:0}
fieldset{border:1px solid #929292;border-radius:.25rem;margin:1.25rem 0;padding:.75rem 1.25rem 1rem;min-width:0}
legend{font-weight:700;font-size:1.1rem;padding-inline:.35rem}
.field{margin:1rem 0}
label,.label{display:block;font-weight:600;margin:0 0 .2rem}
input[type=text],input[type=number],input[type=email],input[type=tel],input[type=date],textarea,select{display:block;width:100%;max-width:36rem;padding:.5rem;font:inherit;color:inherit;background:#fff;border:1px solid #666;border-radius:.25rem}
input.short{max-width:12rem}textarea{min-height:9rem;resize:vertical}
[aria-invalid=true]{border:2px solid #c9191e}
.field-error{display:block;color:#b3141b;font-weight:700;margin:.2rem 0}
.field-warning{display:block;color:#6b4400;background:#fff4e0;border-inline-start:4px solid #b35f00;padding:.25rem .6rem;margin:.35rem 0}
.choices{display:flex;flex-direction:column;gap:.4rem}
.choice{display:flex;gap:.5rem;align-items:flex-start}.choice input{width:1.25rem;height:1.25rem;margin:.15rem 0 0;flex:none}.choice label{font-weight:400;margin:0}
button,.button{display:inline-block;background:#000091;color:#fff;border:2px solid #000091;border-radius:.25rem;padding:.65rem 1.4rem;font:inherit;font-weight:700;cursor:pointer;margin-top:1rem;text-decoration:none}
button:hover{background:#1212ff}button[disabled]{background:#555;border-color:#555;cursor:wait}
button.secondary{background:#fff;color:#000091;margin-top:0;padding:.35rem .9rem}
.notice{border-inline-start:4px solid #000091;background:#f5f5fe;padding:.75rem 1rem;margin:1rem 0}
.success{border-inline-start:4px solid #18753c;background:#e6f4ea;padding:.75rem 1rem;margin:1rem 0}
.errors,.error-summary{border:3px solid #c9191e;background:#fff;padding:.75rem 1.25rem;margin:1rem 0}
.error-summary h2{margin-top:0;color:#b3141b;font-size:1.2rem}.error-summary ul{margin:.5rem 0 0;padding-inline-start:1.25rem}
.error-summary a{color:#b3141b;font-weight:700}
.status{display:inline-block;padding:.15rem .75rem;background:#e3e3fd;color:#000091;border-radius:1rem;font-weight:700}
.status-APPROVED{background:#e6f4ea;color:#0f5028}.status-REJECTED,.status-INELIGIBLE,.status-WITHDRAWN,.status-ERROR{background:#fee9e9;color:#8f0f15}
.status-CHANGES_REQUESTED{background:#fff4e0;color:#6b4400}
ol.timeline{list-style:none;margin:0;padding:0;border-inline-start:3px solid #cacafb}
ol.timeline li{position:relative;margin:0 0 1rem;padding-inline-start:1.25rem}
ol.timeline li::before{content:"";position:absolute;inset-inline-start:-.55rem;top:.45rem;width:.8rem;height:.8rem;border-radius:50%;background:#000091}
ol.timeline time{display:block;font-size:.9rem;color:#3a3a3a}
blockquote{margin:0 0 1rem;padding:.5rem 1rem;border-inline-start:4px solid #6a6af4;background:#f5f5fe;white-space:pre-line;overflow-wrap:anywhere}
table.grid{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
table.grid th,table.grid td{border:1px solid #929292;padding:.5rem .75rem;text-align:start;vertical-align:top}
table.grid thead th{background:#f6f6f6}table.grid th .hint{font-weight:400}table.grid td input{max-width:6rem}
.share{border:1px solid #929292;border-radius:.25rem;padding:.75rem 1rem;margin:1rem 0}
.share meter{display:block;width:100%;max-width:24rem;height:1.25rem;margin:.35rem 0}
.draft{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.visually-hidden{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (max-width:36rem){dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.5rem}h1{font-size:1.45rem}}`;

/** The CSP source allowing exactly PAGE_STYLE. */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;

/** What every page knows of its request: the language, and where the other languages are. */
export interface PageFrame {
  t: Catalogue;
  /** Links of the language switcher (query-only URLs); none on the answer to a POST. */
  languageLinks?: Partial<Record<Language, string>>;
  /** The secretariat's address, in the footer. */
  contact?: string | undefined;
}

/** `?lang=xx` for a form's action, so that its answer speaks the language of the page it came from. */
export const langQuery = (frame: PageFrame): string => `?lang=${frame.t.meta.lang}`;

export interface PageOptions {
  title: string;
  body: SafeHtml;
  frame: PageFrame;
  /** Same-origin scripts (absolute paths or URLs of this API); never inline. */
  scripts?: readonly string[];
  /** Prefixes the title with « Erreur : » so a screen reader hears it first. */
  hasErrors?: boolean;
}

function languageSwitcher(frame: PageFrame): SafeHtml | string {
  const links = frame.languageLinks;
  if (!links) return '';
  const current = frame.t.meta.lang;
  return html`<nav aria-label="${frame.t.site.languages}"><ul class="langs">${languages.map((lang) => {
    const href = links[lang];
    if (href === undefined) return '';
    const name = textsFor(lang).meta.name;
    return html`<li><a href="${href}" lang="${lang}" hreflang="${lang}"${lang === current ? html` aria-current="true"` : ''}>${name}</a></li>`;
  })}</ul></nav>`;
}

/** A complete, valid HTML5 document in the frame's language and direction. */
export function renderPage({ title, body, frame, scripts = [], hasErrors = false }: PageOptions): string {
  const { t } = frame;
  const pageTitle = hasErrors ? fill(t.form.errorTitle, { page: title }) : title;
  return html`<!doctype html>
<html lang="${t.meta.lang}" dir="${t.meta.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${fill(t.site.title, { page: pageTitle })}</title>
<style>${trusted(PAGE_STYLE)}</style>
${scripts.map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body>
<a class="skip" href="#main">${t.site.skip}</a>
<header class="site"><div class="wrap">
<div><p class="brand">${t.site.name}</p><p class="owners">${t.site.owners}</p></div>
${languageSwitcher(frame)}
</div></header>
<main id="main" tabindex="-1"><div class="wrap">
${body}
</div></main>
<footer><div class="wrap">
${frame.contact ? html`<p>${fillHtml(t.site.contact, { email: html`<a href="mailto:${frame.contact}" dir="ltr">${frame.contact}</a>` })}</p>` : ''}
</div></footer>
</body>
</html>
`.value;
}
