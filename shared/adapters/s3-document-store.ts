import {
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { scanVerdictOf } from '../domain/malware-scan.ts';
import type { DocumentStore, StoredObject } from '../ports/index.ts';
import { attachmentDisposition } from './s3-document-attachment.ts';

export { attachmentDisposition };

/** The tag GuardDuty Malware Protection for S3 puts on each object it scanned. */
export const SCAN_TAG = 'GuardDutyMalwareScanStatus';

/** A scan's tag value as the port's verdict (shared/domain/malware-scan.ts: fail closed). */
export function scanVerdict(tag: string | undefined): StoredObject['scan'] {
  return scanVerdictOf(tag);
}

/** S3 answers 404 to a HEAD with no body: the SDK names it `NotFound`, a GET `NoSuchKey`. */
const isMissing = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

/** DeleteObjects takes at most 1,000 keys a request; ListObjectVersions pages by as many (`pageSize`: tests). */
const PAGE = 1000;

/**
 * The documents in an S3 bucket. Uploads never pass through the function: it signs a POST policy
 * that S3 enforces (exact key, size range, content type, expiry) and the browser posts the file
 * to S3 itself. `scanned`: GuardDuty Malware Protection tags each object of the bucket with its
 * verdict (the stage's `malwareScan`); otherwise every object is `unscanned`.
 */
export function s3DocumentStore(client: S3Client, bucket: string, options: { scanned: boolean; pageSize?: number }): DocumentStore {
  const pageSize = options.pageSize ?? PAGE;
  /** Every version and delete marker under `prefix` (exactly `key` when `exact`), page by page. */
  async function deleteVersions(prefix: string, exact: boolean): Promise<number> {
    let deleted = 0;
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await client.send(
        new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, MaxKeys: pageSize, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
      );
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
        .filter((v) => v.Key !== undefined && (!exact || v.Key === prefix))
        .map((v) => ({ Key: v.Key as string, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }));
      for (let i = 0; i < objects.length; i += PAGE) {
        const batch = objects.slice(i, i + PAGE);
        const result = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
        const failed = result.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0];
          throw new Error(`S3 did not delete ${failed.length} version(s) under ${prefix}: ${first?.Key} ${first?.Code} ${first?.Message}`);
        }
        deleted += batch.length;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
    return deleted;
  }

  return {
    async presignUpload({ key, contentType, maxBytes, expiresInSeconds, redirect }) {
      const outcome: Record<string, string> = redirect ? { success_action_redirect: redirect } : { success_action_status: '201' };
      const { url, fields } = await createPresignedPost(client, {
        Bucket: bucket,
        Key: key,
        // Each field becomes an exact condition of the policy, the key and the bucket too.
        Fields: { 'Content-Type': contentType, ...outcome },
        Conditions: [['content-length-range', 1, maxBytes]],
        Expires: expiresInSeconds,
      });
      return { url, fields };
    },

    async inspect(key, bytes) {
      let head: { ContentLength?: number; ContentType?: string };
      try {
        head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      const size = head.ContentLength ?? 0;
      let first: Uint8Array = new Uint8Array();
      if (size > 0 && bytes > 0) {
        try {
          const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${Math.min(bytes, size) - 1}` }));
          first = got.Body ? await got.Body.transformToByteArray() : first;
        } catch (error) {
          // Deleted between the two calls: there is nothing any more.
          if (isMissing(error)) return undefined;
          throw error;
        }
      }
      let scan: StoredObject['scan'] = 'unscanned';
      if (options.scanned) {
        const { TagSet } = await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
        scan = scanVerdict(TagSet?.find((t) => t.Key === SCAN_TAG)?.Value);
      }
      return { size, contentType: head.ContentType, head: first.slice(0, bytes), scan };
    },

    presignDownload(key, filename, expiresInSeconds) {
      const command = new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: attachmentDisposition(filename) });
      return getSignedUrl(client, command, { expiresIn: expiresInSeconds });
    },

    async remove(key) {
      await deleteVersions(key, true);
    },

    async removeAll(prefix) {
      if (prefix.length === 0) throw new Error('removeAll needs a prefix: it never empties the whole bucket');
      return deleteVersions(prefix, false);
    },
  };
}
