import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSecretString, readSigningSecret } from '../../../shared/adapters/signing-secret.ts';
import { signedJsonHeaders } from '../../../shared/adapters/sigv4.ts';

/**
 * The signing secret is read with one signed request instead of the SDK's client: its signature
 * must be the one AWS computes (checked against the SDK's own signer), and its failures classified
 * as the SDK's are (throttling is transient, a missing secret is not).
 */

/** node:crypto as the SDK's signer wants a hash (its `sha256` constructor). */
class NodeSha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash =
      secret === undefined ? createHash('sha256') : createHmac('sha256', typeof secret === 'string' ? secret : new Uint8Array(secret as ArrayBuffer));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token-example' };
const ARN = 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:coopfund-signing-AbCdEf';

describe('a signed GetSecretValue', () => {
  it('carries the signature the SDK computes for the same request', async () => {
    const url = new URL('https://secretsmanager.eu-west-3.amazonaws.com/');
    const body = JSON.stringify({ SecretId: ARN });
    const now = new Date('2027-01-15T10:00:00.000Z');
    const ours = signedJsonHeaders({ url, region: 'eu-west-3', service: 'secretsmanager', target: 'secretsmanager.GetSecretValue', body, credentials, now });
    const sdk = new SignatureV4({ service: 'secretsmanager', region: 'eu-west-3', credentials, sha256: NodeSha256 });
    const signed = await sdk.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: url.hostname,
        path: '/',
        query: {},
        headers: { 'content-type': ours['content-type'] as string, host: url.host, 'x-amz-target': 'secretsmanager.GetSecretValue' },
        body,
      },
      { signingDate: now },
    );
    expect(ours.authorization).toBe(signed.headers.authorization);
    expect(ours['x-amz-content-sha256']).toBe(signed.headers['x-amz-content-sha256']);
    expect(ours['x-amz-security-token']).toBe(credentials.sessionToken);
  });
});

describe('reading the secret from a Secrets Manager endpoint', () => {
  let server: Server;
  let endpoint = '';
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  const seen: { target?: string; body?: string; authorization?: string }[] = [];
  const env = () => ({
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    SIGNING_SECRET_ARN: ARN,
  });

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        seen.push({ target: req.headers['x-amz-target'] as string, body, authorization: req.headers.authorization });
        res.writeHead(answer.status, { 'Content-Type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('asks for the secret by its ARN and answers its string', async () => {
    answer = { status: 200, body: { ARN, SecretString: '{"versions":[{"version":1,"key":"k"}]}' } };
    await expect(getSecretString(ARN, env())).resolves.toBe('{"versions":[{"version":1,"key":"k"}]}');
    expect(seen.at(-1)).toMatchObject({ target: 'secretsmanager.GetSecretValue', body: JSON.stringify({ SecretId: ARN }) });
    expect(seen.at(-1)?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-3\/secretsmanager\/aws4_request, /);
  });

  it('throttled or failing on its side: a transient error, which the callers retry', async () => {
    answer = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
    await expect(readSigningSecret(env())).rejects.toMatchObject({ name: 'TransientError' });
    answer = { status: 500, body: { __type: 'InternalServiceError', message: 'oops' } };
    await expect(readSigningSecret(env())).rejects.toMatchObject({ name: 'TransientError' });
  });

  it('a missing secret or a refused role: the service’s own error, not retried', async () => {
    answer = {
      status: 400,
      body: { __type: 'com.amazonaws.secretsmanager#ResourceNotFoundException', message: 'Secrets Manager can’t find the specified secret.' },
    };
    await expect(readSigningSecret(env())).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Secrets Manager can’t find the specified secret.',
    });
    answer = { status: 400, body: { __type: 'AccessDeniedException', Message: 'not authorized' } };
    await expect(readSigningSecret(env())).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('no credentials in the environment: says so', async () => {
    await expect(getSecretString(ARN, { AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint })).rejects.toThrow('no AWS credentials in the environment');
  });
});
