/**
 * The consumer's side of the Official Account, as WeChat plays it toward the account's server
 * URL (WeChat's 接收事件推送 page): a user scans a channel QR code, follows, or unfollows, and WeChat
 * POSTs the event, signed and (in safe mode) encrypted, to the server URL — locally the stack's
 * `/http/oa` (`OA_SERVER_URL`), with the stack's OA_TOKEN, OA_ENCODING_AES_KEY and OA_APPID.
 *
 * The simulator keeps each user's follow state (in its meta table, `oaFollower:<openid>`), so a
 * scan is what WeChat would send: a non-follower's scan follows (`subscribe` with
 * `EventKey` = `qrscene_<scene>` and the QR's `Ticket`), a follower's is `SCAN` (bare scene).
 *
 * Deliveries follow WeChat: the same XML (same CreateTime) on each attempt, signed afresh; a
 * delivery that gets no answer within 5 s, or cannot connect, is tried again, three attempts in
 * all. `deliveries` (1–3) makes WeChat deliver that many times whatever the answers, as it does
 * when our answers are late.
 */
import { createHash, randomInt } from 'node:crypto';
import { encryptMessage, oaSignature } from '../../cloudfunctions/core/wechat/oa/message-crypto';
import { buildOaXml } from '../../cloudfunctions/core/wechat/oa/message-xml';
import { optionalText, requireText, type Body } from './args';
import { invalidArgs } from './errors';
import type { SimulatorStore } from './store';

/** WeChat waits this long for an answer before it gives the attempt up (§5.1). */
export const PUSH_TIMEOUT_MS = 5_000;
/** Attempts WeChat makes for one push (§5.1). */
export const PUSH_ATTEMPTS = 3;

export const PUSH_MODES = ['plain', 'compatible', 'safe'] as const;
export type PushMode = (typeof PUSH_MODES)[number];

export interface PushDelivery {
  /** The server's HTTP status, or undefined when it did not answer in time or at all. */
  status?: number;
  body?: string;
  error?: string;
  ms: number;
}

export interface PushResult {
  openid: string;
  /**
   * The event's fields as WeChat sent them (before encryption); null when WeChat sends nothing
   * (a non-follower who scans and does not follow).
   */
  event: Record<string, string | number> | null;
  mode: PushMode;
  deliveries: PushDelivery[];
  /** The user's follow state in WeChat after the event. */
  following: boolean;
}

/** A push that WeChat would not send (a follow by a follower…): the control endpoint's 409. */
export class PushRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface FollowState {
  following: boolean;
  /** Epoch ms of the last change. */
  since: number;
  /** The channel QR scene of the latest follow (user/info's qr_scene_str). */
  scene?: string;
}

export class OaPushes {
  constructor(
    private readonly store: SimulatorStore,
    private readonly settings: () => Readonly<Record<string, string | undefined>>,
    private readonly log: (line: string) => void,
    /** A follow or a scan opens the account's customer-service window for the user (§6.1). */
    private readonly opened: (openid: string) => void = () => {},
    /** The scene of a ticket the simulator issued (qrcode/create), for a scan by ticket. */
    private readonly sceneOf: (ticket: string) => string | undefined = () => undefined,
  ) {}

  /**
   * "Scan channel QR `scene` (or `ticket`) as user U": subscribe + qrscene_ for a non-follower,
   * else SCAN. `follow: false`: a non-follower looks at the follow page and leaves; WeChat sends
   * nothing (a follower's scan is a SCAN whatever `follow` says).
   */
  async scan(body: Body): Promise<PushResult> {
    const openid = requireText(body, 'openid', 128);
    const givenTicket = optionalText(body, 'ticket', 512);
    const scene =
      optionalText(body, 'scene', 64) ?? (givenTicket ? this.sceneOf(givenTicket) : undefined);
    if (!scene) throw invalidArgs('scene (or a ticket from qrcode/create) is required');
    const ticket = givenTicket ?? standInTicket(scene);
    const following = this.following(openid);
    if (!following && body.follow === false) {
      return {
        openid,
        event: null,
        mode: pushMode(body, this.settings().OA_ENCODING_AES_KEY),
        deliveries: [],
        following: false,
      };
    }
    return this.push(
      openid,
      following
        ? { Event: 'SCAN', EventKey: scene, Ticket: ticket }
        : { Event: 'subscribe', EventKey: `qrscene_${scene}`, Ticket: ticket },
      true,
      body,
    );
  }

  /** A plain follow (search, profile…): subscribe without EventKey. */
  async follow(body: Body): Promise<PushResult> {
    const openid = requireText(body, 'openid', 128);
    if (this.following(openid)) throw new PushRefused(409, `${openid} already follows`);
    return this.push(openid, { Event: 'subscribe' }, true, body);
  }

  async unfollow(body: Body): Promise<PushResult> {
    const openid = requireText(body, 'openid', 128);
    if (!this.following(openid)) throw new PushRefused(409, `${openid} does not follow`);
    return this.push(openid, { Event: 'unsubscribe' }, false, body);
  }

  following(openid: string): boolean {
    return this.store.readMeta<FollowState>(followKey(openid))?.following ?? false;
  }

  private async push(
    openid: string,
    eventFields: Record<string, string>,
    followingAfter: boolean,
    body: Body,
  ): Promise<PushResult> {
    const settings = this.settings();
    const url = settings.OA_SERVER_URL;
    const token = settings.OA_TOKEN;
    const appid = settings.OA_APPID;
    if (!url || !token || !appid) {
      throw new PushRefused(503, 'OA_SERVER_URL, OA_TOKEN and OA_APPID must be set');
    }
    const mode = pushMode(body, settings.OA_ENCODING_AES_KEY);
    const deliveries = pushDeliveries(body);
    const event = {
      ToUserName: originalId(appid),
      FromUserName: openid,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'event',
      ...eventFields,
    };
    // WeChat's state changes whatever the server answers.
    const previous = this.store.readMeta<FollowState>(followKey(openid));
    const followScene =
      eventFields.Event === 'subscribe'
        ? eventFields.EventKey?.replace(/^qrscene_/, '')
        : previous?.scene;
    this.store.writeMeta(followKey(openid), {
      following: followingAfter,
      since: eventFields.Event === 'SCAN' && previous ? previous.since : Date.now(),
      ...(followScene ? { scene: followScene } : {}),
    } satisfies FollowState);
    if (eventFields.Event === 'subscribe' || eventFields.Event === 'SCAN') this.opened(openid);

    const results: PushDelivery[] = [];
    for (let attempt = 0; attempt < PUSH_ATTEMPTS; attempt++) {
      const delivery = await this.deliver(url, event, mode, openid, {
        token,
        appid,
        key: settings.OA_ENCODING_AES_KEY,
      });
      results.push(delivery);
      this.log(
        `[wechat] oa push ${eventFields.Event} ${openid} → ${delivery.status ?? delivery.error} (${delivery.ms} ms)`,
      );
      const answered = delivery.status !== undefined;
      if (results.length >= deliveries && answered) break;
    }
    return { openid, event, mode, deliveries: results, following: followingAfter };
  }

  private async deliver(
    url: string,
    event: Readonly<Record<string, string | number>>,
    mode: PushMode,
    openid: string,
    keys: { token: string; appid: string; key?: string },
  ): Promise<PushDelivery> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomInt(100_000_000, 2_000_000_000));
    const query = new URLSearchParams({
      signature: oaSignature(keys.token, timestamp, nonce),
      timestamp,
      nonce,
      openid,
    });
    const xml = buildOaXml(event);
    let body = xml;
    if (mode !== 'plain') {
      const encrypt = encryptMessage(xml, keys.key!, keys.appid);
      query.set('encrypt_type', 'aes');
      query.set('msg_signature', oaSignature(keys.token, timestamp, nonce, encrypt));
      // Compatible mode sends the plaintext fields beside the ciphertext; safe mode only the latter.
      body =
        mode === 'safe'
          ? buildOaXml({ ToUserName: event.ToUserName, Encrypt: encrypt })
          : buildOaXml({ ...event, Encrypt: encrypt });
    }
    const started = Date.now();
    try {
      const response = await fetch(`${url}${url.includes('?') ? '&' : '?'}${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
      });
      return { status: response.status, body: await response.text(), ms: Date.now() - started };
    } catch (error) {
      return {
        error: error instanceof Error ? error.message : String(error),
        ms: Date.now() - started,
      };
    }
  }
}

const followKey = (openid: string) => `oaFollower:${openid}`;

/** A user's follow state (undefined: the account never met them), for the OA APIs. */
export function readFollow(store: SimulatorStore, openid: string): FollowState | undefined {
  return store.readMeta<FollowState>(followKey(openid));
}

/** The Official Account's original id (gh_…), as ToUserName carries it; stable per appid. */
export function originalId(appid: string): string {
  return `gh_${createHash('sha1').update(appid).digest('hex').slice(0, 12)}`;
}

/**
 * A QR ticket for a scene when none is given: stable per scene, shaped like WeChat's (base64
 * text starting `gQ`). A QR the simulator itself issues brings its own ticket.
 */
export function standInTicket(scene: string): string {
  return `gQ${createHash('sha256').update(`scene:${scene}`).digest('base64').replace(/=+$/, '')}`;
}

function pushMode(body: Body, key: string | undefined): PushMode {
  const mode = optionalText(body, 'mode', 16) ?? (key ? 'safe' : 'plain');
  if (!(PUSH_MODES as readonly string[]).includes(mode)) {
    throw invalidArgs(`mode must be one of ${PUSH_MODES.join(', ')}`);
  }
  if (mode !== 'plain' && !key) throw invalidArgs(`mode ${mode} needs OA_ENCODING_AES_KEY`);
  return mode as PushMode;
}

function pushDeliveries(body: Body): number {
  const value = body.deliveries ?? 1;
  if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > PUSH_ATTEMPTS) {
    throw invalidArgs(`deliveries must be 1 to ${PUSH_ATTEMPTS}`);
  }
  return value as number;
}
