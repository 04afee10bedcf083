/**
 * The Official Account's temporary media (§6.3 of WeChat's customer-service pages):
 * `/cgi-bin/media/upload` checks the type, the format (sniffed from the bytes) and the size, and
 * a media_id lives 3 days. Customer-service messages (oa-messages.ts) name media by id.
 */
import { createHash, randomBytes } from 'node:crypto';
import { OaErrcode, WechatApiError } from './errors';
import type { SimulatorStore } from './store';

/** §6.3: temporary media live 3 days. */
export const MEDIA_TTL_MS = 3 * 24 * 3600_000;
/** §6.3 limits; images 10 MB as WeChat's current page and the seed say. */
export const MEDIA_LIMITS: Record<string, { maxBytes: number; types: readonly string[] }> = {
  image: { maxBytes: 10 * 1024 * 1024, types: ['png', 'jpeg', 'gif'] },
  voice: { maxBytes: 2 * 1024 * 1024, types: ['mp3', 'amr'] },
  video: { maxBytes: 10 * 1024 * 1024, types: ['mp4'] },
  thumb: { maxBytes: 64 * 1024, types: ['jpeg'] },
};

interface MediaRow {
  type: string;
  createdAt: number;
  size: number;
}

const error = (errcode: number, errmsg: string) => new WechatApiError(errcode, errmsg);

export class OaMedia {
  constructor(
    private readonly store: SimulatorStore,
    private readonly now: () => number,
  ) {}

  /** Whether `mediaId` names media uploaded less than 3 days ago. */
  isLive(mediaId: string): boolean {
    const row = this.store.readMeta<MediaRow>(`oaMedia:${mediaId}`);
    return row !== undefined && row.createdAt + MEDIA_TTL_MS > this.now();
  }

  upload(type: string | undefined, file: { data: Buffer; filename: string } | undefined): object {
    const limit = type ? MEDIA_LIMITS[type] : undefined;
    if (!type || !limit) throw error(OaErrcode.InvalidMediaType, 'invalid media type');
    if (!file || file.data.length === 0)
      throw error(OaErrcode.MediaDataMissing, 'media data missing');
    const format = sniff(file.data);
    if (!format || !limit.types.includes(format))
      throw error(OaErrcode.InvalidFileType, 'invalid file type');
    if (file.data.length > limit.maxBytes)
      throw error(OaErrcode.InvalidFileSize, 'invalid media size');
    const createdAt = this.now();
    const mediaId = `${createHash('sha256').update(file.data).update(String(createdAt)).update(randomBytes(8)).digest('base64url')}`;
    this.store.writeMeta(`oaMedia:${mediaId}`, {
      type,
      createdAt,
      size: file.data.length,
    } satisfies MediaRow);
    return { type, media_id: mediaId, created_at: Math.floor(createdAt / 1000) };
  }
}

function sniff(data: Buffer): string | undefined {
  if (data.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))) return 'png';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.subarray(0, 4).toString('latin1') === 'GIF8') return 'gif';
  if (data.subarray(0, 6).toString('latin1') === '#!AMR\n') return 'amr';
  if (data.subarray(0, 3).toString('latin1') === 'ID3') return 'mp3';
  if (data[0] === 0xff && (data[1]! & 0xe0) === 0xe0) return 'mp3';
  if (data.subarray(4, 8).toString('latin1') === 'ftyp') return 'mp4';
  return undefined;
}
