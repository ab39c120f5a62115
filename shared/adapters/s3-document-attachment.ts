/**
 * `Content-Disposition: attachment` naming the file, as RFC 6266 says: `filename` an ASCII
 * fallback (anything else, quotes, backslashes and control characters become `_`), `filename*`
 * the exact name in UTF-8, percent-encoded as RFC 5987 says. Line breaks and other control
 * characters never reach the header, whatever the name.
 */
export function attachmentDisposition(filename: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = filename.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim() || 'document';
  const ascii = clean.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
