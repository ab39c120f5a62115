import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../admin/cli.ts';
import type { Io } from '../../admin/command.ts';
import type { DescribeStack } from '../../admin/target.ts';
import { writeDiscovery } from '../../local/discovery.ts';
import { type LocalS3, startS3 } from '../../local/s3.ts';
import { closeServer, readMailbox, signingSecretFile, startMailbox, startSecretsManager, type MailboxEmail } from '../../local/services.ts';
import { dynamoRepository } from '../../shared/adapters/dynamodb-repository.ts';
import type { ApplicationRecord } from '../../shared/domain/application.ts';
import { hmacSigner } from '../../shared/links/signing.ts';
import type { Repository } from '../../shared/ports/index.ts';
import type { Call, CoChair, Reviewer } from '../../shared/schemas/call.ts';
import { committeeOutcome } from '../../shared/schemas/decisions.ts';
import { assignReviewer } from '../../shared/use-cases/assign-reviewer.ts';
import { awardGrant } from '../../shared/use-cases/award-grant.ts';
import { checkEligibility } from '../../shared/use-cases/check-eligibility.ts';
import { notifyApplicants } from '../../shared/use-cases/notify-applicants.ts';
import { recordOutcome } from '../../shared/use-cases/record-outcome.ts';
import { recordReview } from '../../shared/use-cases/record-review.ts';
import { requestChanges } from '../../shared/use-cases/request-changes.ts';
import { requestDecision } from '../../shared/use-cases/request-decision.ts';
import type { TaskPorts } from '../../shared/use-cases/workflow-support.ts';
import { aCall, aCommune, anApplicationRecord, aProject, aRoster, someCoChairs, THEMES } from '../fixtures/domain.ts';
import { FakeClock, FakeMailer } from '../fixtures/fake-ports.ts';
import { startDynaliteTable, type DynaliteTable } from '../fixtures/dynalite-table.ts';

/**
 * A real local environment for the admin CLI, without the whole local stack: dynalite with the
 * project's table, aws-ses-v2-local as SES (its mailbox), a stub Step Functions endpoint that
 * records StartExecution, and the `stack.json` that `npm start` writes, in a temporary DATA_DIR.
 * The CLI finds all of it as it finds a local stack. Applications are brought to each status by
 * the workflow's own use cases, so the CLI works on the records production writes. With `s3`, the
 * local stack's S3 (s3rver behind its POST-policy checker) serves the documents' bucket too.
 */

export const SECRET = 'an-admin-test-signing-secret-of-32-characters';
export const BASE_URL = 'http://localhost:3999';
export const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-3:000000000000:stateMachine:Workflow';
export const ADMIN = 'admins@coopfund.localhost';
export const SIGNING_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-3:000000000000:secret:SigningSecret-local0';
export const DOCUMENTS_BUCKET = 'coopfund-local-documents';

/** A call of the past: applications closed in it can be purged. */
export const pastCall: Call = aCall({
  id: '2025-T1',
  title: { fr: 'Appel à projets 2025 — tranche 1' },
  opensAt: '2024-12-15T00:00:00.000Z',
  closesAt: '2025-03-31T23:59:59.000Z',
  themes: [THEMES.eau, THEMES.patrimoine],
});

export const roster: Reviewer[] = aRoster(['DAECT', 'DGCT']);
export const coChairs: CoChair[] = someCoChairs({ FR: 'Hélène Mercier', MA: 'Karim Bennani' });

export const LEAD = 'lea.bernard@lyon.example.fr';
export const PARTNER = 'omar.benali@chefchaouen.example.ma';

export function anApplication(id: string, overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return anApplicationRecord({
    id,
    callId: pastCall.id,
    createdAt: '2025-02-01T10:00:00.000Z',
    updatedAt: '2025-02-01T10:00:00.000Z',
    project: aProject({
      title: 'Eau potable pour la médina',
      summary: 'Réhabilitation du réseau d’eau potable de la médina, avec Mme Léa Bernard.',
      startDate: '2025-09-01',
    }),
    leadAuthority: aCommune('FR', 'Ville de Lyon', { name: 'Léa Bernard', email: LEAD, phone: '+33 4 72 10 30 30' }),
    partnerAuthority: aCommune('MA', 'جماعة شفشاون — Commune de Chefchaouen', { name: 'Omar Benali', email: PARTNER }),
    ...overrides,
  });
}

export const favorable = { decision: 'favorable' as const, relevance: 4, feasibility: 3, partnership: 5, impact: 4, comment: '' };

export type Stop =
  | 'SUBMITTED'
  | 'IN_REVIEW'
  | 'CHANGES_REQUESTED'
  | 'IN_COMMITTEE'
  | 'APPROVED'
  | 'REJECTED'
  | 'ERROR_IN_REVIEW'
  | 'ERROR_IN_COMMITTEE'
  | 'ERROR_SUBMITTED'
  | 'INELIGIBLE'
  | 'WITHDRAWN';

/** A Step Functions endpoint that only records StartExecution (names unique, like the real one). */
export interface StubSfn {
  url: string;
  started: Array<{ stateMachineArn: string; name: string; input: string }>;
  stop(): Promise<void>;
}

export async function startStubSfn(): Promise<StubSfn> {
  const started: StubSfn['started'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { stateMachineArn: string; name: string; input: string };
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(payload));
      };
      if (target !== 'AWSStepFunctions.StartExecution') return reply(400, { __type: 'UnknownOperationException', message: target });
      if (started.some((s) => s.name === body.name)) {
        return reply(400, { __type: 'ExecutionAlreadyExists', message: `Execution Already Exists: '${body.name}'` });
      }
      started.push({ stateMachineArn: body.stateMachineArn, name: body.name, input: body.input });
      reply(200, { executionArn: `${body.stateMachineArn.replace(':stateMachine:', ':execution:')}:${body.name}`, startDate: Date.now() / 1000 });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, started, stop: () => closeServer(server) };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface AdminEnv {
  dataDir: string;
  repository: Repository;
  sfn: StubSfn;
  mailboxUrl: string;
  signer: ReturnType<typeof hmacSigner>;
  /** Runs `npm run admin -- …argv` in this process, against this environment. */
  cli(...argv: string[]): Promise<CliResult>;
  /** The emails SES received (the CLI's only: seeding uses its own mailer). */
  emails(): Promise<MailboxEmail[]>;
  /**
   * Brings a new application to `stop` with the workflow's use cases; returns its id. An approval
   * grants `grants` (France in EUR, Morocco in MAD; by default 40 000 EUR and nothing in MAD).
   */
  seed(id: string, stop: Stop, overrides?: Partial<ApplicationRecord>, grants?: { FR: number; MA: number }): Promise<string>;
  ports: TaskPorts & { clock: FakeClock };
  /** The documents' S3, when asked for. */
  s3?: LocalS3;
  stop(): Promise<void>;
}

export async function startAdminEnv(options: { describeStack?: DescribeStack; s3?: boolean } = {}): Promise<AdminEnv> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coopfund-admin-'));
  const table: DynaliteTable = await startDynaliteTable('coopfund-admin-test');
  const mailbox = await startMailbox({ host: '127.0.0.1', port: 0 });
  const sfn = await startStubSfn();
  await writeFile(signingSecretFile(dataDir), `${SECRET}\n`, { mode: 0o600 });
  const secrets = await startSecretsManager({ file: signingSecretFile(dataDir), secretArn: SIGNING_SECRET_ARN });
  const s3 = options.s3 ? await startS3({ dataDir, bucket: DOCUMENTS_BUCKET, allowedOrigins: [BASE_URL] }) : undefined;
  await writeDiscovery(dataDir, {
    pid: process.pid,
    apiUrl: BASE_URL,
    mailboxUrl: `${mailbox.url}/`,
    dynamodbEndpoint: table.endpoint,
    sfnEndpoint: sfn.url,
    tableName: table.tableName,
    stateMachineArn: STATE_MACHINE_ARN,
    region: 'eu-west-3',
    secretsManagerEndpoint: secrets.url,
    signingSecretArn: SIGNING_SECRET_ARN,
    ...(s3 ? { s3Endpoint: s3.url, documentsBucket: s3.bucket } : {}),
  });

  const repository = dynamoRepository(table.doc, table.tableName);
  await repository.putCall(pastCall);
  await repository.putRoster(pastCall.id, roster);
  await repository.putCoChairs(pastCall.id, coChairs);

  const signer = hmacSigner(async () => SECRET);
  const clock = new FakeClock('2025-02-01T10:00:00.000Z');
  const ports = {
    repository,
    mailer: new FakeMailer(),
    signer,
    clock,
    config: { baseUrl: BASE_URL, adminEmails: [ADMIN], linkTtlSeconds: 14 * 24 * 3600 },
  };

  let token = 0;
  async function seed(id: string, stop: Stop, overrides: Partial<ApplicationRecord> = {}, grants = { FR: 40_000, MA: 0 }): Promise<string> {
    const app = anApplication(id, overrides);
    clock.set(app.createdAt);
    await repository.createApplication(app, { at: app.createdAt, status: 'SUBMITTED', actor: 'applicant' });
    await notifyApplicants(ports, { applicationId: id, template: 'received' });
    const step = () => clock.advance(3600);
    if (stop === 'SUBMITTED') return id;
    if (stop === 'ERROR_SUBMITTED') {
      await recordOutcome(ports, { applicationId: id, status: 'ERROR', error: { Error: 'NoReviewerAvailableError', Cause: 'no reviewer free of conflict' } });
      return id;
    }
    step();
    await checkEligibility(ports, { applicationId: id });
    if (stop === 'INELIGIBLE') {
      await notifyApplicants(ports, { applicationId: id, template: 'ineligible' });
      return id;
    }
    await assignReviewer(ports, { applicationId: id });
    step();
    await requestDecision(ports, { applicationId: id, taskToken: `token-${++token}` });
    if (stop === 'IN_REVIEW') return id;
    if (stop === 'ERROR_IN_REVIEW') {
      step();
      await recordOutcome(ports, { applicationId: id, status: 'ERROR', error: { Error: 'TransientError', Cause: 'SES unavailable' } });
      return id;
    }
    step();
    const reviewTask = (await repository.listTasks(id)).find((t) => t.status === 'OPEN');
    const changes = stop === 'CHANGES_REQUESTED' || stop === 'WITHDRAWN';
    const review = changes ? { ...favorable, decision: 'changes' as const, comment: 'Précisez le budget avec M. Benali.' } : favorable;
    await repository.claimTask(reviewTask!.id, roster[0]!.email, review, clock.now().toISOString());
    await recordReview(ports, { applicationId: id, review });
    if (changes) {
      await requestChanges(ports, { applicationId: id, taskToken: `token-${++token}` });
      if (stop === 'WITHDRAWN') {
        step();
        await recordOutcome(ports, { applicationId: id, status: 'WITHDRAWN' });
        await notifyApplicants(ports, { applicationId: id, template: 'withdrawn' });
      }
      return id;
    }
    step();
    await requestDecision(ports, { applicationId: id, taskToken: `token-${++token}`, side: 'FR' });
    await requestDecision(ports, { applicationId: id, taskToken: `token-${++token}`, side: 'MA' });
    if (stop === 'IN_COMMITTEE') return id;
    if (stop === 'ERROR_IN_COMMITTEE') {
      step();
      await recordOutcome(ports, { applicationId: id, status: 'ERROR', error: { Error: 'NotFoundError', Cause: 'call has no MA co-chair' } });
      return id;
    }
    step();
    // The co-chairs' decisions, comments included, are kept on their tasks (FR, then MA).
    const decisions =
      stop === 'APPROVED'
        ? [
            { decision: 'approve' as const, grantedFR: grants.FR, comment: 'Très bon projet, bravo à Mme Bernard.' },
            { decision: 'approve' as const, grantedMA: grants.MA, comment: '' },
          ]
        : [
            { decision: 'reject' as const, comment: 'Le partenariat avec M. Benali reste trop flou.' },
            { decision: 'approve' as const, grantedMA: 0, comment: '' },
          ];
    const open = (await repository.listTasks(id)).filter((t) => t.status === 'OPEN');
    for (const [i, stage] of (['committee-FR', 'committee-MA'] as const).entries()) {
      const task = open.find((t) => t.stage === stage);
      await repository.claimTask(task!.id, task!.recipients[0]!, decisions[i]!, clock.now().toISOString());
    }
    if (stop === 'APPROVED') {
      await awardGrant(ports, { applicationId: id, decisions: decisions.map(committeeOutcome) });
    } else {
      await recordOutcome(ports, { applicationId: id, status: 'REJECTED' });
    }
    await notifyApplicants(ports, { applicationId: id, template: 'decision' });
    return id;
  }

  return {
    dataDir,
    repository,
    sfn,
    mailboxUrl: mailbox.url,
    signer,
    ports,
    ...(s3 ? { s3 } : {}),
    seed,
    emails: () => readMailbox(mailbox.url),
    async cli(...argv) {
      let stdout = '';
      let stderr = '';
      const io: Io = {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        env: { DATA_DIR: dataDir },
        cwd: dataDir,
      };
      const code = await run(argv, io, options.describeStack ? { describeStack: options.describeStack } : {});
      return { code, stdout, stderr };
    },
    async stop() {
      await sfn.stop();
      await s3?.stop();
      await secrets.stop();
      await mailbox.stop();
      await table.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
