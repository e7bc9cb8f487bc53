// The closed set of trainable architectures, looked up by name.

import type * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@whittle/datasets';
import { buildDsCnn, DS_CNN_S, type DsCnnConfig } from './ds-cnn.ts';

export interface ModelSpec {
  readonly name: string;
  readonly description: string;
  readonly build: (overrides: { inputFrames: number; inputBins: number; numClasses: number }, seed: number) => tf.Sequential;
}

function dsCnn(base: DsCnnConfig, description: string): ModelSpec {
  return {
    name: base.name,
    description,
    build: (o, seed) => buildDsCnn({ ...base, ...o }, seed),
  };
}

export const MODEL_REGISTRY: Readonly<Record<string, ModelSpec>> = Object.freeze({
  'ds-cnn-s': dsCnn(DS_CNN_S, 'DS-CNN-S (Hello Edge): conv 64 10x4/2, 4 depthwise-separable blocks, GAP, dense'),
});

/** Look a model up by name; a miss lists the valid names. */
export function getModelSpec(name: string): ModelSpec {
  const spec = MODEL_REGISTRY[name];
  if (spec === undefined) {
    throw new UnsupportedError(`Unknown model '${name}'. Supported: ${Object.keys(MODEL_REGISTRY).join(', ')}`);
  }
  return spec;
}
