const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * C0 and C1 control characters except tab and line feed. Carriage returns are normalised first,
 * so a pasted comment keeps its lines but no value can smuggle terminal or header control codes.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's job.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Plain text safe for a text/plain part: line breaks kept, control characters removed. */
export function stripControl(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/** One line of plain text (a subject): every line break becomes a space. */
export function oneLine(value: string): string {
  return stripControl(value)
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/**
 * Text as HTML element content or a quoted attribute value, in a page or an email: the one escape
 * of the project. Control characters go too (some break parsers, none belongs in markup).
 */
export function escapeHtml(value: string): string {
  return stripControl(value).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}
