// A small CNN for 28x28 grey images (Fashion-MNIST / MNIST) as a tfjs layers model.

import * as tf from '@tensorflow/tfjs';
import { fusedBatchNormalization } from './fused-batch-normalization.ts';

/** conv 3x3 + BN + ReLU + 2x2 max pool, once per entry of `channels`, then flatten and dense. */
export interface ImageCnnConfig {
  readonly name: string;
  /** Image height (the registry's `inputFrames`). */
  readonly inputFrames: number;
  /** Image width (the registry's `inputBins`). */
  readonly inputBins: number;
  readonly numClasses: number;
  readonly channels: readonly number[];
  readonly dropout: number;
}

/** 28x28 -> 14 -> 7 -> 4 (same-padded pools), 16-32-32 channels, ~19k parameters. */
export const IMAGE_CNN_S: ImageCnnConfig = Object.freeze({
  name: 'image-cnn-s',
  inputFrames: 28,
  inputBins: 28,
  numClasses: 10,
  channels: Object.freeze([16, 32, 32]),
  dropout: 0.25,
});

/**
 * Build the image CNN on [height, width] inputs (one channel, like the spectrogram models, so the
 * same Reshape-first layout exports without a Transpose), emitting logits.
 */
export function buildImageCnn(config: ImageCnnConfig, seed: number): tf.Sequential {
  let n = 0;
  const init = () => tf.initializers.glorotUniform({ seed: seed + 7919 * n++ });
  const model = tf.sequential({ name: config.name });
  model.add(tf.layers.reshape({ inputShape: [config.inputFrames, config.inputBins], targetShape: [config.inputFrames, config.inputBins, 1], name: 'to_image' }));
  config.channels.forEach((filters, i) => {
    const name = `conv_${i + 1}`;
    model.add(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(), name }));
    model.add(fusedBatchNormalization({ momentum: 0.9, name: `${name}_bn` }));
    model.add(tf.layers.reLU({ name: `${name}_relu` }));
    // 'same' keeps the odd 7 -> 4 instead of dropping the last row and column.
    model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same', name: `${name}_pool` }));
  });
  model.add(tf.layers.flatten({ name: 'flatten' }));
  if (config.dropout > 0) model.add(tf.layers.dropout({ rate: config.dropout, seed: seed + 1, name: 'dropout' }));
  model.add(tf.layers.dense({ units: config.numClasses, kernelInitializer: init(), name: 'logits' }));
  return model;
}
