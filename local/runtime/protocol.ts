/** Messages between the runtime and a function instance (a worker thread). */
import type { ModuleCache } from './module-cache';

/** Identity CloudBase attaches to a call; it reaches the function through `cloud.getWXContext()`. */
export interface CallIdentity {
  OPENID?: string;
  APPID?: string;
  UNIONID?: string;
  CLIENTIP?: string;
  /** The caller's IPv6 address, when it has one (CloudBase gives both). */
  CLIENTIPV6?: string;
  /** Trigger chain: `wx_client` (Mini Program), `wx_trigger` (timer), `wx_http` (HTTP access). */
  SOURCE: string;
}

export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  event: unknown;
  identity: CallIdentity;
  timeoutMs: number;
}

export type InstanceMessage =
  /** Loaded; with the code caches and resolutions it made that the runtime did not have. */
  | { type: 'ready'; learned?: ModuleCache }
  | { type: 'result'; requestId: string; value: string | undefined }
  | { type: 'failure'; requestId: string; message: string; stack?: string };
