// Loads a fixed-length window of a WAV file at the model's sample rate: what every feature pipeline consumes.

import { BadFileError, ConfigError } from '../core/errors.ts';
import { decodeFrames, parseWavLayout } from './decode-wav.ts';
import { resample } from './resample.ts';
import { readWavBytes } from './wav-file.ts';

export interface LoadClipOptions {
  /** Rate the caller wants (Hz). */
  readonly sampleRate: number;
  /** Samples to return; the clip is zero-padded at the end when the file is shorter. */
  readonly length: number;
  /** First sample, counted at `sampleRate` (silence windows cut from long noise files). Default 0. */
  readonly offset?: number;
  /** Convert other rates; when false a file at another rate is an error. */
  readonly resample: boolean;
}

/**
 * Exactly `length` mono samples at `sampleRate` starting at `offset`.
 *
 * @example await loadClip('yes/abc_nohash_0.wav', { sampleRate: 16000, length: 16000, resample: true })
 */
export async function loadClip(path: string, options: LoadClipOptions): Promise<Float32Array> {
  const { sampleRate, length } = options;
  const offset = options.offset ?? 0;
  if (!Number.isInteger(length) || length < 0) throw new ConfigError(`Argument 'length' passed to 'loadClip' must be a non-negative integer; got ${length}`);
  if (!Number.isInteger(offset) || offset < 0) throw new ConfigError(`Argument 'offset' passed to 'loadClip' must be a non-negative integer; got ${offset}`);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new ConfigError(`Argument 'sampleRate' passed to 'loadClip' must be a positive integer; got ${sampleRate}`);

  const bytes = await readWavBytes(path);
  const layout = parseWavLayout(bytes, path);
  const out = new Float32Array(length);
  if (layout.sampleRate === sampleRate) {
    // Decode only the window: silence windows come from minute-long files.
    const start = Math.min(offset, layout.frames);
    out.set(decodeFrames(bytes, layout, start, Math.min(length, layout.frames - start)));
    return out;
  }
  if (!options.resample) {
    throw new BadFileError(path, `sample rate is ${layout.sampleRate} Hz, expected ${sampleRate} Hz`, 'resample the file or load it with resample: true');
  }
  // Resample a slice with margin either side so the filter sees real neighbours at the window's edges.
  // The slice starts on a multiple of fromRate/gcd so its output grid coincides with the whole
  // file's: the window is sample for sample what resampling the entire file would give.
  const from = layout.sampleRate;
  const step = from / gcd(from, sampleRate);
  const ratio = from / sampleRate;
  const margin = 64 + Math.ceil(32 * Math.max(1, ratio));
  const srcStart = Math.max(0, Math.floor((Math.floor(offset * ratio) - margin) / step) * step);
  const srcEnd = Math.min(layout.frames, Math.ceil((offset + length) * ratio) + margin);
  if (srcStart >= srcEnd) return out;
  const converted = resample(decodeFrames(bytes, layout, srcStart, srcEnd - srcStart), from, sampleRate);
  const shift = offset - (srcStart * sampleRate) / from;
  const avail = Math.max(0, Math.min(length, converted.length - shift));
  if (avail > 0) out.set(converted.subarray(shift, shift + avail));
  return out;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
