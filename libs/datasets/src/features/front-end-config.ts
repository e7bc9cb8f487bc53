// The audio front end shared by training, evaluation and the published preprocessor_config.json.

import { ConfigError } from '../core/errors.ts';

/**
 * Kaldi-style log-mel filterbank exactly as @huggingface/transformers' ASTFeatureExtractor computes it
 * (25 ms Hann-free povey-like frames are fixed there: 400-sample window, 160-sample hop at 16 kHz),
 * so an app that loads the published model through the `audio-classification` pipeline reproduces
 * the features bit for bit. Only the bin count and frame count are ours to choose.
 */
export interface FrontEndConfig {
  readonly kind: 'kaldi-fbank';
  readonly sampleRate: 16000;
  /** Samples per clip fed to the extractor (1.000 s). */
  readonly clipSamples: number;
  /** Mel bins per frame. */
  readonly numMelBins: number;
  /** Frames per clip: 1 + floor((clipSamples - 400) / 160) for a full clip. */
  readonly frames: number;
}

/** Normalisation the extractor applies: (x - mean) / (2 * std), as ASTFeatureExtractor does. */
export interface FeatureNormalization {
  readonly mean: number;
  readonly std: number;
}

export const DEFAULT_FRONT_END_CONFIG: FrontEndConfig = Object.freeze({
  kind: 'kaldi-fbank',
  sampleRate: 16000,
  clipSamples: 16000,
  numMelBins: 40,
  frames: 98,
});

/** Frames a clip of `samples` samples yields with the fixed 400/160 framing. */
export function framesForSamples(samples: number): number {
  return samples < 400 ? 0 : 1 + Math.floor((samples - 400) / 160);
}

/** Validate and complete a front-end config; errors say which field and what was expected. */
export function resolveFrontEndConfig(partial: Partial<FrontEndConfig> = {}): FrontEndConfig {
  const config = { ...DEFAULT_FRONT_END_CONFIG, ...partial };
  if (config.kind !== 'kaldi-fbank') {
    throw new ConfigError(`Argument 'kind' passed to 'resolveFrontEndConfig' must be 'kaldi-fbank'; got '${String(config.kind)}'`);
  }
  if (config.sampleRate !== 16000) {
    throw new ConfigError(`Argument 'sampleRate' passed to 'resolveFrontEndConfig' must be 16000; got ${String(config.sampleRate)}`);
  }
  if (!Number.isInteger(config.numMelBins) || config.numMelBins < 8 || config.numMelBins > 128) {
    throw new ConfigError(`Argument 'numMelBins' passed to 'resolveFrontEndConfig' must be an integer in [8, 128]; got ${config.numMelBins}`);
  }
  if (!Number.isInteger(config.clipSamples) || config.clipSamples < 400) {
    throw new ConfigError(`Argument 'clipSamples' passed to 'resolveFrontEndConfig' must be an integer ≥ 400; got ${config.clipSamples}`);
  }
  const expected = framesForSamples(config.clipSamples);
  if (config.frames !== expected) {
    throw new ConfigError(
      `Argument 'frames' passed to 'resolveFrontEndConfig' must be ${expected} for clipSamples=${config.clipSamples}; got ${config.frames}`,
      'frames follow from the fixed 400-sample window and 160-sample hop',
    );
  }
  return Object.freeze(config);
}
