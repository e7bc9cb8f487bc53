// One augmented version of a clip's waveform: voice, position, room, channel, noise, then level, in that order.

import type { SeededRandom } from '../core/random.ts';
import type { AugmentConfig, WaveformStage } from './augment-config.ts';
import { randomBandLimit } from './band-limit.ts';
import { randomClip, randomDcOffset, randomGain } from './gain-clip.ts';
import { mixNoise } from './mix-noise.ts';
import type { NoiseBank } from './noise-bank.ts';
import { randomPitchShift } from './pitch-shift.ts';
import { randomReverb } from './reverb.ts';
import { randomSpeed } from './speed-perturb.ts';
import { timeShift } from './time-shift.ts';

/** Fork salts, one per optional stage: fixed forever, so a stage's draws never move when others are added. */
const STAGE_SALT: Readonly<Record<WaveformStage, number>> = Object.freeze({ speed: 101, pitch: 102, reverb: 103, bandLimit: 104, gain: 105, clip: 106, dcOffset: 107 });

/** The fields of AugmentConfig augmentWaveform reads; the optional stages may be left out (off). */
export type WaveformAugmentSettings = Pick<AugmentConfig, 'timeShift' | 'noise' | WaveformStage>;

/**
 * One augmented version of `clip`, same length, in the order a recording happens:
 *  1. voice: speed (pitch and tempo together), then pitch shift: the talker, before anything else hears it;
 *  2. time shift by up to `timeShift.maxMs`: where the word falls in the one-second window;
 *  3. reverb, then band limit: the room, then the microphone or line that picks the room up;
 *  4. background noise from `noiseBank`, with `noise.probability`, at an SNR uniform in `noise.snrDb`:
 *     after the channel, so the drawn SNR is the one the model hears (a telephone band would
 *     otherwise remove part of the noise, or of the speech, after its level was set), and the
 *     bank's real recordings keep their own colour; after the shift, so noise covers the zero-filled edge;
 *  5. gain, clipping, DC offset: the converter's level, saturation and offset act on everything.
 * Stages left out of `config` or at probability 0 are skipped. The time shift and the noise draw
 * from `rng` exactly as they did before the other stages existed; each other stage draws from its
 * own `rng.fork(salt)`, taken before any draw (forking does not advance `rng`), so turning one on or
 * off changes no other stage's choices, and the default config reproduces earlier outputs bit for bit.
 * Pure: `clip` is not modified. With an empty bank no noise is mixed (extractAugmentedFeatures
 * refuses that combination up front).
 */
export function augmentWaveform(clip: Float32Array, noiseBank: NoiseBank, config: WaveformAugmentSettings, sampleRate: number, rng: SeededRandom): Float32Array {
  const stream = (stage: WaveformStage): SeededRandom => rng.fork(STAGE_SALT[stage]);
  const streams = { speed: stream('speed'), pitch: stream('pitch'), reverb: stream('reverb'), bandLimit: stream('bandLimit'), gain: stream('gain'), clip: stream('clip'), dcOffset: stream('dcOffset') };

  let x = clip;
  if (config.speed !== undefined && config.speed.probability > 0) x = randomSpeed(x, config.speed, sampleRate, streams.speed);
  if (config.pitch !== undefined && config.pitch.probability > 0) x = randomPitchShift(x, config.pitch, sampleRate, streams.pitch);
  x = timeShift(x, Math.round((config.timeShift.maxMs * sampleRate) / 1000), rng);
  if (config.reverb !== undefined && config.reverb.probability > 0) x = randomReverb(x, config.reverb, sampleRate, streams.reverb);
  if (config.bandLimit !== undefined && config.bandLimit.probability > 0) x = randomBandLimit(x, config.bandLimit, sampleRate, streams.bandLimit);
  if (noiseBank.length > 0 && rng.next() < config.noise.probability) {
    const noise = rng.pick(noiseBank);
    const snrDb = rng.uniform(config.noise.snrDb[0], config.noise.snrDb[1]);
    x = mixNoise(x, noise, snrDb, rng);
  }
  if (config.gain !== undefined && config.gain.probability > 0) x = randomGain(x, config.gain, streams.gain);
  if (config.clip !== undefined && config.clip.probability > 0) x = randomClip(x, config.clip, streams.clip);
  if (config.dcOffset !== undefined && config.dcOffset.probability > 0) x = randomDcOffset(x, config.dcOffset, streams.dcOffset);
  return x;
}
