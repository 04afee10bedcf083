/**
 * The Official Account's server URL (服务器地址), as the `oa` HTTP function
 * receives it. In order:
 *
 *   1. the request's `timestamp` within 5 minutes of our clock and its `signature` = SHA-1 of the
 *      sorted [OA_TOKEN, timestamp, nonce] — otherwise 401, nothing read;
 *   2. GET (URL verification in the console): `echostr` back as plain text;
 *   3. POST in safe or compatible mode (`encrypt_type=aes`): `msg_signature` over the `Encrypt`
 *      value, AES-256-CBC decryption with OA_ENCODING_AES_KEY, and the trailing appid must be
 *      OA_APPID (403 otherwise); the plaintext fields of compatible mode are ignored. In plain mode
 *      the body is read as sent — accepted only while no OA_ENCODING_AES_KEY is set, because plain
 *      mode's signature does not cover the body;
 *   4. XML parsed with entities off (a DOCTYPE or entity declaration is refused with 400);
 *   5. the push is recorded once in `oaEvents` whatever WeChat's redeliveries (it retries three
 *      times within 15 s), and follow, scan and unfollow events move `oaFollowers`.
 *
 * A push that passed 1–4 is always answered `success` (200, text) within WeChat's 5 s: a failure
 * of ours is logged, never shown to WeChat, which would otherwise tell the user
 * "该公众号暂时无法提供服务". Nothing is passively replied: a channel QR code's welcome goes out
 * as customer-service messages (channel-scan.ts, whose header counts its round trips and WeChat
 * calls, inside this answer's budget).
 *
 * Database round trips per push (no WeChat call):
 *   - a new user's follow: 3 (event insert, follower insert, event marked applied);
 *   - a returning follower's follow: 4–5; a SCAN or unfollow: 3 (4 for a user not seen yet);
 *   - a message or another event (CLICK, VIEW, …): 1;
 *   - a redelivery: 2 (failed insert, counted) — or, when its first attempt died before applying
 *     it, 2 plus the applying rounds above.
 */
import { oaServerSettings, type OaServerSettings } from '../config.js';
import { markApplied, recordPush } from '../data/oa-events.js';
import { applyFollowChange } from '../data/oa-followers.js';
import { applyChannelScan } from './channel-scan.js';
import {
  isFollowEvent,
  isFresh,
  readPush,
  type OaEventPush,
  type OaPush,
} from '../domain/oa-push.js';
import {
  decryptMessage,
  OaCryptoError,
  oaSignature,
  signatureMatches,
} from '../wechat/oa/message-crypto.js';
import { OaXmlError, parseOaXml, type OaXmlFields } from '../wechat/oa/message-xml.js';

export interface OaRequest {
  method: string;
  /** The query string's parameters (signature, timestamp, nonce, echostr, encrypt_type, …). */
  query: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received. */
  body: string;
}

export interface OaReply {
  status: number;
  /** Plain text: `echostr`, `success`, or a short reason on refusal. */
  body: string;
}

/** Our answer must leave well inside WeChat's 5 s, cold start included. */
const PROCESSING_BUDGET_MS = 3_000;

const SUCCESS: OaReply = { status: 200, body: 'success' };

const refuse = (status: number, reason: string): OaReply => {
  console.error(`[oa] refused (${status}): ${reason}`);
  return { status, body: reason };
};

export async function handleOaRequest(request: OaRequest, now = Date.now()): Promise<OaReply> {
  const settings = oaServerSettings();
  if (!settings) return refuse(503, 'OA_TOKEN is not configured');
  const { signature, timestamp, nonce } = request.query;
  if (!isFresh(timestamp, now)) return refuse(401, 'stale or missing timestamp');
  if (!nonce || !signatureMatches(signature, oaSignature(settings.token, timestamp!, nonce))) {
    return refuse(401, 'bad signature');
  }

  if (request.method === 'GET') {
    const echostr = request.query.echostr;
    return echostr ? { status: 200, body: echostr } : refuse(400, 'no echostr');
  }
  if (request.method !== 'POST') return refuse(405, 'GET or POST only');

  const opened = openPush(request, settings, timestamp!, nonce);
  if ('refusal' in opened) return opened.refusal;
  const push = readPush(opened.fields);
  if ('invalid' in push) {
    // Verified and parsed, only not a push we know: never an error for WeChat to show.
    console.error(`[oa] ignored a push: ${push.invalid}`);
    return SUCCESS;
  }
  await withinBudget(processPush(push, now));
  return SUCCESS;
}

/** The push's fields, from the plain body or the decrypted `Encrypt`; or the refusal. */
function openPush(
  request: OaRequest,
  settings: OaServerSettings,
  timestamp: string,
  nonce: string,
): { fields: OaXmlFields } | { refusal: OaReply } {
  const encryptType = request.query.encrypt_type;
  let outer: OaXmlFields;
  try {
    outer = parseOaXml(request.body);
  } catch (error) {
    if (error instanceof OaXmlError) return { refusal: refuse(400, error.message) };
    throw error;
  }
  if (encryptType === undefined || encryptType === '' || encryptType === 'raw') {
    if (settings.encodingAesKey)
      return { refusal: refuse(401, 'safe mode is configured: plain push refused') };
    return { fields: outer };
  }
  if (encryptType !== 'aes') return { refusal: refuse(400, 'unknown encrypt_type') };
  if (!settings.encodingAesKey || !settings.appid) {
    return { refusal: refuse(503, 'OA_ENCODING_AES_KEY and OA_APPID are needed for safe mode') };
  }
  const encrypt = outer.Encrypt;
  if (!encrypt) return { refusal: refuse(400, 'no Encrypt') };
  const expected = oaSignature(settings.token, timestamp, nonce, encrypt);
  if (!signatureMatches(request.query.msg_signature, expected)) {
    return { refusal: refuse(401, 'bad msg_signature') };
  }
  let message: { xml: string; appid: string };
  try {
    message = decryptMessage(encrypt, settings.encodingAesKey);
  } catch (error) {
    if (error instanceof OaCryptoError)
      return { refusal: refuse(400, `undecryptable: ${error.reason}`) };
    throw error;
  }
  if (message.appid !== settings.appid)
    return { refusal: refuse(403, 'encrypted for another appid') };
  try {
    return { fields: parseOaXml(message.xml) };
  } catch (error) {
    if (error instanceof OaXmlError) return { refusal: refuse(400, error.message) };
    throw error;
  }
}

/** Records the push once and applies its effects; failures are logged, never thrown. */
async function processPush(push: OaPush, now: number): Promise<void> {
  try {
    const follow = isFollowEvent(push);
    const outcome = await recordPush(push, now, !follow);
    if (outcome === 'duplicate' || !follow) return;
    await applyFollowChange({
      openid: push.openid,
      event: push.event,
      at: push.createTime * 1000,
      ...(push.scene !== undefined ? { scene: push.scene } : {}),
    });
    if (push.scene !== undefined) await onChannelScan(push, push.scene);
    await markApplied(push.dedupeKey, Date.now());
  } catch (error) {
    console.error(
      `[oa] push ${push.kind} not fully recorded:`,
      error instanceof Error ? error.message : 'error',
    );
  }
}

/**
 * The one place a channel QR code's scene is acted on: a non-follower's subscribe from the QR
 * (`qrscene_<scene>`) or a follower's SCAN, after the follower state moved. Channel QR codes
 * (issue 11 points 2–3) hook in here: look the scene up in `oaQrcodes` (unique `scene`), then
 * tag the user, count the scan per QR and send its replies (customer-service messages: the
 * scan opens a 3-message, 1-minute window, as WeChat's 客服消息 page says). A redelivery whose first
 * attempt died before `markApplied` comes through here again, so a reply must be claimed once per
 * `dedupeKey` (a conditional write) before it is sent.
 */
async function onChannelScan(scan: OaEventPush, scene: string): Promise<void> {
  if (scan.event !== 'subscribe' && scan.event !== 'SCAN') return;
  const outcome = await applyChannelScan(
    {
      openid: scan.openid,
      event: scan.event,
      dedupeKey: scan.dedupeKey,
      at: scan.createTime * 1000,
    },
    scene,
  );
  if (outcome.applied && outcome.replyStatus !== 'sent' && outcome.replyStatus !== 'none') {
    console.error(`[oa] channel QR welcome ${outcome.replyStatus}`);
  }
}

/** Waits for `work` at most PROCESSING_BUDGET_MS, so WeChat always gets its answer in time. */
async function withinBudget(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.error(`[oa] processing passed ${PROCESSING_BUDGET_MS} ms: answered before it ended`);
      resolve();
    }, PROCESSING_BUDGET_MS);
  });
  try {
    await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
