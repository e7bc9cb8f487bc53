// WAV round trips in every encoding we read, plus the malformed files we must name clearly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadFileError } from '../core/errors.ts';
import { SeededRandom } from '../core/random.ts';
import { decodeWav, parseWavLayout } from './decode-wav.ts';
import { encodeWav, type WavSampleFormat } from './encode-wav.ts';
import { readWav, writeWav } from './wav-file.ts';

function noise(n: number, seed: number, amp = 0.8): Float32Array {
  const rng = new SeededRandom(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-amp, amp));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** Splice a chunk in front of the data chunk of a canonical 16-bit file. */
function withChunkBeforeData(wav: Uint8Array, id: string, body: Uint8Array): Uint8Array {
  const dataAt = parseWavLayout(wav, 'x').dataOffset - 8;
  const padded = body.length + (body.length & 1);
  const out = new Uint8Array(wav.length + 8 + padded);
  out.set(wav.subarray(0, dataAt));
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[dataAt + i] = id.charCodeAt(i);
  view.setUint32(dataAt + 4, body.length, true);
  out.set(body, dataAt + 8);
  out.set(wav.subarray(dataAt), dataAt + 8 + padded);
  view.setUint32(4, out.length - 8, true);
  return out;
}

describe('decodeWav / encodeWav', () => {
  // Quantisation step of each encoding: a round trip may differ by at most half of it.
  const cases: [WavSampleFormat, boolean, number][] = [
    ['pcm8', false, 1 / 256],
    ['pcm16', false, 1 / 65536],
    ['pcm24', false, 1 / 16777216],
    ['pcm32', false, 1e-7],
    ['float32', false, 0],
    ['pcm16', true, 1 / 65536],
    ['pcm24', true, 1 / 16777216],
    ['float32', true, 0],
  ];
  it.each(cases)('round-trips %s (extensible=%s) within half a quantisation step', (format, extensible, tol) => {
    const x = noise(1001, 7);
    const bytes = encodeWav(x, 22050, { format, extensible });
    const wav = decodeWav(bytes, 'mem.wav');
    expect(wav.sampleRate).toBe(22050);
    expect(wav.channels).toBe(1);
    expect(maxAbsDiff(wav.samples, x)).toBeLessThanOrEqual(tol + 1e-9);
  });

  it('clips out-of-range values instead of wrapping', () => {
    const wav = decodeWav(encodeWav(Float32Array.from([1.5, -2, 1]), 16000), 'clip.wav');
    expect(Array.from(wav.samples)).toEqual([32767 / 32768, -1, 32767 / 32768]);
  });

  it('averages stereo channels to mono', () => {
    const left = Float32Array.from([0.5, -0.25, 0.75, 0]);
    const right = Float32Array.from([0.25, 0.25, -0.75, -0.5]);
    for (const format of ['pcm16', 'float32'] as const) {
      const wav = decodeWav(encodeWav([left, right], 44100, { format }), 'stereo.wav');
      expect(wav.channels).toBe(2);
      expect(Array.from(wav.samples)).toEqual([0.375, 0, 0, -0.25]);
    }
  });

  it('skips unknown chunks, including odd-sized ones with a pad byte', () => {
    const x = Float32Array.from([0.5, -0.5, 0.25]);
    const plain = encodeWav(x, 8000);
    const list = withChunkBeforeData(withChunkBeforeData(plain, 'LIST', new Uint8Array(5).fill(65)), 'junk', new Uint8Array(12));
    expect(Array.from(decodeWav(list, 'list.wav').samples)).toEqual([0.5, -0.5, 0.25]);
  });

  it('reads a streamed header (size placeholder) only when asked to', () => {
    const bytes = encodeWav(Float32Array.from([0.5, 0.25]), 22050);
    new DataView(bytes.buffer).setUint32(40, 0x7ffff000, true);
    expect(Array.from(decodeWav(bytes, 'espeak', { streamed: true }).samples)).toEqual([0.5, 0.25]);
    expect(() => decodeWav(bytes, 'espeak')).toThrow(/espeak: truncated: 'data' chunk declares 2147479552 bytes but only 4 follow/);
  });

  it('decodes a range of frames', () => {
    const x = Float32Array.from([0, 0.125, 0.25, 0.375, 0.5]);
    expect(Array.from(decodeWav(encodeWav(x, 8000), 'r', { start: 3, count: 10 }).samples)).toEqual([0.375, 0.5]);
  });

  it('names the file and what it found for truncated, non-RIFF and unsupported files', () => {
    const good = encodeWav(noise(100, 1), 16000);
    const truncated = good.subarray(0, good.length - 50);
    const err = (() => {
      try {
        decodeWav(truncated, '/data/yes/a_nohash_0.wav');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(BadFileError);
    expect((err as BadFileError).file).toBe('/data/yes/a_nohash_0.wav');
    expect((err as Error).message).toBe("/data/yes/a_nohash_0.wav: truncated: 'data' chunk declares 200 bytes but only 150 follow");

    expect(() => decodeWav(good.subarray(0, 30), 'short.wav')).toThrow(/short\.wav: truncated 'fmt ' chunk/);
    expect(() => decodeWav(good.subarray(0, 8), 'tiny.wav')).toThrow("tiny.wav: truncated: 8 bytes, expected at least a 12-byte RIFF/WAVE header");
    expect(() => decodeWav(new TextEncoder().encode('ID3\x03 this is an mp3, honestly'), 'song.mp3')).toThrow(
      "song.mp3: not a RIFF/WAVE file: starts with 'ID3\\x03' ... 's is', expected 'RIFF' ... 'WAVE'",
    );
    const adpcm = encodeWav(noise(10, 2), 8000);
    new DataView(adpcm.buffer).setUint16(20, 2, true);
    expect(() => decodeWav(adpcm, 'adpcm.wav')).toThrow(/adpcm\.wav: unsupported WAV encoding: format 0x0002 with 16 bits per sample; expected PCM/);
  });
});

describe('readWav / writeWav', () => {
  it('writes pcm16 by default and reads it back; a missing file is a BadFileError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'whittle-wav-'));
    const x = noise(321, 3, 0.5);
    await writeWav(join(dir, 'a', 'x.wav'), x, 16000);
    const back = await readWav(join(dir, 'a', 'x.wav'));
    expect(back.sampleRate).toBe(16000);
    expect(maxAbsDiff(back.samples, x)).toBeLessThanOrEqual(1 / 65536);
    await expect(readWav(join(dir, 'nope.wav'))).rejects.toThrow(`${join(dir, 'nope.wav')}: missing, expected a WAV file`);
    await rm(dir, { recursive: true, force: true });
  });
});
