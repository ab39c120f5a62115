import { Logger } from '@aws-lambda-powertools/logger';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { s3 } from '../../shared/adapters/wire-s3.ts';
import { wirePorts } from '../../shared/adapters/wiring.ts';
import { malwareScanEvent } from '../../shared/schemas/malware-scan-event.ts';
import { recordScan } from '../../shared/use-cases/record-scan.ts';

const ports = wirePorts('record-scan', { repository: dynamodb, documents: s3 });
const logger = new Logger({ persistentKeys: { task: 'record-scan' } });

/**
 * GuardDuty's result for an object of the documents' bucket (an EventBridge rule, where the stage
 * scans). What is no event of ours (another bucket, another shape, a key that names no document)
 * is logged and left: retrying it would change nothing. A failure of the table or of S3 throws,
 * and EventBridge invokes again (the record and the deletion are idempotent).
 */
export const handler = async (event: unknown): Promise<void> => {
  const parsed = malwareScanEvent.safeParse(event);
  if (!parsed.success) {
    logger.warn('not a scan result', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
    return;
  }
  const { bucketName, objectKey } = parsed.data.detail.s3ObjectDetails;
  if (bucketName !== ports.config.documentsBucket) {
    logger.warn('scan result of another bucket', { bucketName });
    return;
  }
  const result = parsed.data.detail.scanResultDetails?.scanResultStatus;
  const outcome = await recordScan(ports, { key: objectKey, result });
  if (outcome.outcome === 'unknown-key') {
    logger.warn('scan result of no document', { objectKey: outcome.key.slice(0, 200), result });
    return;
  }
  const { applicationId, documentId, verdict, draft, application, removed } = outcome;
  logger.info('scan recorded', { applicationId, documentId, verdict, result, draft, application, removed });
};
