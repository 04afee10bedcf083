/**
 * MP3 files built by hand, frame by frame, for the voice length limit: MPEG-1 Layer III frames
 * (1,152 samples each) at 44.1 kHz, with silent payloads. 32 kbps frames are 104 bytes, so a
 * 61-second file stays far under the 2 MB size limit and only its length is wrong.
 */
const SAMPLES_PER_FRAME = 1152;
const SAMPLE_RATE = 44_100;

/** One frame: header FF FB, then bitrate index (1 = 32 kbps, 9 = 128 kbps), 44.1 kHz, no padding. */
export function mp3Frame(bitrateIndex: 1 | 9 = 1): Buffer {
  const length = Math.floor((144 * (bitrateIndex === 1 ? 32_000 : 128_000)) / SAMPLE_RATE);
  const frame = Buffer.alloc(length);
  frame.set([0xff, 0xfb, bitrateIndex << 4, 0xc4]);
  return frame;
}

export function framesFor(seconds: number): number {
  return Math.ceil((seconds * SAMPLE_RATE) / SAMPLES_PER_FRAME);
}

/** An MP3 of about `seconds` (rounded up to whole frames), optionally behind an ID3v2 tag. */
export function mp3Of(
  seconds: number,
  options: { id3?: boolean; bitrateIndex?: 1 | 9 } = {},
): Buffer {
  const frames = Array.from({ length: framesFor(seconds) }, () => mp3Frame(options.bitrateIndex));
  const tag = Buffer.alloc(10 + 300);
  tag.write('ID3', 0, 'latin1');
  tag.set([4, 0, 0, 0, 0, 2, 44], 3); // v2.4, size 300 as a syncsafe integer (2·128 + 44)
  return Buffer.concat([...(options.id3 ? [tag] : []), ...frames]);
}
