// Log-mel features computed by transformers.js' own ASTFeatureExtractor, so apps reproduce them exactly.

import { ASTFeatureExtractor } from '@huggingface/transformers';
import type { FeatureNormalization, FrontEndConfig } from './front-end-config.ts';

/** The preprocessor_config.json an app's `audio-classification` pipeline reads. */
export function preprocessorConfigFor(frontEnd: FrontEndConfig, norm: FeatureNormalization): Record<string, unknown> {
  return {
    feature_extractor_type: 'ASTFeatureExtractor',
    feature_size: 1,
    num_mel_bins: frontEnd.numMelBins,
    max_length: frontEnd.frames,
    sampling_rate: frontEnd.sampleRate,
    padding_value: 0.0,
    do_normalize: true,
    mean: norm.mean,
    std: norm.std,
    return_attention_mask: false,
  };
}

/** Computes raw (unnormalised) log-mel frames for one clip: Float32Array of frames*numMelBins. */
export class FbankExtractor {
  private readonly extractor: ASTFeatureExtractor;

  constructor(readonly frontEnd: FrontEndConfig) {
    // do_normalize is off here: normalisation statistics come from the training split later,
    // and normalizeFeatures() applies them with the very formula ASTFeatureExtractor uses.
    this.extractor = new ASTFeatureExtractor({
      ...preprocessorConfigFor(frontEnd, { mean: 0, std: 0.5 }),
      do_normalize: false,
    });
  }

  async extract(clip: Float32Array): Promise<Float32Array> {
    const out = await this.extractor(clip);
    const data = out.input_values.data as Float32Array;
    return data.length === this.frontEnd.frames * this.frontEnd.numMelBins
      ? data
      : padFrames(data, this.frontEnd.frames * this.frontEnd.numMelBins);
  }
}

function padFrames(data: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  out.set(data.subarray(0, length));
  return out;
}

/** Mean and standard deviation over every value of a set of raw feature rows. */
export function featureStatistics(raw: Float32Array): FeatureNormalization {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i] as number;
    sum += v;
    sumSq += v * v;
  }
  const n = Math.max(raw.length, 1);
  const mean = sum / n;
  const std = Math.sqrt(Math.max(sumSq / n - mean * mean, 1e-12));
  return { mean, std };
}

/** In-place (x - mean) / (2 * std), exactly ASTFeatureExtractor's do_normalize step. */
export function normalizeFeatures(raw: Float32Array, norm: FeatureNormalization): Float32Array {
  const denom = norm.std * 2;
  for (let i = 0; i < raw.length; i++) raw[i] = ((raw[i] as number) - norm.mean) / denom;
  return raw;
}
