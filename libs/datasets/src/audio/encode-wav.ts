// Serialises float samples as a RIFF/WAVE file in any encoding decodeWav reads.

import { ConfigError } from '../core/errors.ts';

/** Sample encodings we write: integer PCM at 8/16/24/32 bits, or IEEE float32. */
export type WavSampleFormat = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32';

export interface EncodeWavOptions {
  /** Default 'pcm16', what Speech Commands ships. */
  readonly format?: WavSampleFormat;
  /** Write a WAVE_FORMAT_EXTENSIBLE fmt chunk (as multichannel and >16-bit writers often do). */
  readonly extensible?: boolean;
}

const BITS: Readonly<Record<WavSampleFormat, number>> = { pcm8: 8, pcm16: 16, pcm24: 24, pcm32: 32, float32: 32 };

/**
 * Encode mono samples (or one Float32Array per channel, all the same length) as WAV bytes.
 * Integer formats scale by 2^(bits-1) and clip, so decodeWav(encodeWav(x)) returns x quantised.
 */
export function encodeWav(samples: Float32Array | readonly Float32Array[], sampleRate: number, options: EncodeWavOptions = {}): Uint8Array {
  const format = options.format ?? 'pcm16';
  const bits = BITS[format];
  if (bits === undefined) throw new ConfigError(`Argument 'format' passed to 'encodeWav' must be one of ${Object.keys(BITS).join(', ')}; got '${String(format)}'`);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new ConfigError(`Argument 'sampleRate' passed to 'encodeWav' must be a positive integer; got ${sampleRate}`);
  const channels = samples instanceof Float32Array ? [samples] : samples;
  if (channels.length === 0 || channels.some((c) => c.length !== (channels[0] as Float32Array).length)) {
    throw new ConfigError(`Argument 'samples' passed to 'encodeWav' must be one or more channels of equal length; got ${channels.length} channel(s) of lengths ${channels.map((c) => c.length).join(', ')}`);
  }
  const frames = (channels[0] as Float32Array).length;
  const width = bits / 8;
  const blockAlign = width * channels.length;
  const dataBytes = frames * blockAlign;
  const isFloat = format === 'float32';
  const extensible = options.extensible ?? false;
  // Non-PCM fmt chunks carry a cbSize field (18 bytes); the extensible form adds 22 more.
  const fmtSize = extensible ? 40 : isFloat ? 18 : 16;
  const factSize = isFloat || extensible ? 12 : 0;
  const headerBytes = 12 + 8 + fmtSize + factSize + 8;
  const out = new Uint8Array(headerBytes + dataBytes + (dataBytes & 1));
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };

  ascii(0, 'RIFF');
  view.setUint32(4, out.byteLength - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, fmtSize, true);
  const formatCode = isFloat ? 0x0003 : 0x0001;
  view.setUint16(20, extensible ? 0xfffe : formatCode, true);
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bits, true);
  if (fmtSize >= 18) view.setUint16(36, fmtSize - 18, true);
  if (extensible) {
    view.setUint16(38, bits, true);
    view.setUint32(40, channels.length === 1 ? 0x4 : channels.length === 2 ? 0x3 : 0, true);
    // SubFormat GUID {0000000X-0000-0010-8000-00aa00389b71}: the plain format code, then the fixed tail.
    view.setUint16(44, formatCode, true);
    out.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 46);
  }
  let pos = 20 + fmtSize;
  if (factSize > 0) {
    ascii(pos, 'fact');
    view.setUint32(pos + 4, 4, true);
    view.setUint32(pos + 8, frames, true);
    pos += 12;
  }
  ascii(pos, 'data');
  view.setUint32(pos + 4, dataBytes, true);
  pos += 8;

  const write = sampleWriter(view, format);
  for (let f = 0; f < frames; f++) {
    for (const channel of channels) {
      write(pos, channel[f] as number);
      pos += width;
    }
  }
  return out;
}

function clampRound(x: number, scale: number, lo: number, hi: number): number {
  const v = Math.round(x * scale);
  return v < lo ? lo : v > hi ? hi : Number.isNaN(v) ? 0 : v;
}

function sampleWriter(view: DataView, format: WavSampleFormat): (at: number, x: number) => void {
  switch (format) {
    case 'pcm8':
      return (at, x) => view.setUint8(at, clampRound(x, 128, -128, 127) + 128);
    case 'pcm16':
      return (at, x) => view.setInt16(at, clampRound(x, 32768, -32768, 32767), true);
    case 'pcm24':
      return (at, x) => {
        const v = clampRound(x, 8388608, -8388608, 8388607);
        view.setUint8(at, v & 0xff);
        view.setUint8(at + 1, (v >> 8) & 0xff);
        view.setInt8(at + 2, v >> 16);
      };
    case 'pcm32':
      return (at, x) => view.setInt32(at, clampRound(x, 2147483648, -2147483648, 2147483647), true);
    case 'float32':
      return (at, x) => view.setFloat32(at, x, true);
  }
}
