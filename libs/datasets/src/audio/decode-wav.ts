// Parses RIFF/WAVE bytes (PCM 8/16/24/32-bit, IEEE float, WAVE_FORMAT_EXTENSIBLE) into mono float samples.

import { BadFileError } from '../core/errors.ts';

/** Decoded audio: `samples` is mono in [-1, 1], the channels averaged. */
export interface DecodedWav {
  readonly sampleRate: number;
  readonly channels: number;
  readonly samples: Float32Array;
}

/** Where the sample data sits and how it is encoded; enough to decode any range of frames. */
export interface WavLayout {
  readonly encoding: 'pcm' | 'float';
  readonly bitsPerSample: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly blockAlign: number;
  /** Byte offset of the first frame in the buffer. */
  readonly dataOffset: number;
  /** Whole frames available. */
  readonly frames: number;
}

export interface DecodeWavOptions {
  /**
   * Accept a data chunk whose declared size runs past the end of the bytes and read to the end
   * instead. Streaming writers (espeak-ng --stdout) cannot seek back to fill in the size.
   */
  readonly streamed?: boolean;
  /** First frame to decode (default 0). */
  readonly start?: number;
  /** Frames to decode from `start` (default: to the end); fewer come back when the file is shorter. */
  readonly count?: number;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const EXPECTED = 'expected PCM 8/16/24/32-bit or IEEE float 32/64-bit';

function fourcc(view: DataView, at: number): string {
  let s = '';
  for (let i = 0; i < 4; i++) {
    const c = view.getUint8(at + i);
    s += c >= 32 && c < 127 ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/** Locate the fmt and data chunks and validate the encoding, without decoding samples. */
export function parseWavLayout(bytes: Uint8Array, file: string, options: { streamed?: boolean } = {}): WavLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12) {
    throw new BadFileError(file, `truncated: ${bytes.byteLength} bytes, expected at least a 12-byte RIFF/WAVE header`);
  }
  const riff = fourcc(view, 0);
  const wave = fourcc(view, 8);
  if (riff !== 'RIFF' || wave !== 'WAVE') {
    throw new BadFileError(file, `not a RIFF/WAVE file: starts with '${riff}' ... '${wave}', expected 'RIFF' ... 'WAVE'`);
  }

  let fmt: Omit<WavLayout, 'dataOffset' | 'frames'> | undefined;
  let pos = 12;
  while (pos + 8 <= bytes.byteLength) {
    const id = fourcc(view, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.byteLength) throw new BadFileError(file, `truncated 'fmt ' chunk: ${size} bytes, expected at least 16`);
      fmt = parseFmt(view, body, size, file);
    } else if (id === 'data') {
      if (fmt === undefined) throw new BadFileError(file, "'data' chunk before any 'fmt ' chunk, expected 'fmt ' first");
      const available = bytes.byteLength - body;
      let dataBytes = size;
      if (size > available) {
        // A streamed header's size is a placeholder (espeak-ng writes 0x7ffff000), so read to the end.
        if (!options.streamed) {
          throw new BadFileError(file, `truncated: 'data' chunk declares ${size} bytes but only ${available} follow`);
        }
        dataBytes = available;
      }
      return { ...fmt, dataOffset: body, frames: Math.floor(dataBytes / fmt.blockAlign) };
    }
    // Chunks are word-aligned: an odd size is followed by one pad byte.
    pos = body + size + (size & 1);
  }
  if (fmt === undefined) throw new BadFileError(file, "no 'fmt ' chunk found, expected 'fmt ' then 'data'");
  throw new BadFileError(file, "no 'data' chunk found (truncated?), expected 'fmt ' then 'data'");
}

function parseFmt(view: DataView, at: number, size: number, file: string): Omit<WavLayout, 'dataOffset' | 'frames'> {
  let format = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  if (format === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40 || at + 40 > view.byteLength) throw new BadFileError(file, `truncated WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk: ${size} bytes, expected 40`);
    // The SubFormat GUID starts with the plain format code (KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT).
    format = view.getUint16(at + 24, true);
  }
  if (channels === 0) throw new BadFileError(file, 'fmt chunk says 0 channels, expected at least 1');
  if (sampleRate === 0) throw new BadFileError(file, 'fmt chunk says sample rate 0, expected a positive rate');
  const container = bitsPerSample <= 8 ? 8 : bitsPerSample <= 16 ? 16 : bitsPerSample <= 24 ? 24 : bitsPerSample <= 32 ? 32 : 64;
  let encoding: 'pcm' | 'float';
  if (format === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(container)) encoding = 'pcm';
  else if (format === WAVE_FORMAT_IEEE_FLOAT && (container === 32 || container === 64)) encoding = 'float';
  else {
    throw new BadFileError(file, `unsupported WAV encoding: format 0x${format.toString(16).padStart(4, '0')} with ${bitsPerSample} bits per sample; ${EXPECTED}`);
  }
  if (blockAlign !== (container / 8) * channels) {
    throw new BadFileError(file, `fmt chunk block align ${blockAlign} does not match ${channels} channel(s) of ${container} bits, expected ${(container / 8) * channels}`);
  }
  return { encoding, bitsPerSample: container, channels, sampleRate, blockAlign };
}

/**
 * Decode WAV bytes to mono float samples. Unknown chunks (LIST, fact, cue ...) are skipped.
 * Truncated, non-RIFF or unsupported files raise a BadFileError naming `file`.
 */
export function decodeWav(bytes: Uint8Array, file: string, options: DecodeWavOptions = {}): DecodedWav {
  const layout = parseWavLayout(bytes, file, options);
  const start = Math.max(0, Math.min(options.start ?? 0, layout.frames));
  const count = Math.max(0, Math.min(options.count ?? layout.frames - start, layout.frames - start));
  return { sampleRate: layout.sampleRate, channels: layout.channels, samples: decodeFrames(bytes, layout, start, count) };
}

/** Decode `count` frames from `start`, averaging channels. */
export function decodeFrames(bytes: Uint8Array, layout: WavLayout, start: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { channels, blockAlign, bitsPerSample, encoding } = layout;
  const out = new Float32Array(count);
  const width = bitsPerSample / 8;
  const read = sampleReader(view, encoding, bitsPerSample);
  const scale = 1 / channels;
  for (let f = 0; f < count; f++) {
    const base = layout.dataOffset + (start + f) * blockAlign;
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(base + c * width);
    out[f] = sum * scale;
  }
  return out;
}

function sampleReader(view: DataView, encoding: 'pcm' | 'float', bits: number): (at: number) => number {
  if (encoding === 'float') return bits === 32 ? (at) => view.getFloat32(at, true) : (at) => view.getFloat64(at, true);
  switch (bits) {
    case 8:
      return (at) => (view.getUint8(at) - 128) / 128;
    case 16:
      return (at) => view.getInt16(at, true) / 32768;
    case 24:
      return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608);
    default:
      return (at) => view.getInt32(at, true) / 2147483648;
  }
}
