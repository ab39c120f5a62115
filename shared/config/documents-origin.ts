/**
 * The origin browsers send documents to: where a presigned POST of the documents' bucket points.
 * Locally the S3 endpoint the functions are given (`AWS_ENDPOINT_URL_S3`, addressed by path); in
 * AWS the bucket's regional host, `https://{bucket}.s3.{region}.amazonaws.com`, as the SDK signs
 * it for a bucket name without dots (the stack's generated names have none). The draft's pages
 * allow it in their Content-Security-Policy (connect-src for the script, form-action for the form
 * without one), and nothing else of another origin. `undefined` for a function without the bucket.
 */
export function documentsOrigin(bucket: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (!bucket) return undefined;
  const endpoint = env.AWS_ENDPOINT_URL_S3;
  if (endpoint) return new URL(endpoint).origin;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return region ? `https://${bucket}.s3.${region}.amazonaws.com` : undefined;
}
