// Pitch shift at constant duration: a higher or lower voice saying the word at the same pace.

import type { SeededRandom } from '../core/random.ts';
import type { PitchShiftConfig } from './augment-config.ts';
import { fitLength } from './fit-length.ts';
import { changeSpeed, quantizeSpeedFactor } from './speed-perturb.ts';
import { timeStretch } from './time-stretch.ts';

/**
 * `signal` with every frequency (pitch and formants alike) scaled by 2^(semitones / 12), same length:
 * played faster by that ratio (changeSpeed, so the ratio is rounded to its 1/200 grid, under 0.09
 * semitone), then stretched back to the original duration (WSOLA timeStretch).
 *
 * @example pitchShift(clip, 3, 16000) // a 440 Hz tone comes out at ≈523 Hz, still 16000 samples
 */
export function pitchShift(signal: Float32Array, semitones: number, sampleRate: number): Float32Array {
  if (!Number.isFinite(semitones) || Math.abs(semitones) > 24) throw new RangeError(`pitchShift() semitones must be a number in [-24, 24]; got ${semitones}`);
  const ratio = quantizeSpeedFactor(2 ** (semitones / 12));
  if (ratio === 1 || signal.length === 0) return signal.slice();
  const faster = changeSpeed(signal, ratio, sampleRate);
  return fitLength(timeStretch(faster, faster.length / signal.length, sampleRate), signal.length);
}

/**
 * With `config.probability`, `signal` shifted by a uniform number of semitones in `config.semitones`;
 * otherwise `signal` itself. Draws from `rng` every call, applied or not.
 */
export function randomPitchShift(signal: Float32Array, config: PitchShiftConfig, sampleRate: number, rng: SeededRandom): Float32Array {
  const apply = rng.next() < config.probability;
  const semitones = rng.uniform(config.semitones[0], config.semitones[1]);
  return apply ? pitchShift(signal, semitones, sampleRate) : signal;
}
