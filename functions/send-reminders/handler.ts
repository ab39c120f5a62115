import { Logger } from '@aws-lambda-powertools/logger';
import { dynamodb } from '../../shared/adapters/wire-dynamodb.ts';
import { emfMetrics } from '../../shared/adapters/emf-metrics.ts';
import { wirePorts } from '../../shared/adapters/wiring.ts';
import { ses } from '../../shared/adapters/wire-ses.ts';
import { secretSigner } from '../../shared/adapters/wire-signer.ts';
import { sendDeadlineReminders } from '../../shared/use-cases/send-reminders.ts';
import { countTask } from '../task-handler.ts';

const ports = wirePorts('send-reminders', { repository: dynamodb, mailer: ses, signer: secretSigner, metrics: emfMetrics });
const logger = new Logger({ persistentKeys: { task: 'send-reminders' } });

/**
 * The hourly sweep (an EventBridge scheduled rule): the deadline reminders due now. The event
 * carries nothing it needs (the time comes from the clock); a failure is retried by EventBridge,
 * and each email goes once whatever the number of runs.
 */
export const handler = async (): Promise<void> =>
  countTask(ports.metrics, 'send-reminders', async () => {
    try {
      const sent = await sendDeadlineReminders(ports);
      logger.info('sweep done', { ...sent });
    } catch (error) {
      logger.error('sweep failed', { errorName: error instanceof Error ? error.name : 'Error' });
      throw error;
    }
  });
