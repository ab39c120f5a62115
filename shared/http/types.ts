import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** An API Gateway REST proxy event whose body a parser middleware has replaced by its parsed value. */
export type ApiEvent<TBody = string | null> = Omit<APIGatewayProxyEvent, 'body'> & {
  body: TBody;
  /** The decoded text of the body, kept by the parsers (hashing, never logging). */
  rawBody?: string;
  /** Set by the body parsers: what the client sent. */
  bodyFormat?: 'json' | 'form';
};

export type ApiResult = APIGatewayProxyResult;
