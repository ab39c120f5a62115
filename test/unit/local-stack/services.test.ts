import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoCall, demoCoChairs, demoJointCall, demoReviewers, localRepository, seedDemo } from '../../../local/seed.ts';
import {
  ensureTable,
  localCredentials,
  localSigningSecret,
  readMailbox,
  signingSecretFile,
  startDynamo,
  startMailbox,
  startSecretsManager,
} from '../../../local/services.ts';
import type { MailboxEmail, RunningService } from '../../../local/services.ts';

const region = 'eu-west-3';
const table = {
  TableName: 'coopfund-local',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'S' as const },
    { AttributeName: 'gsi1pk', AttributeType: 'S' as const },
    { AttributeName: 'gsi1sk', AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
  BillingMode: 'PAY_PER_REQUEST' as const,
  GlobalSecondaryIndexes: [
    {
      IndexName: 'gsi1',
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' as const },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    },
  ],
  SSESpecification: { Enabled: true },
};

describe('local services', () => {
  let dataDir: string;
  const running: RunningService[] = [];
  const start = async <T extends RunningService>(service: Promise<T>) => {
    const s = await service;
    running.push(s);
    return s;
  };
  const stopAll = async () => {
    for (const s of running.splice(0).reverse()) await s.stop();
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coopfund-services-'));
  });
  afterEach(async () => {
    await stopAll();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the table and its data on disk across a restart, creating the table once', async () => {
    const first = await start(startDynamo({ dataDir }));
    expect(await ensureTable(first.url, region, table)).toBe('created');
    const { repository, close } = localRepository(first.url, region, table.TableName);
    await seedDemo(repository, new Date('2027-03-01T00:00:00Z'));
    close();
    await stopAll();

    const second = await start(startDynamo({ dataDir }));
    expect(await ensureTable(second.url, region, table)).toBe('exists');
    const reopened = localRepository(second.url, region, table.TableName);
    try {
      expect(await reopened.repository.getCall('DEMO-2027')).toMatchObject({ id: 'DEMO-2027', committed: 0 });
    } finally {
      reopened.close();
    }
  });

  it('seeds two calls open now (the joint dossier’s with both envelopes), three reviewers and both co-chairs each, and never overwrites them', async () => {
    const dynamo = await start(startDynamo({ dataDir }));
    await ensureTable(dynamo.url, region, table);
    const { repository, close } = localRepository(dynamo.url, region, table.TableName);
    try {
      const now = new Date('2027-06-15T10:00:00Z');
      const everything = ['call', 'roster', 'co-chairs'];
      expect(await seedDemo(repository, now)).toEqual({
        callId: 'DEMO-2027',
        created: everything,
        joint: { callId: 'DEMO-2027-CONJOINT', created: everything },
      });
      await repository.putRoster('DEMO-2027', [demoReviewers[0]!]); // an admin trimmed the roster

      expect(await seedDemo(repository, now)).toEqual({ callId: 'DEMO-2027', created: [], joint: { callId: 'DEMO-2027-CONJOINT', created: [] } });

      const call = await repository.getCall('DEMO-2027');
      expect(call).toMatchObject({ ...demoCall(now), committed: 0 });
      expect(Date.parse(call!.opensAt)).toBeLessThanOrEqual(now.getTime());
      expect(Date.parse(call!.closesAt)).toBeGreaterThan(now.getTime());
      expect(await repository.getRoster('DEMO-2027')).toHaveLength(1);
      expect((await repository.getCoChairs('DEMO-2027')).map((c) => c.side).sort()).toEqual(['FR', 'MA']);
      // The joint dossier's call: both envelopes, open as long as the first, with its own roster and co-chairs.
      const joint = await repository.getCall('DEMO-2027-CONJOINT');
      expect(joint).toMatchObject({ ...demoJointCall(now), committed: 0, committedMA: 0, opensAt: call!.opensAt, closesAt: call!.closesAt });
      expect(joint?.envelopes).toEqual({ FR: { amount: 400_000, currency: 'EUR' }, MA: { amount: 4_320_000, currency: 'MAD' } });
      expect(joint?.requirePartnerConfirmation).toBe(true);
      expect(await repository.getRoster('DEMO-2027-CONJOINT')).toHaveLength(3);
      expect((await repository.getCoChairs('DEMO-2027-CONJOINT')).map((c) => c.side).sort()).toEqual(['FR', 'MA']);
      expect(demoCoChairs.every((c) => c.email.endsWith('@example.org'))).toBe(true);
    } finally {
      close();
    }
  });

  it('collects every email SES sends in a mailbox that survives a restart', async () => {
    const file = join(dataDir, 'mailbox.json');
    const seen: MailboxEmail[] = [];
    const mailbox = await start(startMailbox({ persistFile: file, onEmail: (e) => seen.push(e) }));
    const ses = new SESClient({ endpoint: mailbox.url, region, credentials: localCredentials });
    await ses.send(
      new SendEmailCommand({
        Source: 'no-reply@example.org',
        Destination: { ToAddresses: ['a@example.org', 'b@example.org'] },
        Message: { Subject: { Data: 'Accusé de réception' }, Body: { Text: { Data: 'Bonjour' }, Html: { Data: '<p>Bonjour</p>' } } },
      }),
    );
    ses.destroy();

    expect(seen.map((e) => e.subject)).toEqual(['Accusé de réception']);
    const emails = await readMailbox(mailbox.url);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ destination: { to: ['a@example.org', 'b@example.org'] }, body: { text: 'Bonjour' } });
    await stopAll();
    expect(JSON.parse(await readFile(file, 'utf8')).emails).toHaveLength(1);

    const again = await start(startMailbox({ persistFile: file }));
    expect((await readMailbox(again.url)).map((e) => e.subject)).toEqual(['Accusé de réception']);
    expect(await (await fetch(`${again.url}/`)).text()).toContain('<html');
  });

  it('keeps one signing secret per data folder', async () => {
    const secret = await localSigningSecret(dataDir);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(await localSigningSecret(dataDir)).toBe(secret);
  });

  it("serves the signing secret through Secrets Manager's API, to the SDK as it is", async () => {
    const secret = await localSigningSecret(dataDir);
    const secretArn = 'arn:aws:secretsmanager:eu-west-3:000000000000:secret:SigningSecret-local0';
    const secrets = await start(startSecretsManager({ file: signingSecretFile(dataDir), secretArn }));
    const client = new SecretsManagerClient({ endpoint: secrets.url, region, credentials: localCredentials });
    try {
      expect(await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).toMatchObject({ ARN: secretArn, SecretString: secret });
      expect((await client.send(new GetSecretValueCommand({ SecretId: 'SigningSecret-local0' }))).SecretString).toBe(secret);
      const ring = JSON.stringify({ format: 'coopfund-key-ring', versions: [{ version: 1, secret }] });
      await client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: ring }));
      expect((await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString).toBe(ring);
      // What is written is what the next start serves, readable by its owner only.
      expect((await readFile(signingSecretFile(dataDir), 'utf8')).trim()).toBe(ring);
      expect((await stat(signingSecretFile(dataDir))).mode & 0o777).toBe(0o600);
      await expect(client.send(new GetSecretValueCommand({ SecretId: 'another' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await expect(client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: '' }))).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
    } finally {
      client.destroy();
    }
  });

  it('allows one mailbox per process', async () => {
    await start(startMailbox());
    await expect(startMailbox()).rejects.toThrow('already runs');
  });

  it('tells which port is taken', async () => {
    const dynamo = await start(startDynamo({ dataDir }));
    await expect(startDynamo({ dataDir: join(dataDir, 'other'), port: dynamo.port })).rejects.toThrow(/EADDRINUSE/);
    const client = new DynamoDBClient({ endpoint: dynamo.url, region, credentials: localCredentials });
    client.destroy();
  });
});
