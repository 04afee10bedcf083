/**
 * The local stack's HTTP edge is not a way in: only requests addressed to 127.0.0.1 or localhost
 * are served (DNS rebinding), bodies are capped as CloudBase caps them, upload targets expire,
 * and the stack refuses to run against a real WeChat Pay host while identities come from headers.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT, FUNCTION_BODY_LIMIT } from '../../local/server';
import { realPayRefusal, startStack } from '../../local/stack';
import { UPLOAD_TTL_S } from '../../local/cloudbase/storage';
import { startTestStack, type TestStack } from '../support/stack';

/** One raw HTTP exchange, so the Host header and Content-Length can be anything. */
function raw(
  url: string,
  options: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method,
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    // A declared length bigger than what is sent: the stack must refuse from the header alone.
    req.end(options.body);
  });
}

describe('local stack edge', () => {
  let stack: TestStack;
  let clockOffsetMs = 0;

  beforeAll(async () => {
    stack = await startTestStack({ storage: { now: () => Date.now() + clockOffsetMs } });
  });
  afterAll(() => stack.destroy());

  describe('Host header', () => {
    it('turns away a request whose Host is another site (DNS rebinding), on every route', async () => {
      const me = JSON.stringify({ action: 'me' });
      for (const [method, path, body] of [
        ['POST', '/functions/admin', me],
        ['POST', '/admin', JSON.stringify({ action: 'database.getDocument' })],
        ['GET', '/health', undefined],
        ['GET', '/preview/', undefined],
      ] as const) {
        const forged = await raw(stack.url, {
          method,
          path,
          headers: {
            host: 'evil.example:8787',
            'content-type': 'application/json',
            'x-wx-openid': 'o-local-admin',
          },
          body,
        });
        expect(forged.status, `${method} ${path}`).toBe(421);
        expect(JSON.parse(forged.text)).toEqual({
          code: 'HOST_NOT_ALLOWED',
          message: expect.stringContaining('127.0.0.1 或 localhost'),
        });
      }
      // A rebinding name that only resembles a loopback one is no better.
      const lookalike = await raw(stack.url, {
        method: 'GET',
        path: '/health',
        headers: { host: '127.0.0.1.evil.example' },
      });
      expect(lookalike.status).toBe(421);
    });

    it('serves 127.0.0.1 and localhost with any port, and the administrator still works', async () => {
      for (const host of ['127.0.0.1', 'localhost:1', `localhost:${stack.port}`, 'LOCALHOST']) {
        const reply = await raw(stack.url, {
          method: 'POST',
          path: '/functions/admin',
          headers: { host, 'content-type': 'application/json', 'x-wx-openid': 'o-local-admin' },
          body: JSON.stringify({ action: 'me' }),
        });
        expect(reply.status, host).toBe(200);
        expect(JSON.parse(reply.text).data.isAdmin).toBe(true);
      }
    });
  });

  describe('body size', () => {
    it('refuses a function call body over 6 MB with 413 and CloudBase’s code', async () => {
      const response = await fetch(`${stack.url}/functions/admin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': 'o-local-admin' },
        body: JSON.stringify({ action: 'me', padding: 'x'.repeat(FUNCTION_BODY_LIMIT) }),
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({
        code: 'EXCEED_MAX_PAYLOAD_SIZE',
        message: expect.stringContaining('6 MB'),
      });
      // Just under the cap is served.
      const under = await fetch(`${stack.url}/functions/admin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': 'o-local-admin' },
        body: JSON.stringify({ action: 'me', padding: 'x'.repeat(FUNCTION_BODY_LIMIT - 1024) }),
      });
      expect(under.status).toBe(200);
    });

    it('refuses a function invoked through the SDK protocol with an event over 6 MB', async () => {
      const response = await fetch(`${stack.url}/admin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          action: 'functions.invokeFunction',
          function_name: 'admin',
          request_data: JSON.stringify({ action: 'me', padding: 'x'.repeat(FUNCTION_BODY_LIMIT) }),
        }),
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ code: 'EXCEED_MAX_PAYLOAD_SIZE' });
    });

    it('refuses any other body over 100 MB from its declared length alone', async () => {
      for (const path of ['/admin', '/http/paynotify']) {
        const limit = path === '/admin' ? BODY_LIMIT : FUNCTION_BODY_LIMIT;
        const reply = await raw(stack.url, {
          method: 'POST',
          path,
          headers: {
            host: '127.0.0.1',
            'content-type': 'application/json',
            'content-length': String(limit + 1),
          },
          body: '{}',
        });
        expect(reply.status, path).toBe(413);
        expect(JSON.parse(reply.text)).toMatchObject({ code: 'EXCEED_MAX_PAYLOAD_SIZE' });
      }
    });
  });

  describe('upload targets', () => {
    const uploadTarget = async (path: string) => {
      const response = await fetch(`${stack.url}/admin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'storage.getUploadMetadata', path }),
      });
      return ((await response.json()) as { data: { url: string; authorization: string } }).data;
    };
    const put = (target: { url: string; authorization: string }, authorization?: string) =>
      fetch(target.url, {
        method: 'PUT',
        headers: { authorization: authorization ?? target.authorization },
        body: 'content',
      });

    it('an upload target works until it expires, and is refused after', async () => {
      clockOffsetMs = 0;
      const target = await uploadTarget('product-images/late.png');
      clockOffsetMs = (UPLOAD_TTL_S + 5) * 1000;
      try {
        const late = await put(target);
        expect(late.status).toBe(403);
        expect(await late.text()).toContain('Request has expired');
        // A fresh target at the same (moved) time works.
        expect((await put(await uploadTarget('product-images/late.png'))).status).toBe(200);
      } finally {
        clockOffsetMs = 0;
      }
      expect((await put(await uploadTarget('product-images/on-time.png'))).status).toBe(200);
    });

    it('an expiry moved by hand does not verify', async () => {
      const target = await uploadTarget('product-images/moved.png');
      const [expires, signature] = target.authorization.split('.');
      const moved = await put(target, `${Number(expires) + 86_400}.${signature}`);
      expect(moved.status).toBe(403);
      expect(await moved.text()).toContain('SignatureDoesNotMatch');
    });
  });
});

describe('a real WeChat Pay host', () => {
  it('is refused while identities come from request headers, unless explicitly allowed', async () => {
    for (const base of [
      'https://api.mch.weixin.qq.com',
      'https://api2.mch.weixin.qq.com/',
      'http://192.168.1.20:8787/wechatpay',
    ]) {
      expect(realPayRefusal({ WECHATPAY_API_BASE: base }), base).toContain(
        'MASHANG_ALLOW_REAL_PAY=1',
      );
      expect(
        realPayRefusal({ WECHATPAY_API_BASE: base, MASHANG_ALLOW_REAL_PAY: '1' }),
      ).toBeUndefined();
    }
    for (const base of [undefined, 'http://127.0.0.1:9000/pay', 'http://localhost:1/x']) {
      expect(realPayRefusal({ WECHATPAY_API_BASE: base }), base).toBeUndefined();
    }
  });

  it('stops startStack before it listens', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mashang-realpay-'));
    try {
      await expect(
        startStack({
          port: 0,
          dataDir,
          timers: false,
          log: () => {},
          settings: { WECHATPAY_API_BASE: 'https://api.mch.weixin.qq.com' },
        }),
      ).rejects.toThrow(/拒绝启动.*api\.mch\.weixin\.qq\.com/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
