/**
 * WeChat Pay replies are read with a size cap: an oversized reply (a misrouted endpoint, a
 * hostile one) is a transport failure — an unknown outcome, never a failed payout — and never
 * buffered until the function runs out of memory. (The OA client's cap: oa-token.test.ts.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayTransportError } from '../../cloudfunctions/core/wechat/pay/errors';
import { MAX_PAY_REPLY_BYTES, payHttpRequest } from '../../cloudfunctions/core/wechat/pay/http';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const size = Number(url.searchParams.get('size'));
    if (url.pathname === '/declared') {
      // Says how large it is up front.
      response.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(size) });
      response.end('x'.repeat(size));
      return;
    }
    // Streams without a declared length, in 64 KiB chunks.
    response.writeHead(200, { 'content-type': 'text/xml' });
    const chunk = 'x'.repeat(64 * 1024);
    let sent = 0;
    const push = (): void => {
      while (sent < size) {
        sent += chunk.length;
        if (!response.write(chunk)) {
          response.once('drain', push);
          return;
        }
      }
      response.end();
    };
    response.on('error', () => undefined);
    push();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const ask = (path: string, size: number) =>
  payHttpRequest({
    api: '/pay/test',
    url: `${base}${path}?size=${size}`,
    method: 'POST',
    body: '',
  });

describe('WeChat Pay reply size cap', () => {
  it('reads an ordinary reply whole', async () => {
    const reply = await ask('/streamed', 64 * 1024);
    expect(reply.status).toBe(200);
    expect(reply.body).toHaveLength(64 * 1024);
  });

  it.each(['/streamed', '/declared'])(
    'refuses a reply past 1 MiB (%s) as an unknown outcome',
    async (path) => {
      const error = await ask(path, 4 * MAX_PAY_REPLY_BYTES).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PayTransportError);
      expect((error as PayTransportError).retryable).toBe(true);
      expect((error as Error).message).toMatch(/exceeds/);
    },
  );
});
