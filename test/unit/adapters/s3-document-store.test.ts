import { GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { attachmentDisposition, s3DocumentStore, SCAN_TAG, scanVerdict } from '../../../shared/adapters/s3-document-store.ts';
import { presignGet, s3DownloadLinks } from '../../../shared/adapters/s3-download-links.ts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const client = new S3Client({ region: 'eu-west-3', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });

describe('the S3 document store', () => {
  it('signs a POST policy with the exact key, the size range, the type and the redirect', async () => {
    const store = s3DocumentStore(client, 'coopfund-documents', { scanned: false });
    const { url, fields } = await store.presignUpload({
      key: 'applications/a/d',
      contentType: 'application/pdf',
      maxBytes: 10_485_760,
      expiresInSeconds: 900,
      redirect: 'https://coopfund.example.org/drafts/a/documents/d/complete?sig=x',
    });
    expect(url).toBe('https://coopfund-documents.s3.eu-west-3.amazonaws.com/');
    expect(fields).toMatchObject({
      key: 'applications/a/d',
      'Content-Type': 'application/pdf',
      success_action_redirect: expect.stringContaining('/complete?sig=x'),
    });
    const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString()) as { expiration: string; conditions: unknown[] };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, 10_485_760],
        { 'Content-Type': 'application/pdf' },
        { key: 'applications/a/d' },
        { bucket: 'coopfund-documents' },
        { success_action_redirect: 'https://coopfund.example.org/drafts/a/documents/d/complete?sig=x' },
      ]),
    );
    const lifetime = Date.parse(policy.expiration) - Date.now();
    expect(lifetime).toBeGreaterThan(890_000);
    expect(lifetime).toBeLessThanOrEqual(900_000);
    // Without a redirect (the script's fetch), S3 answers 201.
    const scripted = await store.presignUpload({ key: 'applications/a/d', contentType: 'text/csv', maxBytes: 10, expiresInSeconds: 60 });
    expect(scripted.fields.success_action_status).toBe('201');
    expect(scripted.fields.success_action_redirect).toBeUndefined();
  });

  it("reads GuardDuty's verdict where the stage scans: clean, threat, pending until tagged", async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 4, ContentType: 'application/pdf' });
    s3.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(Buffer.from('%PDF')) } } as never);
    const store = s3DocumentStore(client, 'coopfund-documents', { scanned: true });
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [{ Key: SCAN_TAG, Value: 'NO_THREATS_FOUND' }] });
    expect(await store.inspect('applications/a/d', 5)).toMatchObject({ size: 4, scan: 'clean', head: new Uint8Array(Buffer.from('%PDF')) });
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input.Range).toBe('bytes=0-3');
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [{ Key: SCAN_TAG, Value: 'THREATS_FOUND' }] });
    expect((await store.inspect('applications/a/d', 5))?.scan).toBe('threat');
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [{ Key: 'other', Value: 'x' }] });
    expect((await store.inspect('applications/a/d', 5))?.scan).toBe('pending');
    // Where nothing scans, the tags are not even read.
    s3.resetHistory();
    expect((await s3DocumentStore(client, 'coopfund-documents', { scanned: false }).inspect('applications/a/d', 5))?.scan).toBe('unscanned');
    expect(s3.commandCalls(GetObjectTaggingCommand)).toHaveLength(0);
  });

  it('never counts an object GuardDuty could not scan as clean', () => {
    expect(scanVerdict('NO_THREATS_FOUND')).toBe('clean');
    for (const status of ['THREATS_FOUND', 'UNSUPPORTED', 'ACCESS_DENIED', 'FAILED']) expect(scanVerdict(status)).toBe('threat');
    expect(scanVerdict(undefined)).toBe('pending');
  });
});

describe('download links without an S3 client', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+1=' };
  const signingDate = new Date('2027-03-04T05:06:07Z');
  const disposition = attachmentDisposition('Délibération (conseil) n°12.pdf');

  it.each([
    ['in AWS', undefined],
    ['locally, by path', 'http://127.0.0.1:4569'],
  ])('are the very URL the SDK presigner makes, %s', async (_, endpoint) => {
    const key = 'applications/app 1/doc+1';
    const sdk = new S3Client({ region: 'eu-west-3', credentials, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) });
    const expected = await getSignedUrl(sdk, new GetObjectCommand({ Bucket: 'coopfund-documents', Key: key, ResponseContentDisposition: disposition }), {
      expiresIn: 300,
      signingDate,
    });
    const ours = presignGet(
      { bucket: 'coopfund-documents', region: 'eu-west-3', credentials, ...(endpoint ? { endpoint } : {}), now: () => signingDate },
      key,
      {
        disposition,
        expiresInSeconds: 300,
      },
    );
    expect(new URL(ours).origin + new URL(ours).pathname).toBe(new URL(expected).origin + new URL(expected).pathname);
    expect(Object.fromEntries(new URL(ours).searchParams)).toEqual(Object.fromEntries(new URL(expected).searchParams));
  });

  it('refuse anything but a download link', async () => {
    const store = s3DownloadLinks({ bucket: 'coopfund-documents', region: 'eu-west-3', credentials });
    await expect(store.inspect('applications/a/d', 5)).rejects.toThrow(/only reads documents/);
    await expect(store.removeAll('applications/a/')).rejects.toThrow(/only reads documents/);
    expect(await store.presignDownload('applications/a/d', 'x.pdf', 60)).toMatch(
      /^https:\/\/coopfund-documents\.s3\.eu-west-3\.amazonaws\.com\/applications\/a\/d\?/,
    );
  });
});
