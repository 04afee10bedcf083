import { currentCaller } from '../core/caller.js';
import { handleTransferNotification } from '../core/rewards/notify.js';

/**
 * WeChat Pay's callback for 商家转账 (v3), behind the HTTP access service at `/paynotify`
 * (cloudbaserc.json `httpService`; the URL goes to WeChat Pay as `notify_url`, from
 * WXPAY_NOTIFY_URL). Not callable from the Mini Program: it trusts nothing but WeChat Pay's
 * signature. core/rewards/notify.ts does the work; this only maps HTTP in and out.
 */
interface IntegrationRequest {
  httpMethod?: string;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

interface IntegrationResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export async function main(event: IntegrationRequest): Promise<IntegrationResponse> {
  // WeChat Pay calls through the HTTP access service, which carries no user. A caller CloudBase
  // names by OPENID is a Mini Program (wx.cloud.callFunction) shaping an "HTTP" event by hand:
  // refused before anything is read or stored.
  if (currentCaller().openid) {
    console.error('[paynotify] refused a call from the Mini Program');
    return {
      statusCode: 403,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ code: 'FAIL', message: '仅接受微信支付回调' }),
    };
  }
  try {
    const body = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    const reply = await handleTransferNotification({
      method: event.httpMethod ?? '',
      headers: event.headers ?? {},
      body,
    });
    return {
      statusCode: reply.status,
      headers: reply.body ? { 'content-type': 'application/json; charset=utf-8' } : {},
      body: reply.body ? JSON.stringify(reply.body) : '',
    };
  } catch (error) {
    // The database or something unforeseen: WeChat will deliver it again.
    console.error('[paynotify] failed', error instanceof Error ? error.message : 'error');
    return {
      statusCode: 500,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ code: 'FAIL', message: '处理失败，请重试' }),
    };
  }
}
