// Background noise under a clip at a chosen signal-to-noise ratio, so the model hears words in noise.

import type { SeededRandom } from '../core/random.ts';

/** Mean square of `x[start .. start + length)`, reading `x` cyclically (float64 sums). */
function meanSquare(x: Float32Array, start: number, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += (x[(start + i) % x.length] as number) ** 2;
  return length === 0 ? 0 : sum / length;
}

/**
 * `signal` plus `noise[start ..]` (looped when the noise is shorter than the signal) scaled so that
 * signal power / added noise power is `snrDb` dB, both powers taken over the signal's whole length.
 * A silent signal has no level to set the noise against, and silent noise cannot be scaled to one:
 * both return an unchanged copy rather than NaN or infinity. Not clipped to [-1, 1]: the features
 * are computed from floats, and clipping would break the SNR asked for.
 */
export function mixNoiseAt(signal: Float32Array, noise: Float32Array, snrDb: number, start: number): Float32Array {
  if (!Number.isFinite(snrDb)) throw new RangeError(`mixNoise() snrDb must be a finite number; got ${snrDb}`);
  const out = Float32Array.from(signal);
  if (noise.length === 0 || signal.length === 0) return out;
  const from = ((Math.floor(start) % noise.length) + noise.length) % noise.length;
  const signalPower = meanSquare(signal, 0, signal.length);
  const noisePower = meanSquare(noise, from, signal.length);
  if (!(signalPower > 0) || !(noisePower > 0)) return out;
  const gain = Math.sqrt(signalPower / (noisePower * 10 ** (snrDb / 10)));
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + gain * (noise[(from + i) % noise.length] as number);
  return out;
}

/**
 * `signal` with a random stretch of `noise` mixed in at `snrDb` dB (see mixNoiseAt); one draw from
 * `rng` picks the start, anywhere a whole stretch fits (anywhere at all when the noise must loop).
 *
 * @example mixNoise(clip, noiseBank[k], 10, rng) // noise 10 dB below the clip's power
 */
export function mixNoise(signal: Float32Array, noise: Float32Array, snrDb: number, rng: SeededRandom): Float32Array {
  const last = noise.length >= signal.length ? noise.length - signal.length : Math.max(0, noise.length - 1);
  return mixNoiseAt(signal, noise, snrDb, rng.int(0, last));
}
