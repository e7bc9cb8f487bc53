// Time shift: the same clip heard a little earlier or later, so the model does not key on position.

import type { SeededRandom } from '../core/random.ts';

/**
 * `signal` delayed by `offset` samples (negative: advanced), zero-filled, same length.
 *
 * @example shiftSamples(Float32Array.of(1, 2, 3), 1) // [0, 1, 2]
 */
export function shiftSamples(signal: Float32Array, offset: number): Float32Array {
  if (!Number.isInteger(offset)) throw new RangeError(`shiftSamples() offset must be an integer; got ${offset}`);
  const out = new Float32Array(signal.length);
  if (Math.abs(offset) >= signal.length) return out;
  if (offset >= 0) out.set(signal.subarray(0, signal.length - offset), offset);
  else out.set(signal.subarray(-offset));
  return out;
}

/** `signal` shifted by a uniform integer offset in [-maxSamples, +maxSamples] drawn from `rng` (one draw). */
export function timeShift(signal: Float32Array, maxSamples: number, rng: SeededRandom): Float32Array {
  const max = Math.max(0, Math.floor(maxSamples));
  return shiftSamples(signal, rng.int(-max, max));
}
