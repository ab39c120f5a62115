import { describe, expect, it } from 'vitest';
import { documentRulesOf } from '../../../shared/domain/call-rules.ts';
import { documentShortfalls, judgeUpload, MAX_FILENAME, sanitizeFilename, sniffFormat, type StoredFile } from '../../../shared/domain/documents.ts';
import { callSchema } from '../../../shared/schemas/call.ts';
import { aCall } from '../../fixtures/domain.ts';

const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

/** A ZIP's first local file header: `name`, stored (method 0) or deflated, then `data`. */
function zipEntry(name: string, data: string, method = 0): Uint8Array {
  const n = new TextEncoder().encode(name);
  const d = new TextEncoder().encode(data);
  const header = new Uint8Array(30);
  header.set([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, method, 0]);
  header.set([d.length & 0xff, d.length >> 8, 0, 0], 18);
  header.set([d.length & 0xff, d.length >> 8, 0, 0], 22);
  header.set([n.length, 0, 0, 0], 26);
  return new Uint8Array([...header, ...n, ...d, ...bytes('PK\u0001\u0002 rest of the archive')]);
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];

describe('sniffFormat: the format the first bytes show', () => {
  it('recognises each format by its signature', () => {
    expect(sniffFormat(bytes('%PDF-1.7\n%âãÏÓ'), 100)).toBe('pdf');
    expect(sniffFormat(bytes(PNG), 100)).toBe('png');
    expect(sniffFormat(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 100)).toBe('jpeg');
    expect(sniffFormat(zipEntry('mimetype', 'application/vnd.oasis.opendocument.spreadsheet'), 9000)).toBe('ods');
    expect(sniffFormat(zipEntry('[Content_Types].xml', '<?xml', 8), 9000)).toBe('xlsx');
    expect(sniffFormat(zipEntry('docProps/app.xml', '<?xml', 8), 9000)).toBe('xlsx');
    expect(sniffFormat(bytes('\uFEFFposte;montant\r\nTransport;1200\n'), 40)).toBe('csv');
    expect(sniffFormat(bytes('ligne;montant\tété;12\n'), 40)).toBe('csv');
  });

  it('refuses an executable whatever its name, another ZIP, a text document of another OpenDocument kind, binary or badly encoded text', () => {
    expect(sniffFormat(bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0]), 100)).toBeUndefined();
    expect(sniffFormat(bytes([0x7f], 'ELF', [2, 1, 1]), 100)).toBeUndefined();
    expect(sniffFormat(zipEntry('mimetype', 'application/vnd.oasis.opendocument.text'), 9000)).toBeUndefined();
    expect(sniffFormat(zipEntry('mimetype', 'application/vnd.oasis.opendocument.spreadsheet', 8), 9000)).toBeUndefined();
    expect(sniffFormat(zipEntry('payload.exe', 'MZ'), 9000)).toBeUndefined();
    expect(sniffFormat(bytes('a;b\u0000c'), 10)).toBeUndefined();
    expect(sniffFormat(bytes('a;b\u001bc'), 10)).toBeUndefined();
    expect(sniffFormat(bytes('a;b', [0xc3, 0x28]), 10)).toBeUndefined();
    expect(sniffFormat(new Uint8Array(0), 0)).toBeUndefined();
  });

  it('a CSV cut inside a character by the end of what was read is still text; the same cut at the end of the file is not', () => {
    const cut = bytes('montant;région', [0xc3]);
    expect(sniffFormat(cut, cut.length + 100)).toBe('csv');
    expect(sniffFormat(cut, cut.length)).toBeUndefined();
  });
});

describe('sanitizeFilename: a name kept as metadata only', () => {
  it('keeps the last path part only, without control or bidi characters, in NFC', () => {
    expect(sanitizeFilename('../../etc/passwd.pdf', 'pdf')).toBe('passwd.pdf');
    expect(sanitizeFilename('C:\\Users\\x\\délibération.pdf', 'pdf')).toBe('délibération.pdf');
    expect(sanitizeFilename('budget\u0000.xlsx', 'xlsx')).toBe('budget.xlsx');
    expect(sanitizeFilename('facture\u202Efdp.exe', 'pdf')).toBe('facturefdp.exe.pdf');
    expect(sanitizeFilename('a\u2066b\u2069c.csv', 'csv')).toBe('abc.csv');
    expect(sanitizeFilename('de\u0301libe\u0301ration.pdf', 'pdf')).toBe('délibération.pdf');
    expect(sanitizeFilename('\ud800x.pdf', 'pdf')).toBe('\ufffdx.pdf');
  });

  it('ends with an extension of the format: another one is kept before it, none gets one', () => {
    expect(sanitizeFilename('notes.html', 'csv')).toBe('notes.html.csv');
    expect(sanitizeFilename('photo.JPG', 'jpeg')).toBe('photo.JPG');
    expect(sanitizeFilename('scan', 'png')).toBe('scan.png');
  });

  it('is never empty, never hidden, and at most 200 characters with its extension', () => {
    expect(sanitizeFilename('../', 'pdf')).toBe('document.pdf');
    expect(sanitizeFilename('\u0000\u202E', 'pdf')).toBe('document.pdf');
    expect(sanitizeFilename('.htaccess', 'csv')).toBe('htaccess.csv');
    const long = sanitizeFilename(`${'é'.repeat(1000)}.pdf`, 'pdf');
    expect([...long]).toHaveLength(MAX_FILENAME);
    expect(long.endsWith('é.pdf')).toBe(true);
    expect([...sanitizeFilename('😀'.repeat(300), 'pdf')]).toHaveLength(MAX_FILENAME);
  });
});

describe('judgeUpload: what counts as the document declared', () => {
  const [rule] = documentRulesOf({
    documents: [{ type: 'budget', side: 'any', label: { fr: 'Budget' }, formats: ['pdf', 'xlsx'], maxBytes: 1000, required: true }],
  }).documents;
  const pdf: StoredFile = { size: 500, contentType: 'application/pdf', head: bytes('%PDF-1.4'), scan: 'unscanned' };
  const declared = { contentType: 'application/pdf' };

  it('accepts a file of the declared format within the limit, unscanned or pending (checked again at download)', () => {
    expect(judgeUpload(declared, rule, pdf)).toEqual({ status: 'ACCEPTED', scan: 'unscanned' });
    expect(judgeUpload(declared, rule, { ...pdf, scan: 'pending' })).toEqual({ status: 'ACCEPTED', scan: 'pending' });
  });

  it('refuses, with its reason: a threat, an empty file, one over the limit, another content type, an executable named .pdf, a type the call dropped', () => {
    expect(judgeUpload(declared, rule, { ...pdf, scan: 'threat' })).toEqual({ status: 'REFUSED', reason: 'threat' });
    expect(judgeUpload(declared, rule, { ...pdf, size: 0, head: new Uint8Array(0) })).toEqual({ status: 'REFUSED', reason: 'empty' });
    expect(judgeUpload(declared, rule, { ...pdf, size: 1001 })).toEqual({ status: 'REFUSED', reason: 'too-large' });
    expect(judgeUpload(declared, rule, { ...pdf, contentType: 'text/html' })).toEqual({ status: 'REFUSED', reason: 'content-type' });
    expect(judgeUpload(declared, rule, { ...pdf, head: bytes('MZ', [0x90, 0]) })).toEqual({ status: 'REFUSED', reason: 'wrong-format' });
    expect(judgeUpload(declared, undefined, pdf)).toEqual({ status: 'REFUSED', reason: 'unknown-type' });
  });
});

describe('the documents a call requires', () => {
  it('old calls require none and allow 20 files; a document has 10 MB by default', () => {
    expect(documentRulesOf(aCall())).toEqual({ documents: [], maxDocuments: 20 });
    const call = aCall({ documents: [{ type: 'deliberation-fr', side: 'FR', label: { fr: 'Délibération' }, formats: ['pdf'], required: true }] });
    expect(documentRulesOf(call).documents[0]?.maxBytes).toBe(10 * 1024 * 1024);
  });

  it('the schema refuses a type twice, an unknown format, and reads a plain label as French', () => {
    const doc = { type: 'budget', side: 'any', label: 'Budget détaillé', formats: ['xlsx', 'ods', 'csv'], required: true };
    expect(callSchema.safeParse({ ...aCall(), documents: [doc] }).data?.documents?.[0]?.label).toEqual({ fr: 'Budget détaillé' });
    expect(callSchema.safeParse({ ...aCall(), documents: [doc, doc] }).success).toBe(false);
    expect(callSchema.safeParse({ ...aCall(), documents: [{ ...doc, formats: ['exe'] }] }).success).toBe(false);
  });

  it('each required document without an accepted file falls short: missing, refused, or never checked', () => {
    const required = [
      { type: 'a', required: true },
      { type: 'b', required: true },
      { type: 'c', required: true },
      { type: 'd', required: true },
      { type: 'optional', required: false },
    ];
    const files = [
      { type: 'b', status: 'REFUSED' as const },
      { type: 'c', status: 'UPLOADED' as const },
      { type: 'd', status: 'REFUSED' as const },
      { type: 'd', status: 'ACCEPTED' as const },
    ];
    expect(documentShortfalls(required, files)).toEqual([
      { type: 'a', problem: 'missing' },
      { type: 'b', problem: 'refused' },
      { type: 'c', problem: 'unchecked' },
    ]);
  });
});
