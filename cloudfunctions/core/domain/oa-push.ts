/**
 * Pure rules of the Official Account's pushes (WeChat's 接收事件推送 page): what a push is, which scene a
 * follow or scan came from, how redeliveries are recognised, and when a request is too old.
 * No I/O: core/oa/push.ts applies them.
 */
/**
 * A push's top-level fields as text, as core/wechat/oa/message-xml.ts parses them. Declared here so
 * the rules depend on no parser: the adapter produces the domain's shape, not the other way round.
 */
export type OaXmlFields = Readonly<Record<string, string>>;

/**
 * How far a request's `timestamp` may be from our clock, either way. WeChat retries within 15 s
 * of the first attempt with the same signature, so 5 minutes keeps every honest delivery and
 * bounds how long a captured request could be replayed.
 */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** The follow and scan events this server records; any other event is kept as `other`. */
export type FollowEvent = 'subscribe' | 'SCAN' | 'unsubscribe';

export interface OaEventPush {
  kind: 'event';
  /** WeChat's Event value as sent (`subscribe`, `SCAN`, `unsubscribe`, `CLICK`, …). */
  event: string;
  /** FromUserName: the user's openid under the Official Account. */
  openid: string;
  /** ToUserName: the Official Account's original id (gh_…). */
  account: string;
  /** CreateTime, unix seconds. */
  createTime: number;
  /** The channel QR scene (EventKey without `qrscene_`) of a subscribe or SCAN from a QR. */
  scene?: string;
  /** The QR code's ticket, sent with a scene. */
  ticket?: string;
  dedupeKey: string;
}

export interface OaMessagePush {
  kind: 'message';
  /** text, image, voice, video, shortvideo, location, link, … */
  msgType: string;
  msgId: string;
  openid: string;
  account: string;
  createTime: number;
  dedupeKey: string;
}

export type OaPush = OaEventPush | OaMessagePush;

/** `timestamp` (unix seconds, as text) within MAX_CLOCK_SKEW_SECONDS of `nowMs`. */
export function isFresh(timestamp: string | undefined, nowMs: number): boolean {
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Number(timestamp) - nowMs / 1000) <= MAX_CLOCK_SKEW_SECONDS;
}

/** What a push is, or the reason it is not one we can read. */
export function readPush(fields: OaXmlFields): OaPush | { invalid: string } {
  const openid = fields.FromUserName;
  const account = fields.ToUserName ?? '';
  const msgType = fields.MsgType;
  const createTime = Number(fields.CreateTime);
  if (!openid) return { invalid: 'no FromUserName' };
  if (!msgType) return { invalid: 'no MsgType' };
  if (!/^\d{1,12}$/.test(fields.CreateTime ?? '')) return { invalid: 'no CreateTime' };
  if (msgType === 'event') {
    const event = fields.Event;
    if (!event) return { invalid: 'an event without Event' };
    const scene = sceneOf(event, fields.EventKey);
    return {
      kind: 'event',
      event,
      openid,
      account,
      createTime,
      ...(scene !== undefined ? { scene } : {}),
      ...(scene !== undefined && fields.Ticket ? { ticket: fields.Ticket } : {}),
      // WeChat's rule for events (§5.1): FromUserName + CreateTime; the event name keeps a
      // subscribe and an unsubscribe within the same second apart.
      dedupeKey: `event:${openid}:${createTime}:${event}`,
    };
  }
  const msgId = fields.MsgId;
  if (!msgId || !/^\d{1,20}$/.test(msgId)) return { invalid: 'a message without MsgId' };
  return {
    kind: 'message',
    msgType,
    msgId,
    openid,
    account,
    createTime,
    dedupeKey: `msg:${msgId}`,
  };
}

/**
 * The scene of a parametric QR (§5.3): a non-follower's subscribe carries `qrscene_<scene>`, a
 * follower's SCAN the bare scene. A plain subscribe (empty or absent EventKey) has none.
 */
export function sceneOf(event: string, eventKey: string | undefined): string | undefined {
  if (!eventKey) return undefined;
  if (event === 'subscribe') {
    return eventKey.startsWith('qrscene_') && eventKey.length > 'qrscene_'.length
      ? eventKey.slice('qrscene_'.length)
      : undefined;
  }
  return event === 'SCAN' ? eventKey : undefined;
}

export function isFollowEvent(push: OaPush): push is OaEventPush & { event: FollowEvent } {
  return (
    push.kind === 'event' &&
    (push.event === 'subscribe' || push.event === 'SCAN' || push.event === 'unsubscribe')
  );
}
