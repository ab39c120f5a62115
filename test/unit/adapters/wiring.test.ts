import '../api/env.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { resetWiring, wirePorts } from '../../../shared/adapters/wiring.ts';
import { dynamodb } from '../../../shared/adapters/wire-dynamodb.ts';
import { ses as sesMailer } from '../../../shared/adapters/wire-ses.ts';
import { stepFunctions } from '../../../shared/adapters/wire-sfn.ts';
import { secretSigner } from '../../../shared/adapters/wire-signer.ts';
import { s3Reader } from '../../../shared/adapters/wire-s3-reader.ts';
import { emfMetrics } from '../../../shared/adapters/emf-metrics.ts';
import { keys } from '../../../shared/adapters/table-keys.ts';
import { TEST_ENV } from '../api/env.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESClient);
afterEach(() => {
  ddb.reset();
  ses.reset();
  resetWiring();
  Object.assign(process.env, TEST_ENV);
});

describe('wirePorts', () => {
  it('is built once per container from the environment', () => {
    const ports = wirePorts('list-calls', { repository: dynamodb });
    expect(wirePorts('list-calls', { repository: dynamodb })).toBe(ports);
    // Another handler in the same process (tests, the bench) gets its own wiring.
    expect(wirePorts('show-task', { repository: dynamodb, signer: secretSigner, documents: s3Reader })).not.toBe(ports);
    expect(ports.config).toMatchObject({ tableName: TEST_ENV.TABLE_NAME, adminEmails: ['secretariat@coopfund.example.org', 'ops@coopfund.example.org'] });
  });

  it('fails the cold start naming a missing variable', () => {
    delete process.env.TABLE_NAME;
    expect(() => wirePorts('health', {})).toThrow(/TABLE_NAME/);
    process.env.TABLE_NAME = TEST_ENV.TABLE_NAME;
    // What the declaration implies is required: a function that starts executions needs the ARN…
    delete process.env.STATE_MACHINE_ARN;
    expect(() =>
      wirePorts('submit-application', { repository: dynamodb, mailer: sesMailer, signer: secretSigner, workflow: stepFunctions, metrics: emfMetrics }),
    ).toThrow(/STATE_MACHINE_ARN/);
    expect(() => wirePorts('decide-task', { repository: dynamodb, signer: secretSigner, workflow: stepFunctions, metrics: emfMetrics })).not.toThrow();
    // …and one that emails links, the public base URL.
    delete process.env.BASE_URL;
    expect(() => wirePorts('request-review', { repository: dynamodb, mailer: sesMailer, signer: secretSigner, metrics: emfMetrics })).toThrow(/BASE_URL/);
    expect(() => wirePorts('notify-admins', { repository: dynamodb, mailer: sesMailer, metrics: emfMetrics })).not.toThrow();
    resetWiring();
    // …and one that writes metrics, their namespace.
    delete process.env.POWERTOOLS_METRICS_NAMESPACE;
    expect(() => wirePorts('notify-admins', { repository: dynamodb, mailer: sesMailer, metrics: emfMetrics })).toThrow(/POWERTOOLS_METRICS_NAMESPACE/);
    expect(() => wirePorts('list-calls', { repository: dynamodb })).not.toThrow();
    // …and one that keeps documents, their bucket.
    delete process.env.DOCUMENTS_BUCKET;
    expect(() => wirePorts('show-task', { repository: dynamodb, signer: secretSigner, documents: s3Reader })).toThrow(/DOCUMENTS_BUCKET/);
  });

  it('adapters reach the configured table; a port is not a thenable', async () => {
    ddb.on(GetCommand).resolves({});
    const ports = wirePorts('list-calls', { repository: dynamodb });
    expect(await Promise.resolve(ports.repository)).toBe(ports.repository);
    expect(await ports.repository.getCall('2027-T1')).toBeUndefined();
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: TEST_ENV.TABLE_NAME, Key: keys.call('2027-T1'), ConsistentRead: true });
    expect(ses.calls()).toHaveLength(0);
  });

  it('signs with the configured secret', async () => {
    const ports = wirePorts('show-task', { repository: dynamodb, signer: secretSigner, documents: s3Reader });
    const { mac, version } = await ports.signer.sign(['track', 'app-1']);
    const key = { version, now: new Date(), accept: 'grace' } as const;
    expect(await ports.signer.macFor(['track', 'app-1'], key)).toBe(mac);
    expect(await ports.signer.macFor(['track', 'app-2'], key)).not.toBe(mac);
  });

  it('takes exactly the adapters the declaration names', () => {
    // @ts-expect-error: list-calls declares the repository only
    expect(() => wirePorts('list-calls', { repository: dynamodb, mailer: sesMailer })).not.toThrow();
    // @ts-expect-error: show-task declares the signer too
    expect(() => wirePorts('show-task', { repository: dynamodb })).not.toThrow();
  });

  it('says plainly which port a function forgot to wire, and sends nothing', async () => {
    const ports = wirePorts('show-form', { repository: dynamodb });
    await expect(ports.mailer.send({ to: ['a@example.org'], subject: 's', html: 'h', text: 't' })).rejects.toThrow(/mailer port is not wired/);
    await expect(ports.signer.sign(['track', 'app-1'])).rejects.toThrow(/signer port is not wired/);
    expect(() => ports.metrics.count('ApplicationsSubmitted')).toThrow(/metrics port is not wired/);
    expect(ses.calls()).toHaveLength(0);
  });
});
