// Band-limiting channels: speech as a telephone line or a cheap microphone passes it, not the synthesiser's full band.

import type { SeededRandom } from '../core/random.ts';
import type { BandLimitConfig } from './augment-config.ts';
import { applyBiquads, butterworthQs, highpassBiquad, lowpassBiquad, type Biquad } from './biquad.ts';

/** The narrowband telephone channel's passband, Hz (ITU-T G.712's 300-3400 Hz). */
export const TELEPHONE_BAND: readonly [number, number] = Object.freeze([300, 3400] as const);

/**
 * Each band edge is a 4th-order Butterworth (24 dB/octave): steep enough that a telephone band
 * really removes what lies an octave outside it (~24 dB down), gentle enough to ring little.
 */
export const BAND_LIMIT_ORDER = 4;

/**
 * `signal` through a high-pass at `lowHz` and a low-pass at `highHz`, both 4th-order Butterworth
 * (see BAND_LIMIT_ORDER; |H| is -3 dB at each cutoff). Same length, filtered from rest.
 *
 * @example bandLimit(clip, 300, 3400, 16000) // telephone speech
 */
export function bandLimit(signal: Float32Array, lowHz: number, highHz: number, sampleRate: number): Float32Array {
  if (!(lowHz < highHz)) throw new RangeError(`bandLimit() needs lowHz < highHz; got ${lowHz} and ${highHz}`);
  const qs = butterworthQs(BAND_LIMIT_ORDER);
  const sections: Biquad[] = [...qs.map((q) => highpassBiquad(lowHz, q, sampleRate)), ...qs.map((q) => lowpassBiquad(highHz, q, sampleRate))];
  return applyBiquads(signal, sections);
}

/**
 * With `config.probability`, `signal` band-limited: a `config.telephoneShare` of those times to
 * TELEPHONE_BAND, otherwise to a "cheap microphone" band with edges uniform in `config.highPassHz`
 * and `config.lowPassHz`. Otherwise `signal` itself. Draws all four numbers from `rng` every call.
 */
export function randomBandLimit(signal: Float32Array, config: BandLimitConfig, sampleRate: number, rng: SeededRandom): Float32Array {
  const apply = rng.next() < config.probability;
  const telephone = rng.next() < config.telephoneShare;
  const low = rng.uniform(config.highPassHz[0], config.highPassHz[1]);
  const high = rng.uniform(config.lowPassHz[0], config.lowPassHz[1]);
  if (!apply) return signal;
  return telephone ? bandLimit(signal, TELEPHONE_BAND[0], TELEPHONE_BAND[1], sampleRate) : bandLimit(signal, low, high, sampleRate);
}
