import { WeChatTransportError } from './errors.js';

/** How long one request to WeChat may take; its documented callers wait about 5 s. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The largest reply read by default. WeChat's JSON replies are a few kilobytes; a reply past this
 * is not WeChat's (a misrouted proxy, an attack on the endpoint setting) and is refused as an
 * upstream error rather than buffered until the function runs out of memory.
 */
export const DEFAULT_MAX_REPLY_BYTES = 1024 * 1024;

export interface WeChatRequest {
  /** The API as a path (`/cgi-bin/stable_token`), used in errors: never the URL (it has the token). */
  api: string;
  url: string;
  method: 'GET' | 'POST';
  body?: unknown;
  timeoutMs?: number;
  /** The largest reply body read (DEFAULT_MAX_REPLY_BYTES unless a caller expects more). */
  maxBytes?: number;
}

/**
 * One HTTP exchange with WeChat through the global fetch, with a timeout. Returns the body text:
 * callers parse it themselves because some answers carry uint64 numbers that JSON.parse would
 * round (see `parseWeChatJson`).
 */
export async function requestText(request: WeChatRequest): Promise<string> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      // A FormData body (media upload) sets its own multipart content type and boundary.
      headers:
        request.body === undefined || request.body instanceof FormData
          ? undefined
          : { 'content-type': 'application/json' },
      body:
        request.body === undefined
          ? undefined
          : request.body instanceof FormData
            ? request.body
            : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new WeChatTransportError(
      request.api,
      timedOut ? 'timed out' : `request failed (${describe(error)})`,
      true,
      { cause: error },
    );
  }
  const text = await readCapped(response, request);
  if (!response.ok) {
    // 5xx and 429 are WeChat's (or a proxy's) momentary trouble; other statuses will not change.
    const retryable = response.status >= 500 || response.status === 429;
    throw new WeChatTransportError(request.api, `HTTP ${response.status}`, retryable);
  }
  return text;
}

/**
 * Parses a WeChat JSON reply. Fields named in `bigIntegerFields` are uint64 in WeChat's documents,
 * so their digits are kept as strings (JSON.parse would silently round anything above 2^53).
 */
export function parseWeChatJson(
  api: string,
  text: string,
  bigIntegerFields: readonly string[] = [],
): Record<string, unknown> {
  let source = text;
  if (bigIntegerFields.length > 0) {
    const names = bigIntegerFields.join('|');
    // Only a key position ("name": digits) matches: a string value that happens to hold the
    // same characters is preceded by a quote, not a colon.
    source = source.replace(
      new RegExp(`("(?:${names})"\\s*:\\s*)(-?\\d+)(?=\\s*[,}\\]])`, 'g'),
      '$1"$2"',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    throw new WeChatTransportError(api, 'the reply is not JSON', true, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WeChatTransportError(api, 'the reply is not a JSON object', false);
  }
  return parsed as Record<string, unknown>;
}

/**
 * The reply body as text, read chunk by chunk and abandoned as soon as it passes the cap (a
 * declared length past it is refused before reading). Too large is not retried: the same
 * endpoint will answer the same way.
 */
async function readCapped(response: Response, request: WeChatRequest): Promise<string> {
  const maxBytes = request.maxBytes ?? DEFAULT_MAX_REPLY_BYTES;
  const tooLarge = (): WeChatTransportError =>
    new WeChatTransportError(request.api, `the reply exceeds ${maxBytes} bytes`, false);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof WeChatTransportError) throw error;
    throw new WeChatTransportError(request.api, 'reading the reply failed', true, { cause: error });
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    return typeof cause?.code === 'string' ? cause.code : error.name;
  }
  return 'unknown';
}
