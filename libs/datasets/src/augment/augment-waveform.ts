// One augmented version of a clip's waveform: time shift, then background noise, as TensorFlow's recipe orders them.

import type { SeededRandom } from '../core/random.ts';
import type { AugmentConfig } from './augment-config.ts';
import { mixNoise } from './mix-noise.ts';
import type { NoiseBank } from './noise-bank.ts';
import { timeShift } from './time-shift.ts';

/**
 * `clip` shifted by up to `config.timeShift.maxMs`, then, with `config.noise.probability`, a random
 * stretch of a random bank clip mixed in at an SNR uniform in `config.noise.snrDb`. Shifting first
 * lets the noise cover the zero-filled edge too. Pure: `clip` is not modified. With an empty bank no
 * noise is mixed (extractAugmentedFeatures refuses that combination up front).
 */
export function augmentWaveform(
  clip: Float32Array,
  noiseBank: NoiseBank,
  config: Pick<AugmentConfig, 'timeShift' | 'noise'>,
  sampleRate: number,
  rng: SeededRandom,
): Float32Array {
  const shifted = timeShift(clip, Math.round((config.timeShift.maxMs * sampleRate) / 1000), rng);
  if (noiseBank.length === 0 || !(rng.next() < config.noise.probability)) return shifted;
  const noise = rng.pick(noiseBank);
  const snrDb = rng.uniform(config.noise.snrDb[0], config.noise.snrDb[1]);
  return mixNoise(shifted, noise, snrDb, rng);
}
