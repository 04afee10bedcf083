import { describe, expect, it } from 'vitest';
import { mp3DurationSeconds, readFrameHeader } from '../../cloudfunctions/core/domain/mp3';
import { framesFor, mp3Frame, mp3Of } from '../support/mp3';

const frameSeconds = 1152 / 44_100;

describe('MP3 duration from frame headers', () => {
  it('reads an MPEG-1 Layer III header: bitrate, sample rate, frame length', () => {
    expect(readFrameHeader(mp3Frame(9), 0)).toEqual({
      version: 1,
      layer: 3,
      bitrate: 128_000,
      sampleRate: 44_100,
      samples: 1152,
      length: 417,
    });
    // Padding adds a byte; MPEG-2 Layer III at 22.05 kHz, 64 kbps carries 576 samples.
    expect(readFrameHeader(Buffer.from([0xff, 0xfb, 0x92, 0]), 0)?.length).toBe(418);
    expect(readFrameHeader(Buffer.from([0xff, 0xf3, 0x80, 0]), 0)).toMatchObject({
      version: 2,
      samples: 576,
      sampleRate: 22_050,
      length: 208,
    });
  });

  it('refuses what is not a header: bad sync, reserved version, free and bad bitrate', () => {
    expect(readFrameHeader(Buffer.from([0xfe, 0xfb, 0x90, 0]), 0)).toBeUndefined();
    expect(readFrameHeader(Buffer.from([0xff, 0xeb, 0x90, 0]), 0)).toBeUndefined();
    expect(readFrameHeader(Buffer.from([0xff, 0xfb, 0x00, 0]), 0)).toBeUndefined();
    expect(readFrameHeader(Buffer.from([0xff, 0xfb, 0xf0, 0]), 0)).toBeUndefined();
    expect(readFrameHeader(Buffer.from([0xff, 0xfb, 0x9c, 0]), 0)).toBeUndefined();
  });

  it('adds up every frame, whatever the bitrate, behind an ID3v2 tag or not', () => {
    expect(mp3DurationSeconds(mp3Of(10))).toBeCloseTo(framesFor(10) * frameSeconds, 6);
    expect(mp3DurationSeconds(mp3Of(61, { id3: true }))).toBeCloseTo(
      framesFor(61) * frameSeconds,
      6,
    );
    expect(mp3DurationSeconds(mp3Of(30, { bitrateIndex: 9 }))).toBeGreaterThan(30);
    const vbr = Buffer.concat([mp3Frame(1), mp3Frame(9), mp3Frame(1), mp3Frame(9)]);
    expect(mp3DurationSeconds(vbr)).toBeCloseTo(4 * frameSeconds, 6);
  });

  it('skips junk and a trailing ID3v1 tag, and finds nothing in a file with no frames', () => {
    const tagV1 = Buffer.alloc(128);
    tagV1.write('TAG', 0, 'latin1');
    const noisy = Buffer.concat([Buffer.from('junk!'), mp3Of(2), tagV1]);
    expect(mp3DurationSeconds(noisy)).toBeCloseTo(framesFor(2) * frameSeconds, 6);
    expect(mp3DurationSeconds(Buffer.from('ID3 but nothing else'))).toBeUndefined();
    expect(mp3DurationSeconds(Buffer.alloc(0))).toBeUndefined();
  });
});
