import type { IncomingHttpHeaders } from 'node:http';
import type { HttpRoute } from './registry';

/** The event CloudBase's HTTP access service hands a function (its "integration request"). */
export interface IntegrationRequest {
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string>;
  multiValueQueryStringParameters: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
  requestContext: {
    requestId: string;
    httpMethod: string;
    path: string;
    sourceIp: string;
    envId: string;
  };
}

/** What goes back to the HTTP client. */
export interface IntegrationResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The route serving `requestPath` (longest matching prefix), with the function's view of the path. */
export function matchRoute(
  routes: readonly HttpRoute[],
  requestPath: string,
): HttpRoute | undefined {
  return [...routes]
    .sort((a, b) => b.path.length - a.path.length)
    .find(
      (route) =>
        route.path === '/' ||
        requestPath === route.path ||
        requestPath.startsWith(`${route.path}/`),
    );
}

const TEXTUAL =
  /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+(json|xml))/i;

export function toIntegrationRequest(input: {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  search: URLSearchParams;
  body: Buffer;
  requestId: string;
  sourceIp: string;
  envId: string;
}): IntegrationRequest {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(', ');
    multiValueHeaders[name] = values;
  }
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [name, value] of input.search) {
    queryStringParameters[name] = value;
    (multiValueQueryStringParameters[name] ??= []).push(value);
  }
  // Text arrives as text; anything else (or no content type with a body) as base64.
  const textual = input.body.length === 0 || TEXTUAL.test(headers['content-type'] ?? '');
  return {
    path: input.path,
    httpMethod: input.method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    body: textual ? input.body.toString('utf8') : input.body.toString('base64'),
    isBase64Encoded: !textual,
    requestContext: {
      requestId: input.requestId,
      httpMethod: input.method,
      path: input.path,
      sourceIp: input.sourceIp,
      envId: input.envId,
    },
  };
}

/**
 * Maps a function's return value to the HTTP reply as CloudBase does: an integration response
 * (`{ statusCode, headers, body, isBase64Encoded }`) is used as given; a string is sent as text;
 * anything else as JSON.
 */
export function fromFunctionResult(result: unknown): IntegrationResponse {
  if (isIntegrationResponse(result)) {
    const headers = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([name, value]) => [
        name.toLowerCase(),
        String(value),
      ]),
    );
    const raw = result.body ?? '';
    const body =
      typeof raw === 'string'
        ? Buffer.from(raw, result.isBase64Encoded ? 'base64' : 'utf8')
        : Buffer.from(JSON.stringify(raw));
    headers['content-type'] ??=
      typeof raw === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
    return { statusCode: result.statusCode, headers, body };
  }
  if (typeof result === 'string') {
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: Buffer.from(result),
    };
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: Buffer.from(JSON.stringify(result ?? null)),
  };
}

function isIntegrationResponse(value: unknown): value is {
  statusCode: number;
  headers?: Record<string, unknown>;
  body?: unknown;
  isBase64Encoded?: boolean;
} {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { statusCode?: unknown }).statusCode === 'number'
  );
}
