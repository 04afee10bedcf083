import { cloud } from './cloud.js';

/** Who is calling, as CloudBase vouches for it. Never read from the event. */
export interface Caller {
  openid?: string;
  appid?: string;
  unionid?: string;
  clientIp?: string;
  /** CloudBase trigger chain, e.g. `wx_client`, `wx_trigger`, `wx_http`. */
  source: string;
}

export function currentCaller(): Caller {
  const wx = cloud.getWXContext();
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value !== '' ? value : undefined;
  return {
    openid: text(wx.OPENID),
    appid: text(wx.APPID),
    unionid: text(wx.UNIONID),
    // IPv4 when CloudBase gives one (Cloud.getWXContext: CLIENTIP, CLIENTIPV6), else IPv6.
    clientIp: text(wx.CLIENTIP) ?? text(wx.CLIENTIPV6),
    source: text(wx.SOURCE) ?? 'unknown',
  };
}
