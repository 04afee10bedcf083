/**
 * An MP3's playing time from its frame headers (ISO 11172-3 / 13818-3), for WeChat's 60 s voice
 * limit: an ID3v2 tag is skipped, then every frame's samples are added up, so constant and
 * variable bitrates are both exact without decoding audio. Bytes that are not a frame (junk,
 * an ID3v1 tag) are skipped until two consecutive frame headers agree again.
 */

type Version = 1 | 2 | 2.5;
type Layer = 1 | 2 | 3;

export interface FrameHeader {
  version: Version;
  layer: Layer;
  /** Bits per second. */
  bitrate: number;
  sampleRate: number;
  samples: number;
  /** Bytes of the whole frame, header included. */
  length: number;
}

const KBPS: Record<string, readonly number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<Version, readonly number[]> = {
  1: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  2.5: [11025, 12000, 8000],
};

/** The frame header at `offset`, or undefined when those 4 bytes are not one (free format too). */
export function readFrameHeader(bytes: Uint8Array, offset: number): FrameHeader | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const b1 = bytes[offset + 1]!;
  const b2 = bytes[offset + 2]!;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  if (versionBits === 1 || layerBits === 0) return undefined;
  const version: Version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as Layer;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const bitrate = KBPS[`${version === 1 ? 1 : 2}-${layer}`]![bitrateIndex]! * 1000;
  const sampleRate = SAMPLE_RATES[version][rateIndex]!;
  const padding = (b2 >> 1) & 1;
  const samples = layer === 1 ? 384 : layer === 2 || version === 1 ? 1152 : 576;
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((samples / 8) * bitrate) / sampleRate) + padding;
  return { version, layer, bitrate, sampleRate, samples, length };
}

/** Bytes taken by an ID3v2 tag at the start (0 when there is none). */
function id3v2Length(bytes: Uint8Array): number {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0;
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7);
  const footer = bytes[5]! & 0x10 ? 10 : 0;
  return 10 + (size | (bytes[9]! & 0x7f)) + footer;
}

/** Seconds of audio, or undefined when no MPEG audio frame is found. */
export function mp3DurationSeconds(bytes: Uint8Array): number | undefined {
  let offset = id3v2Length(bytes);
  let seconds = 0;
  let frames = 0;
  let inSync = false;
  while (offset + 4 <= bytes.length) {
    const frame = readFrameHeader(bytes, offset);
    // Out of sync, a header counts only when the next frame follows it (or the file ends there).
    const trusted =
      frame !== undefined &&
      (inSync ||
        offset + frame.length >= bytes.length ||
        readFrameHeader(bytes, offset + frame.length) !== undefined);
    if (!frame || !trusted) {
      inSync = false;
      offset += 1;
      continue;
    }
    inSync = true;
    seconds += frame.samples / frame.sampleRate;
    frames += 1;
    offset += frame.length;
  }
  return frames > 0 ? seconds : undefined;
}

/** WeChat's voice media limit (§6.3). */
export const MAX_VOICE_SECONDS = 60;
