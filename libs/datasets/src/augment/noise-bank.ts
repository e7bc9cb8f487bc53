// Where augmentation noise comes from: a Speech Commands `_background_noise_` folder, or synthesised.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { WhittleError } from '../core/errors.ts';
import { SeededRandom } from '../core/random.ts';
import { resample } from '../audio/resample.ts';
import { readWav } from '../audio/wav-file.ts';
import { BACKGROUND_NOISE_DIR } from '../speech-commands/labels.ts';
import { generateNoise } from '../synth/noise.ts';
import { NOISE_KINDS, type NoiseKind } from '../synth/synth-config.ts';

/** Noise clips at the model's sample rate, any length; mixNoise() sets their level, so it does not matter. */
export type NoiseBank = readonly Float32Array[];

/**
 * The stretch of each noise file that training may hear. readSpeechCommands cuts `_silence_` windows
 * for validation and testing from [0.8, 0.9) and [0.9, 1) of every file; mixing only [0, 0.8) under
 * training clips keeps every noise sample in one split, as the silence windows already are.
 */
export const TRAINING_NOISE_REGION: readonly [number, number] = Object.freeze([0, 0.8] as const);

export interface NoiseBankFromFolderOptions {
  /** Rate of the returned clips (Hz); files at other rates are resampled. Default 16000. */
  readonly sampleRate?: number;
  /** Fraction of each file's timeline to keep, [start, end). Default TRAINING_NOISE_REGION. */
  readonly region?: readonly [number, number];
}

/**
 * Every `<dir>/_background_noise_/*.wav` (sorted by name, so the bank's order is stable), mono at
 * `sampleRate`, cut to `region`. Works for real Speech Commands and for the synthetic folders,
 * which write their own background files.
 *
 * @example await noiseBankFromFolder('data/speech_commands_v0.02')
 */
export async function noiseBankFromFolder(dir: string, options: NoiseBankFromFolderOptions = {}): Promise<NoiseBank> {
  const sampleRate = options.sampleRate ?? 16000;
  const region = options.region ?? TRAINING_NOISE_REGION;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new WhittleError('INVALID_ARGUMENT', `Argument 'sampleRate' passed to 'noiseBankFromFolder' must be a positive integer; got ${sampleRate}`);
  }
  const [lo, hi] = region;
  if (!(lo >= 0 && lo < hi && hi <= 1)) {
    throw new WhittleError('INVALID_ARGUMENT', `Argument 'region' passed to 'noiseBankFromFolder' must be [start, end) with 0 <= start < end <= 1; got ${JSON.stringify(region)}`);
  }
  const noiseDir = join(dir, BACKGROUND_NOISE_DIR);
  const hint = `noise augmentation mixes the ${BACKGROUND_NOISE_DIR} recordings under training clips; add some, or turn noise off (noise.probability: 0)`;
  const names = await readdir(noiseDir, { withFileTypes: true }).then(
    (entries) => entries.filter((e) => e.isFile() && /\.wav$/i.test(e.name)).map((e) => e.name).sort(),
    (err: NodeJS.ErrnoException) => {
      throw new WhittleError('NOT_FOUND', `${noiseDir}: cannot be read (${err.code ?? String(err)}), expected a folder of noise .wav files`, { hint, cause: err });
    },
  );
  if (names.length === 0) throw new WhittleError('NOT_FOUND', `${noiseDir}: no .wav files, expected background noise recordings`, { hint });

  const bank: Float32Array[] = [];
  for (const name of names) {
    const wav = await readWav(join(noiseDir, name));
    const samples = wav.sampleRate === sampleRate ? wav.samples : resample(wav.samples, wav.sampleRate, sampleRate);
    // The same arithmetic readSpeechCommands uses for its split stretches.
    const clip = samples.slice(Math.floor(samples.length * lo), Math.floor(samples.length * hi));
    if (clip.length > 0) bank.push(clip);
  }
  if (bank.length === 0) throw new WhittleError('NOT_FOUND', `${noiseDir}: every .wav file is empty in region ${JSON.stringify(region)}`, { hint });
  return Object.freeze(bank);
}

/**
 * One unit-RMS clip of `seconds` per noise kind, from `seed`: noise for data without a noise folder.
 * Each kind draws from its own stream, so adding a kind leaves the others unchanged.
 */
export function syntheticNoiseBank(seed: number, sampleRate: number, seconds: number, kinds: readonly NoiseKind[] = NOISE_KINDS): NoiseBank {
  const length = Math.round(seconds * sampleRate);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new WhittleError('INVALID_ARGUMENT', `Argument 'sampleRate' passed to 'syntheticNoiseBank' must be a positive integer; got ${sampleRate}`);
  }
  if (!Number.isFinite(seconds) || length < 1) {
    throw new WhittleError('INVALID_ARGUMENT', `Argument 'seconds' passed to 'syntheticNoiseBank' must be a positive number of at least one sample; got ${seconds}`);
  }
  const root = new SeededRandom(seed);
  return Object.freeze(kinds.map((kind) => generateNoise(kind, length, sampleRate, root.fork(NOISE_KINDS.indexOf(kind) + 1))));
}

