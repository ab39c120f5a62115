import { describe, expect, it } from 'vitest';
import { startAdminEnv } from './support.ts';

describe('a local stack with no S3 recorded', () => {
  it('says so before a purge changes anything', async () => {
    const bare = await startAdminEnv();
    try {
      await bare.seed('no-s3', 'REJECTED');
      const result = await bare.cli('purge', '--closed-before', '2025-06-01');
      expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining('the local stack records no S3 endpoint for the documents') });
      expect((await bare.repository.getApplication('no-s3'))?.personalDataPurgedAt).toBeUndefined();
      expect(await bare.cli('purge', '--closed-before', '2025-06-01', '--dry-run')).toMatchObject({ code: 0 });
    } finally {
      await bare.stop();
    }
  });
});
