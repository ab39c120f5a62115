import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localFolder } from '../../admin/files.ts';
import type { AdminDocumentStore, DocumentDownload } from '../../admin/use-cases/context.ts';
import { fetchDocuments, localFileName } from '../../admin/use-cases/documents.ts';
import { exportRow } from '../../admin/use-cases/export-call.ts';
import { purgePersonalData } from '../../admin/use-cases/purge.ts';
import type { ApplicationRecord } from '../../shared/domain/application.ts';
import { type DraftDocument, documentKey } from '../../shared/domain/documents.ts';
import { anApplicationRecord } from '../fixtures/domain.ts';
import { FakeClock } from '../fixtures/fake-ports.ts';
import { MemoryDocumentStore } from '../fixtures/memory-documents.ts';
import { MemoryRepository } from '../fixtures/memory-repository.ts';
import { pastCall } from './support.ts';

/** The functions' in-memory store, and what the CLI adds to it: reading an object whole. */
class MemoryAdminDocuments extends MemoryDocumentStore implements AdminDocumentStore {
  async download(key: string): Promise<DocumentDownload | undefined> {
    const object = this.objects.get(key);
    if (!object) return undefined;
    const bytes = object.bytes;
    return {
      size: bytes.length,
      body: (async function* () {
        // In two parts, as a network read arrives.
        yield bytes.subarray(0, 3);
        yield bytes.subarray(3);
      })(),
    };
  }
}

const PDF = (text: string) => new TextEncoder().encode(`%PDF-1.7\n${text}`);
const ID = 'app-docs';

let n = 0;
function aDocument(overrides: Partial<DraftDocument> = {}): DraftDocument {
  n += 1;
  return {
    documentId: `doc-${String(n).padStart(3, '0')}`,
    type: 'deliberation-fr',
    filename: `deliberation-${n}.pdf`,
    contentType: 'application/pdf',
    size: 20,
    status: 'ACCEPTED',
    scan: 'unscanned',
    by: 'lead',
    uploadedAt: `2025-02-01T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
    checkedAt: '2025-02-01T10:01:00.000Z',
    ...overrides,
  };
}

let folder: string;
let repository: MemoryRepository;
let documents: MemoryAdminDocuments;

/** An application with `docs`, each one's object stored (`stored: false` to leave it out). */
async function anApplicationWith(docs: Array<DraftDocument & { stored?: boolean }>, id = ID, overrides: Partial<ApplicationRecord> = {}) {
  const app = anApplicationRecord({ id, callId: pastCall.id, documents: docs.map(({ stored: _s, ...d }) => d), ...overrides });
  await repository.createApplication(app, { at: app.updatedAt, status: app.status, actor: 'applicant' });
  for (const d of docs) if (d.stored !== false) documents.putDirectly(documentKey(id, d.documentId), PDF(d.documentId), d.contentType);
  return app;
}

const fetchTo = async (replace = false) => fetchDocuments({ repository, documents }, { applicationId: ID, folder: await localFolder(folder, '/'), replace });

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'coopfund-fetch-'));
  repository = new MemoryRepository();
  await repository.putCall(pastCall);
  documents = new MemoryAdminDocuments();
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('applications documents (fetch to a folder)', () => {
  it('writes every accepted document byte for byte, under its name, and no refused or unchecked upload', async () => {
    const accepted = [aDocument({ filename: 'délibération du conseil.pdf' }), aDocument({ type: 'budget-sheet', filename: 'budget.pdf' })];
    await anApplicationWith([...accepted, aDocument({ status: 'REFUSED', reason: 'wrong-format' }), aDocument({ status: 'UPLOADED' })]);

    const result = await fetchTo();

    expect(result.documents.map((d) => [d.file, d.type, d.outcome])).toEqual([
      ['délibération du conseil.pdf', 'deliberation-fr', 'written'],
      ['budget.pdf', 'budget-sheet', 'written'],
    ]);
    expect(result.notAccepted).toBe(2);
    expect((await readdir(folder)).sort()).toEqual(['budget.pdf', 'délibération du conseil.pdf']);
    expect(await readFile(join(folder, 'délibération du conseil.pdf'))).toEqual(Buffer.from(PDF(accepted[0]!.documentId)));
    expect(await readFile(join(folder, 'budget.pdf'))).toEqual(Buffer.from(PDF(accepted[1]!.documentId)));
  });

  it('never overwrites a file already in the folder, unless asked to replace it', async () => {
    const [doc] = [aDocument({ filename: 'budget.pdf' })];
    await anApplicationWith([doc!]);
    await writeFile(join(folder, 'budget.pdf'), 'my own notes');

    const kept = await fetchTo();
    expect(kept.documents).toMatchObject([{ file: 'budget.pdf', outcome: 'kept' }]);
    expect(await readFile(join(folder, 'budget.pdf'), 'utf8')).toBe('my own notes');

    const replaced = await fetchTo(true);
    expect(replaced.documents).toMatchObject([{ file: 'budget.pdf', outcome: 'written' }]);
    expect(await readFile(join(folder, 'budget.pdf'))).toEqual(Buffer.from(PDF(doc!.documentId)));
    // No temporary file left beside it.
    expect(await readdir(folder)).toEqual(['budget.pdf']);
  });

  it('gives two documents of the same name two files', async () => {
    await anApplicationWith([aDocument({ filename: 'Lettre.pdf' }), aDocument({ filename: 'lettre.PDF' }), aDocument({ filename: 'lettre.pdf' })]);
    const result = await fetchTo();
    expect(result.documents.map((d) => d.file)).toEqual(['Lettre.pdf', 'lettre (2).PDF', 'lettre (3).pdf']);
    expect(await readdir(folder)).toHaveLength(3);
  });

  it('reads the scan again where the stage scans: a file flagged since, or not scanned yet, is skipped', async () => {
    const [clean, flagged, pending, gone] = [
      aDocument({ scan: 'clean', filename: 'clean.pdf' }),
      aDocument({ scan: 'clean', filename: 'flagged.pdf' }),
      aDocument({ scan: 'pending', filename: 'pending.pdf' }),
      aDocument({ scan: 'unscanned', filename: 'gone.pdf' }),
    ];
    await anApplicationWith([clean!, flagged!, pending!, { ...gone!, stored: false }]);
    documents.scans.set(documentKey(ID, clean!.documentId), 'clean');
    documents.scans.set(documentKey(ID, flagged!.documentId), 'threat');
    documents.scans.set(documentKey(ID, pending!.documentId), 'pending');

    const result = await fetchTo();

    expect(result.documents.map((d) => [d.file, d.outcome, d.reason])).toEqual([
      ['clean.pdf', 'written', undefined],
      ['flagged.pdf', 'skipped', 'threat'],
      ['pending.pdf', 'skipped', 'scan-pending'],
      ['gone.pdf', 'skipped', 'missing'],
    ]);
    expect(await readdir(folder)).toEqual(['clean.pdf']);
  });

  it('refuses an unknown application', async () => {
    await expect(fetchTo()).rejects.toThrow(/application app-docs not found/);
  });
});

describe('the local name of a document', () => {
  const named = (filename: string, contentType = 'application/pdf') => localFileName({ filename, contentType });

  it('keeps a clean name as it is', () => {
    expect(named('Délibération n°12 — conseil municipal.pdf')).toBe('Délibération n°12 — conseil municipal.pdf');
    expect(named('مداولة المجلس.pdf')).toBe('مداولة المجلس.pdf');
  });

  it('removes what a file system refuses, even from a record older than the upload rules', () => {
    expect(named('../../etc/passwd.pdf')).toBe('passwd.pdf');
    expect(named('budget: 2025 <v2>?.pdf')).toBe('budget_ 2025 _v2__.pdf');
    expect(named('a\u202eexe.pdf')).toBe('aexe.pdf');
    expect(named('CON.pdf')).toBe('_CON.pdf');
    expect(named('lpt1.csv', 'text/csv')).toBe('_lpt1.csv');
    expect(named('notes.html', 'text/csv')).toBe('notes.html.csv');
  });

  it('fits in 255 bytes, cut between characters, the extension kept', () => {
    const arabic = named(`${'م'.repeat(199)}.pdf`);
    expect(Buffer.byteLength(arabic)).toBeLessThanOrEqual(255);
    expect(arabic).toMatch(/^م+\.pdf$/);
    const twice = localFileName({ filename: `${'م'.repeat(199)}.pdf`, contentType: 'application/pdf' }, new Set([arabic.toLowerCase()]));
    expect(Buffer.byteLength(twice)).toBeLessThanOrEqual(255);
    expect(twice).toMatch(/^م+ \(2\)\.pdf$/);
  });
});

describe('the export and the purge with documents', () => {
  it('exports the names of the accepted documents, and their count', () => {
    const app = anApplicationRecord({
      documents: [
        aDocument({ filename: 'deliberation.pdf' }),
        aDocument({ status: 'REFUSED', filename: 'virus.pdf' }),
        aDocument({ filename: 'budget; v2.pdf' }),
      ],
    });
    expect(exportRow(app, pastCall).documents).toEqual(['deliberation.pdf', 'budget; v2.pdf']);
    expect(exportRow(anApplicationRecord(), pastCall).documents).toEqual([]);
  });

  it('deletes the objects of a purged application, and only its own; a dry run deletes nothing', async () => {
    const closed = '2025-02-01T12:00:00.000Z';
    await anApplicationWith([aDocument(), aDocument({ status: 'REFUSED' })], 'closed-app', { status: 'REJECTED', updatedAt: closed });
    await anApplicationWith([aDocument()], 'open-app');
    const ports = { repository, documents, clock: new FakeClock('2025-09-01T00:00:00.000Z') };

    const dry = await purgePersonalData(ports, { closedBefore: new Date('2025-06-01'), dryRun: true });
    expect(dry.purged.map((p) => p.id)).toEqual(['closed-app']);
    expect(documents.objects.size).toBe(3);

    const done = await purgePersonalData(ports, { closedBefore: new Date('2025-06-01') });
    expect(done.purged).toMatchObject([{ id: 'closed-app', objectsDeleted: 2 }]);
    expect([...documents.objects.keys()]).toEqual([expect.stringMatching(/^applications\/open-app\//)]);
    // The list of what was filed stays on the record.
    expect((await repository.getApplication('closed-app'))?.documents).toHaveLength(2);
  });
});
