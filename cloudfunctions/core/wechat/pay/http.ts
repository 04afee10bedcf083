import http from 'node:http';
import https from 'node:https';
import { PayTransportError } from './errors.js';

/** WeChat Pay's documented callers wait about 5–10 s; a payout call is worth the longer end. */
export const DEFAULT_PAY_TIMEOUT_MS = 10_000;

/**
 * The largest reply read: WeChat Pay's XML and JSON replies are a few kilobytes. Past this the
 * reply is abandoned as a transport failure — an unknown outcome, never a failed payout — rather
 * than buffered until the function runs out of memory.
 */
export const MAX_PAY_REPLY_BYTES = 1024 * 1024;

export interface PayHttpRequest {
  /** The API as a path without query (e.g. `/mmpaymkttransfers/sendminiprogramhb`), for errors. */
  api: string;
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** An https.Agent carrying the merchant client certificate (v2), or a test agent. */
  agent?: http.Agent;
  timeoutMs?: number;
  /** The largest reply body read (MAX_PAY_REPLY_BYTES by default). */
  maxBytes?: number;
}

export interface PayHttpResponse {
  status: number;
  /** Lower-cased names, as node:http gives them. */
  headers: http.IncomingHttpHeaders;
  /** The raw body text: v3 signatures cover these exact bytes. */
  body: string;
}

/**
 * One HTTP exchange with WeChat Pay through node:http(s) rather than the global fetch: mutual TLS
 * needs an Agent with the client certificate, which fetch cannot take, and CloudBase's Node 16
 * runtime has no fetch at all. Every HTTP status is returned; only transport trouble throws.
 */
export function payHttpRequest(request: PayHttpRequest): Promise<PayHttpResponse> {
  const url = new URL(request.url);
  const transport = url.protocol === 'http:' ? http : https;
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  const timeoutMs = request.timeoutMs ?? DEFAULT_PAY_TIMEOUT_MS;
  const maxBytes = request.maxBytes ?? MAX_PAY_REPLY_BYTES;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Any failure after the request left may have reached WeChat Pay: the outcome is unknown.
      reject(new PayTransportError(request.api, message, true, { cause }));
    };
    const req = transport.request(
      url,
      {
        method: request.method,
        // The certificate agent speaks TLS only; a plain-HTTP endpoint (the local simulator)
        // cannot check a client certificate, so it gets the default agent.
        agent: transport === https ? request.agent : undefined,
        headers: {
          ...request.headers,
          ...(body ? { 'content-length': String(body.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = Number(res.headers['content-length']);
        if (Number.isFinite(size) && size > maxBytes) {
          fail(`the reply exceeds ${maxBytes} bytes`);
          req.destroy();
          return;
        }
        size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            fail(`the reply exceeds ${maxBytes} bytes`);
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => fail('reading the reply failed', error));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    const timer = setTimeout(() => {
      fail('timed out');
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => fail(`request failed (${describe(error)})`, error));
    req.end(body);
  });
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}
