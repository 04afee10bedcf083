import { currentCaller } from '../core/caller.js';
import { handleOaRequest } from '../core/oa/push.js';

/**
 * The Official Account's server URL, behind the HTTP access service at `/oa` (cloudbaserc.json
 * `httpService`; the address goes into the OA console as 服务器地址 with OA_TOKEN as Token and
 * OA_ENCODING_AES_KEY as EncodingAESKey). It trusts nothing but WeChat's signatures.
 * core/oa/push.ts does the work; this only maps HTTP in and out.
 */
interface IntegrationRequest {
  httpMethod?: string;
  queryStringParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

interface IntegrationResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const text = (statusCode: number, body: string): IntegrationResponse => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

export async function main(event: IntegrationRequest): Promise<IntegrationResponse> {
  // WeChat calls through the HTTP access service, which carries no user: a caller CloudBase names
  // by OPENID is a Mini Program shaping an "HTTP" event by hand.
  if (currentCaller().openid) {
    console.error('[oa] refused a call from the Mini Program');
    return text(403, 'WeChat pushes only');
  }
  const body = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  try {
    const reply = await handleOaRequest({
      method: event.httpMethod ?? '',
      query: event.queryStringParameters ?? {},
      body,
    });
    return text(reply.status, reply.body);
  } catch (error) {
    // Only a bug reaches here (processing failures are answered `success` inside): still never
    // an error page for WeChat to show its users.
    console.error('[oa] failed', error instanceof Error ? error.message : 'error');
    return text(200, 'success');
  }
}
