import { escapeHtml, oneLine, stripControl } from '../text/escape.ts';

/**
 * The pieces an email is made of. Every string is plain text (catalogue text already filled with
 * user values); the renderer alone turns it into HTML, escaping it, so no template writes markup.
 */
export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  /** Someone's own words (a reviewer's comment), set apart from ours. */
  | { kind: 'quote'; text: string }
  | { kind: 'facts'; rows: Array<[label: string, value: string]> }
  /** The one action of the email: a button, with the address spelt out for clients without buttons. */
  | { kind: 'button'; label: string; url: string; fallback: string }
  /** A secondary link (the tracking page): a sentence, then the address as a plain link. */
  | { kind: 'link'; text: string; url: string };

/** The same email in another language, below the first (the French text for the administration). */
export interface EmailSection {
  lang: string;
  dir: 'ltr' | 'rtl';
  /** Names the section (« Version française »), in its own language. */
  heading: string;
  blocks: Block[];
  footer: string;
}

export interface EmailContent {
  subject: string;
  blocks: Block[];
  appendix?: EmailSection;
}

export interface LayoutTexts {
  lang: string;
  dir: 'ltr' | 'rtl';
  brand: string;
  footer: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const INK = '#1e1e1e';
const BLUE = '#000091';

/** Links in emails are ours, absolute and http(s): anything else is a bug, not something to send. */
function absoluteUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('email links must be http(s)');
  return parsed.href;
}

const htmlText = (text: string) => escapeHtml(text).replace(/\n/g, '<br>');
/** A value from the application (a title, a name, `2027-T1`): its own direction inside a right-to-left email. */
const isolated = (text: string) => `<span dir="auto">${htmlText(text)}</span>`;

function blockHtml(block: Block, dir: LayoutTexts['dir']): string {
  // Logical CSS properties (border-inline-start) are ignored by several mail clients.
  const start = dir === 'rtl' ? 'right' : 'left';
  switch (block.kind) {
    case 'paragraph':
      return `<p style="margin:0 0 16px;">${htmlText(block.text)}</p>`;
    case 'list':
      return `<ul style="margin:0 0 16px;padding-${start}:20px;">${block.items
        .map((item) => `<li style="margin:0 0 6px;">${isolated(item)}</li>`)
        .join('')}</ul>`;
    case 'quote':
      // Someone's own words, in whatever language and direction they wrote them.
      return `<blockquote dir="auto" style="margin:0 0 16px;padding:10px 14px;border-${start}:4px solid #cacafb;background:#f5f5fe;color:${INK};">${htmlText(block.text)}</blockquote>`;
    case 'facts':
      return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px;border-collapse:collapse;">${block.rows
        .map(
          ([label, value]) =>
            `<tr><td style="padding:${dir === 'rtl' ? '4px 0 4px 16px' : '4px 16px 4px 0'};color:#555555;vertical-align:top;white-space:nowrap;">${htmlText(label)}</td><td style="padding:4px 0;vertical-align:top;">${isolated(value)}</td></tr>`,
        )
        .join('')}</table>`;
    case 'button': {
      const href = escapeHtml(absoluteUrl(block.url));
      return (
        `<p style="margin:8px 0 16px;"><a href="${href}" style="display:inline-block;background:${BLUE};color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 20px;border-radius:4px;">${htmlText(block.label)}</a></p>` +
        `<p style="margin:0 0 16px;font-size:13px;color:#555555;">${htmlText(block.fallback)}<br><a href="${href}" dir="ltr" style="color:${BLUE};word-break:break-all;">${href}</a></p>`
      );
    }
    case 'link': {
      const href = escapeHtml(absoluteUrl(block.url));
      return `<p style="margin:0 0 16px;">${htmlText(block.text)}<br><a href="${href}" dir="ltr" style="color:${BLUE};word-break:break-all;">${href}</a></p>`;
    }
  }
}

function blockText(block: Block, lang: string): string {
  // French sets a space before the colon; the other languages do not.
  const colon = lang === 'fr' ? ' :' : ':';
  switch (block.kind) {
    case 'paragraph':
      return stripControl(block.text);
    case 'list':
      return block.items.map((item) => `- ${stripControl(item).replace(/\n/g, '\n  ')}`).join('\n');
    case 'quote':
      return stripControl(block.text)
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
    case 'facts':
      return block.rows.map(([label, value]) => `${stripControl(label)}${colon} ${stripControl(value)}`).join('\n');
    case 'button':
      return `${stripControl(block.label)}${colon}\n${absoluteUrl(block.url)}`;
    case 'link':
      return `${stripControl(block.text)}\n${absoluteUrl(block.url)}`;
  }
}

function appendixHtml(section: EmailSection): string {
  const align = section.dir === 'rtl' ? 'right' : 'left';
  return `<div lang="${escapeHtml(section.lang)}" dir="${section.dir}" style="margin:24px 0 0;padding:16px 0 0;border-top:2px solid #dddddd;text-align:${align};">
<p style="margin:0 0 16px;font-weight:bold;color:${BLUE};">${htmlText(section.heading)}</p>
${section.blocks.map((block) => blockHtml(block, section.dir)).join('\n')}
<p style="margin:0 0 16px;font-size:12px;color:#666666;">${htmlText(section.footer)}</p>
</div>`;
}

/**
 * Renders one email as a subject, an HTML part (a plain centred card, inline styles only: no
 * stylesheet, no remote image, no script) and a text part with the same content. An appendix (the
 * French version of a translated email) follows the body in both parts, in its own language and
 * direction.
 */
export function renderEmail(content: EmailContent, layout: LayoutTexts): RenderedEmail {
  const subject = oneLine(content.subject);
  const appendix = content.appendix;
  const body = content.blocks.map((block) => blockHtml(block, layout.dir)).join('\n') + (appendix ? `\n${appendixHtml(appendix)}` : '');
  const html = `<!DOCTYPE html>
<html lang="${escapeHtml(layout.lang)}" dir="${layout.dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border:1px solid #dddddd;border-radius:6px;">
<tr><td style="${FONT}padding:18px 28px;border-bottom:3px solid ${BLUE};color:${BLUE};font-size:14px;font-weight:bold;">${htmlText(layout.brand)}</td></tr>
<tr><td style="${FONT}padding:24px 28px 8px;color:${INK};font-size:15px;line-height:1.5;">
${body}
</td></tr>
<tr><td style="${FONT}padding:14px 28px;border-top:1px solid #dddddd;color:#666666;font-size:12px;line-height:1.4;">${htmlText(layout.footer)}</td></tr>
</table>
</td></tr></table>
</body>
</html>
`;
  const main = content.blocks.map((block) => blockText(block, layout.lang)).join('\n\n');
  const translation = appendix
    ? `\n\n==== ${stripControl(appendix.heading)} ====\n\n${appendix.blocks.map((block) => blockText(block, appendix.lang)).join('\n\n')}`
    : '';
  const footer = appendix ? `${stripControl(layout.footer)}\n${stripControl(appendix.footer)}` : stripControl(layout.footer);
  const text = `${main}${translation}\n\n--\n${stripControl(layout.brand)}\n${footer}\n`;
  return { subject, html, text };
}
