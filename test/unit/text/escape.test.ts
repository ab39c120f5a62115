import { describe, expect, it } from 'vitest';
import { fill } from '../../../shared/i18n/format.ts';
import { escapeHtml, oneLine, stripControl } from '../../../shared/text/escape.ts';

describe('escapeHtml', () => {
  it('escapes every character that could open markup or close an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('keeps French and Arabic text as it is', () => {
    expect(escapeHtml('Coopération « eau » — الدار البيضاء')).toBe('Coopération « eau » — الدار البيضاء');
  });
});

describe('stripControl', () => {
  it('removes control characters but keeps lines and tabs', () => {
    expect(stripControl('a\u0000b\u0007c\u001b[31md\u0085e\r\nf\tg\rh')).toBe('abc[31mde\nf\tg\nh');
  });
});

describe('oneLine', () => {
  it('turns line breaks into spaces so a value cannot add a header', () => {
    expect(oneLine('Projet\r\nBcc: victim@example.org')).toBe('Projet Bcc: victim@example.org');
  });
});

describe('fill', () => {
  it('replaces placeholders once, without re-reading what a value contains', () => {
    expect(fill('Dossier reçu — {title}', { title: '{callId} <b>' })).toBe('Dossier reçu — {callId} <b>');
  });

  it('throws on a placeholder without a value (a template bug)', () => {
    expect(() => fill('{missing}', {})).toThrow(/missing/);
  });
});
