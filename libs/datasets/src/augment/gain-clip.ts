// Level and converter faults: gain changes, clipping and DC offset, as different recording chains introduce them.

import type { SeededRandom } from '../core/random.ts';
import type { ClipConfig, DcOffsetConfig, GainConfig } from './augment-config.ts';

/** `signal` times 10^(db / 20). */
export function applyGain(signal: Float32Array, db: number): Float32Array {
  if (!Number.isFinite(db)) throw new RangeError(`applyGain() db must be a finite number; got ${db}`);
  const g = 10 ** (db / 20);
  const out = new Float32Array(signal.length);
  for (let i = 0; i < out.length; i++) out[i] = (signal[i] as number) * g;
  return out;
}

/** `signal` with every sample limited to [-limit, +limit] (hard clipping). */
export function hardClip(signal: Float32Array, limit = 1): Float32Array {
  if (!(limit >= 0)) throw new RangeError(`hardClip() limit must be a non-negative number; got ${limit}`);
  const out = new Float32Array(signal.length);
  for (let i = 0; i < out.length; i++) {
    const v = signal[i] as number;
    out[i] = v > limit ? limit : v < -limit ? -limit : v;
  }
  return out;
}

/**
 * `signal` clipped as if driven `driveDb` above full scale: the limit is the clip's own peak
 * |x|max · 10^(-driveDb / 20). That is the gain-up / clip at ±1 / gain-down chain with the level
 * left unchanged, so how much is clipped does not depend on how loud the synthesiser happened to be.
 *
 * @example driveClip(Float32Array.of(0.5, -0.25), 6.0206) // [0.25, -0.25]
 */
export function driveClip(signal: Float32Array, driveDb: number): Float32Array {
  if (!Number.isFinite(driveDb) || driveDb < 0) throw new RangeError(`driveClip() driveDb must be a non-negative number; got ${driveDb}`);
  let peak = 0;
  for (let i = 0; i < signal.length; i++) peak = Math.max(peak, Math.abs(signal[i] as number));
  return hardClip(signal, peak * 10 ** (-driveDb / 20));
}

/** `signal` plus a constant `offset`. */
export function addDcOffset(signal: Float32Array, offset: number): Float32Array {
  if (!Number.isFinite(offset)) throw new RangeError(`addDcOffset() offset must be a finite number; got ${offset}`);
  const out = new Float32Array(signal.length);
  for (let i = 0; i < out.length; i++) out[i] = (signal[i] as number) + offset;
  return out;
}

/** With `config.probability`, applyGain() by a uniform dB in `config.db`; otherwise `signal`. Two draws every call. */
export function randomGain(signal: Float32Array, config: GainConfig, rng: SeededRandom): Float32Array {
  const apply = rng.next() < config.probability;
  const db = rng.uniform(config.db[0], config.db[1]);
  return apply ? applyGain(signal, db) : signal;
}

/** With `config.probability`, driveClip() by a uniform dB in `config.driveDb`; otherwise `signal`. Two draws every call. */
export function randomClip(signal: Float32Array, config: ClipConfig, rng: SeededRandom): Float32Array {
  const apply = rng.next() < config.probability;
  const driveDb = rng.uniform(config.driveDb[0], config.driveDb[1]);
  return apply ? driveClip(signal, driveDb) : signal;
}

/** With `config.probability`, addDcOffset() of a uniform value in `config.offset`; otherwise `signal`. Two draws every call. */
export function randomDcOffset(signal: Float32Array, config: DcOffsetConfig, rng: SeededRandom): Float32Array {
  const apply = rng.next() < config.probability;
  const offset = rng.uniform(config.offset[0], config.offset[1]);
  return apply ? addDcOffset(signal, offset) : signal;
}
