import '../api/env.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { realPorts, resetRealPorts } from '../../../shared/adapters/ports.ts';
import { dynamodb } from '../../../shared/adapters/wire-dynamodb.ts';
import { secretSigner } from '../../../shared/adapters/wire-signer.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { TEST_ENV } from '../api/env.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESClient);
afterEach(() => {
  ddb.reset();
  ses.reset();
  resetRealPorts();
  Object.assign(process.env, TEST_ENV);
});

describe('realPorts', () => {
  it('is built once per container from the environment', () => {
    const ports = realPorts({ repository: dynamodb });
    expect(realPorts({ repository: dynamodb })).toBe(ports);
    // Another handler in the same process (tests, the bench) gets its own wiring.
    expect(realPorts({ repository: dynamodb, signer: secretSigner })).not.toBe(ports);
    expect(ports.config).toMatchObject({ tableName: TEST_ENV.TABLE_NAME, adminEmails: ['secretariat@coopfund.example.org', 'ops@coopfund.example.org'] });
  });

  it('fails the cold start naming a missing variable', () => {
    delete process.env.TABLE_NAME;
    expect(() => realPorts()).toThrow(/TABLE_NAME/);
    process.env.TABLE_NAME = TEST_ENV.TABLE_NAME;
    delete process.env.STATE_MACHINE_ARN;
    expect(() => realPorts({ require: ['stateMachineArn'] })).toThrow(/STATE_MACHINE_ARN/);
  });

  it('adapters reach the configured table; a port is not a thenable', async () => {
    ddb.on(GetCommand).resolves({});
    const ports = realPorts({ repository: dynamodb });
    expect(await Promise.resolve(ports.repository)).toBe(ports.repository);
    expect(await ports.repository.getCall('2027-T1')).toBeUndefined();
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: TEST_ENV.TABLE_NAME, Key: keys.call('2027-T1'), ConsistentRead: true });
    expect(ses.calls()).toHaveLength(0);
  });

  it('signs with the configured secret', async () => {
    const ports = realPorts({ signer: secretSigner });
    const sig = await ports.signer.sign(['track', 'app-1']);
    expect(await ports.signer.verify(['track', 'app-1'], sig)).toBe(true);
    expect(await ports.signer.verify(['track', 'app-2'], sig)).toBe(false);
  });

  it('says plainly which port a function forgot to wire, and sends nothing', async () => {
    const ports = realPorts({ repository: dynamodb });
    await expect(ports.mailer.send({ to: ['a@example.org'], subject: 's', html: 'h', text: 't' })).rejects.toThrow(
      /mailer port is not wired/,
    );
    await expect(ports.signer.sign(['track', 'app-1'])).rejects.toThrow(/signer port is not wired/);
    expect(ses.calls()).toHaveLength(0);
  });
});
