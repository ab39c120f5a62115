import { describe, expect, it } from 'vitest';
import type { DraftDocument } from '../../../shared/domain/documents.ts';
import { textsFor } from '../../../shared/i18n/index.ts';
import { taskLink } from '../../../shared/links/links.ts';
import { decisionPage } from '../../../shared/pages/task-pages.ts';
import { trackingPage } from '../../../shared/pages/tracking-page.ts';
import { showTask } from '../../../shared/use-cases/show-task.ts';
import { trackApplication, trackApplicationPage } from '../../../shared/use-cases/track-application.ts';
import { trackingToken } from '../../../shared/links/links.ts';
import { aCall, aTask } from '../../fixtures/domain.ts';
import { MemoryDocumentStore } from '../../fixtures/memory-documents.ts';
import { anApplication, setup } from '../use-cases/fakes.ts';

const doc = (documentId: string, type: string, filename: string, overrides: Partial<DraftDocument>): DraftDocument => ({
  documentId,
  type,
  filename,
  contentType: 'application/pdf',
  size: 250_000,
  status: 'ACCEPTED',
  by: 'lead',
  uploadedAt: `2027-03-0${documentId.slice(-1)}T08:00:00.000Z`,
  ...overrides,
});

const DOCUMENTS = [
  doc('d1', 'deliberation-fr', 'délibération-conseil.pdf', { scan: 'clean' }),
  doc('d2', 'deliberation-ma', 'مداولة-المجلس.pdf', { scan: 'pending' }),
  doc('d3', 'budget', 'budget.pdf', { status: 'REFUSED', reason: 'threat' }),
  doc('d4', 'letters', 'lettres.pdf', { status: 'REFUSED', reason: 'wrong-format' }),
];

const callWithDocuments = aCall({
  id: 'call-docs',
  documents: [
    { type: 'deliberation-fr', side: 'FR', label: { fr: 'Délibération du conseil (France)', ar: 'مداولة المجلس (فرنسا)' }, formats: ['pdf'], required: true },
    { type: 'deliberation-ma', side: 'MA', label: { fr: 'Délibération du conseil (Maroc)', ar: 'مداولة المجلس (المغرب)' }, formats: ['pdf'], required: true },
    { type: 'budget', side: 'any', label: { fr: 'Budget détaillé', ar: 'الميزانية المفصلة' }, formats: ['pdf', 'xlsx'], required: true },
    { type: 'letters', side: 'any', label: { fr: 'Lettres d’engagement', ar: 'رسائل الالتزام' }, formats: ['pdf'], required: false },
  ],
});

async function world(scanned = true, documentsOfApp: DraftDocument[] = DOCUMENTS) {
  const { repository, signer, clock } = await setup('2027-04-02T08:00:00.000Z');
  await repository.putCall(callWithDocuments);
  const app = anApplication({ id: 'app-docs', callId: 'call-docs', status: 'IN_REVIEW', documents: documentsOfApp });
  await repository.createApplication(app, { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' });
  const task = aTask({ id: 'task-docs', applicationId: 'app-docs', expiresAt: '2027-04-20T00:00:00.000Z' });
  await repository.putTask(task);
  const sig = new URL(await taskLink(signer, 'https://fonds.example.org', task, task.recipients[0]!)).searchParams.get('sig') ?? undefined;
  const documents = new MemoryDocumentStore();
  const model = await showTask({ repository, signer, clock, documents, scanned }, { taskId: task.id, sig });
  return { repository, signer, model, documents };
}

const frame = (lang: 'fr' | 'ar') => ({ t: textsFor(lang), contact: 'secretariat@coopfund.example.org' });
const links = (page: string) => [...page.matchAll(/<a href="(https:\/\/documents\.example\.test[^"]*)" download>/g)].map((m) => m[1]);

describe('the decision page lists the documents', () => {
  it('with a link, made now, short-lived, for the accepted and clean one only', async () => {
    const { model } = await world();
    expect(model.documents.map((d) => d.access)).toEqual(['download', 'scanning', 'refused', 'refused']);
    const [clean] = model.documents;
    expect(clean?.access === 'download' && clean.url).toContain('applications/app-docs/d1');
    expect(clean?.access === 'download' && clean.url).toContain(`expires=${5 * 60}`);
    expect(model.downloadExpirySeconds).toBeLessThanOrEqual(15 * 60);
  });

  it('in French: the call’s labels, each state in words, one link', async () => {
    const page = decisionPage((await world()).model, frame('fr'));
    expect(links(page)).toHaveLength(1);
    expect(links(page)[0]).toContain('filename=d%C3%A9lib%C3%A9ration-conseil.pdf');
    for (const text of [
      'Délibération du conseil (France)',
      'Analyse antivirus en cours',
      'Refusée : L’analyse antivirus a signalé ce fichier',
      'Refusée : Le contenu du fichier ne correspond pas à son format annoncé (PDF).',
      'Les liens de téléchargement valent 5 minutes',
      '<bdi>مداولة-المجلس.pdf</bdi>',
    ])
      expect(page).toContain(text);
  });

  it('in Arabic: the same, in Arabic', async () => {
    const page = decisionPage((await world()).model, frame('ar'));
    expect(links(page)).toHaveLength(1);
    expect(page).toContain('مداولة المجلس (فرنسا)');
    expect(page).toContain('الفحص بمضاد الفيروسات جارٍ');
    expect(page).toContain('روابط التنزيل صالحة لمدة 5 دقائق');
  });

  it('where the stage scans nothing, an unscanned accepted file is offered and said not scanned; where it scans, it is not', async () => {
    const unscanned = [doc('d1', 'budget', 'budget.pdf', { scan: 'unscanned' })];
    for (const [scanned, access] of [
      [false, 'download'],
      [true, 'scanning'],
    ] as const) {
      const { model } = await world(scanned, unscanned);
      expect(model.documents[0]?.access).toBe(access);
      if (!scanned) expect(decisionPage(model, frame('fr'))).toContain('Non analysée par un antivirus.');
    }
  });
});

describe('the tracking page and JSON list the documents: names and statuses, no key, no link', () => {
  it('JSON', async () => {
    const { repository, signer } = await world();
    const token = await trackingToken(signer, 'app-docs');
    const view = await trackApplication({ repository, signer }, { id: 'app-docs', token });
    expect(view.documents).toEqual([
      { type: 'deliberation-fr', filename: 'délibération-conseil.pdf', size: 250_000, status: 'ACCEPTED' },
      { type: 'deliberation-ma', filename: 'مداولة-المجلس.pdf', size: 250_000, status: 'ACCEPTED' },
      { type: 'budget', filename: 'budget.pdf', size: 250_000, status: 'REFUSED', reason: 'threat' },
      { type: 'letters', filename: 'lettres.pdf', size: 250_000, status: 'REFUSED', reason: 'wrong-format' },
    ]);
    expect(JSON.stringify(view)).not.toMatch(/applications\/app-docs\/d|documentId|scan/);
  });

  it.each(['fr', 'ar'] as const)('page (%s)', async (lang) => {
    const { repository, signer } = await world();
    const token = await trackingToken(signer, 'app-docs');
    const page = trackingPage(await trackApplicationPage({ repository, signer }, { id: 'app-docs', token }), frame(lang));
    expect(page).toContain(textsFor(lang).documentList.heading);
    expect(page).toContain(lang === 'fr' ? 'Budget détaillé' : 'الميزانية المفصلة');
    expect(page).toContain('<bdi>lettres.pdf</bdi>');
    expect(page).not.toMatch(/<a href="[^"]*(documents\.example|X-Amz)/);
  });
});
