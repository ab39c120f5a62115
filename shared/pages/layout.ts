import { createHash } from 'node:crypto';
import { html, trusted, type SafeHtml } from './html.ts';

/**
 * The pages' only stylesheet, inline and allowed by its hash in the Content-Security-Policy:
 * no `unsafe-inline`, and no extra route to serve a file.
 */
export const PAGE_STYLE = `body{font-family:system-ui,Arial,sans-serif;color:#1e1e1e;max-width:46rem;margin:0 auto;padding:1rem 1.25rem 3rem;line-height:1.5}
h1{font-size:1.5rem;color:#000091}h2{font-size:1.15rem;margin-top:2rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{color:#555}dd{margin:0}
fieldset{border:1px solid #ddd;margin:1rem 0;padding:.75rem 1rem}legend{font-weight:600}
label{display:block;margin:.5rem 0 .15rem}input[type=text],input[type=number],input[type=email],input[type=tel],input[type=date],textarea,select{width:100%;box-sizing:border-box;padding:.4rem;font:inherit}
textarea{min-height:7rem}.choice label{display:inline;margin:0 1rem 0 .25rem}
button{background:#000091;color:#fff;border:0;padding:.6rem 1.2rem;font:inherit;cursor:pointer;margin-top:1rem}
.status{display:inline-block;padding:.15rem .6rem;background:#e3e3fd;border-radius:.25rem;font-weight:600}
.errors{border-left:4px solid #c9191e;background:#fee9e9;padding:.5rem 1rem}
ol.history{padding-left:1.25rem}ol.history li{margin:.35rem 0}.muted{color:#666}
blockquote{margin:0;padding:.5rem 1rem;border-left:4px solid #cacafb;background:#f5f5fe;white-space:pre-line}`;

/** The CSP source allowing exactly PAGE_STYLE. */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;

export const SITE_NAME = 'Dispositif conjoint franco-marocain de soutien à la coopération décentralisée';

export interface PageOptions {
  title: string;
  body: SafeHtml;
  lang?: string;
}

/** A complete, valid HTML5 document. */
export function renderPage({ title, body, lang = 'fr' }: PageOptions): string {
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title} — coopfund</title>
<style>${trusted(PAGE_STYLE)}</style>
</head>
<body>
<header><p class="muted">${SITE_NAME}</p></header>
<main>
${body}
</main>
</body>
</html>
`.value;
}
