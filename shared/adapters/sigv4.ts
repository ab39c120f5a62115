import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 with `node:crypto` alone, for the few calls the functions make without an
 * SDK client (each client weighs tens of KB in every bundle that holds it): the signing key, the
 * date forms, and a signed JSON request.
 */

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** `20270115T100000Z`: SigV4's timestamp. */
export const amzDateOf = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The signature of `stringToSign` for a day, a region and a service. */
export function sigV4Signature(secretAccessKey: string, scope: { day: string; region: string; service: string }, stringToSign: string): string {
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, scope.day), scope.region), scope.service), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/** The runtime's credentials (a Lambda function's role; the local stack's keys), from the environment. */
export function credentialsFromEnv(env: Record<string, string | undefined> = process.env): AwsCredentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) throw new Error('no AWS credentials in the environment');
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/**
 * The headers of a signed `POST /` carrying a JSON body to an AWS JSON-protocol API
 * (`X-Amz-Target: <target>`), as the SDK signs them: content-type, host, x-amz-date, x-amz-target
 * (and the session token when there is one).
 */
export function signedJsonHeaders(request: {
  url: URL;
  region: string;
  service: string;
  target: string;
  body: string;
  credentials: AwsCredentials;
  now: Date;
}): Record<string, string> {
  const { url, region, service, credentials } = request;
  const amzDate = amzDateOf(request.now);
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    host: url.host,
    'x-amz-content-sha256': sha256Hex(request.body),
    'x-amz-date': amzDate,
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
    'x-amz-target': request.target,
  };
  const names = Object.keys(headers).sort();
  const canonical = ['POST', url.pathname || '/', '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), headers['x-amz-content-sha256']].join(
    '\n',
  );
  const scope = `${day}/${region}/${service}/aws4_request`;
  const signature = sigV4Signature(
    credentials.secretAccessKey,
    { day, region, service },
    ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n'),
  );
  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}
