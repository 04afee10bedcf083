import type { Envelope, EnvelopeFail } from '../../typings/envelope';

/** Failures that happen before the server answers; server codes come in the envelope itself. */
export const ClientErrorCode = {
  CloudUnavailable: 'CLOUD_UNAVAILABLE',
  Network: 'NETWORK_ERROR',
  BadReply: 'BAD_REPLY',
} as const;

function fail(code: string, message: string): EnvelopeFail {
  return { ok: false, error: { code, message } };
}

function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const reply = value as {
    ok?: unknown;
    data?: unknown;
    error?: { code?: unknown; message?: unknown };
  };
  if (reply.ok === true) return 'data' in reply;
  return (
    reply.ok === false &&
    typeof reply.error?.code === 'string' &&
    typeof reply.error.message === 'string'
  );
}

/**
 * Calls one action of one cloud function and always resolves to an envelope, so pages render
 * every outcome (including a dead network) through the same `ok` / `error` branch.
 */
export async function callAction<T>(
  name: string,
  action: string,
  payload: object = {},
): Promise<Envelope<T>> {
  if (!wx.cloud) {
    return fail(
      ClientErrorCode.CloudUnavailable,
      '当前微信版本过低，无法连接服务，请升级微信后重试',
    );
  }
  try {
    const { result } = await wx.cloud.callFunction({ name, data: { ...payload, action } });
    if (isEnvelope(result)) return result as Envelope<T>;
    console.error(`[cloud] ${name}.${action} returned a reply that is not an envelope`);
    return fail(ClientErrorCode.BadReply, '服务返回了无法识别的结果，请稍后重试');
  } catch (err) {
    // errMsg carries the reason (timeout, function missing…); it never contains user data.
    console.error(`[cloud] ${name}.${action} failed`, (err as { errMsg?: string }).errMsg ?? err);
    return fail(ClientErrorCode.Network, '网络异常，请检查网络后重试');
  }
}
