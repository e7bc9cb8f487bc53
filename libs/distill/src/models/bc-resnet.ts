// BC-ResNet keyword-spotting model ("Broadcasted Residual Learning", Kim et al. 2021) as a functional tfjs model.

import * as tf from '@tensorflow/tfjs';
import { fusedBatchNormalization } from './fused-batch-normalization.ts';

/** One stage: a transition block to `channels` (downsampling frequency by `freqStride`), then `blocks - 1` normal blocks. */
export interface BcResNetStage {
  readonly channels: number;
  readonly blocks: number;
  readonly freqStride: 1 | 2;
}

/** Shape of a BC-ResNet: stem conv, broadcasted-residual stages, depthwise + pointwise head, dense. */
export interface BcResNetConfig {
  readonly name: string;
  readonly inputFrames: number;
  readonly inputBins: number;
  readonly numClasses: number;
  readonly stemChannels: number;
  readonly stemKernel: readonly [number, number];
  readonly stages: readonly BcResNetStage[];
  readonly headChannels: number;
  readonly dropout: number;
}

/**
 * BC-ResNet-1-sized: channels 8-12-16-20 as in the paper's width 1, but 2 blocks per stage instead of
 * 2-2-4-4 and no dilation, so it stays around 6.5k parameters.
 */
export const BC_RESNET_1: BcResNetConfig = Object.freeze({
  name: 'bc-resnet-1',
  inputFrames: 98,
  inputBins: 40,
  numClasses: 12,
  stemChannels: 16,
  stemKernel: [5, 5] as const,
  stages: Object.freeze([
    { channels: 8, blocks: 2, freqStride: 1 },
    { channels: 12, blocks: 2, freqStride: 2 },
    { channels: 16, blocks: 2, freqStride: 2 },
    { channels: 20, blocks: 2, freqStride: 1 },
  ] as const),
  headChannels: 32,
  dropout: 0.1,
});

/**
 * Build a BC-ResNet on a [frames, bins] spectrogram, emitting logits. The image is [time, frequency,
 * channels], so frequency is axis 2 (the width) throughout. Every block:
 *   f2: depthwise conv over frequency (1x3) + batch norm            -> aux   [T, F, C]
 *   f1: average over frequency -> depthwise conv over time (3x1) -> BN -> swish -> 1x1 conv -> dropout
 *                                                                    -> [T, 1, C]
 *   out = relu(identity + aux + f1), the [T, 1, C] term broadcast over frequency by tfjs' Add.
 * Transition blocks (channel change) start with 1x1 conv + BN + ReLU and drop the identity.
 * The paper's sub-spectral norm is plain batch norm here: it folds into the depthwise conv at export
 * instead of adding a Reshape/Transpose pair per block, and at this size the accuracy gap is small.
 * Only layers the ONNX exporter supports are used (Conv2D, DepthwiseConv2D, BatchNormalization,
 * ReLU, Activation('swish'), AveragePooling2D, Add, Dropout, GlobalAveragePooling2D, Dense).
 */
export function buildBcResNet(config: BcResNetConfig, seed: number): tf.LayersModel {
  let n = 0;
  // Same reasoning as the DS-CNN: momentum 0.9 keeps the moving statistics close to the batch ones early on.
  const bn = (name: string) => fusedBatchNormalization({ momentum: 0.9, name });
  const init = () => tf.initializers.glorotUniform({ seed: seed + 7919 * n++ });
  const pointwise = (channels: number, name: string) => tf.layers.conv2d({ filters: channels, kernelSize: 1, useBias: false, kernelInitializer: init(), name });
  // Glorot counts every channel into a depthwise kernel's fan-in, which shrinks the activations by
  // ~2x per 1x3 conv and leaves the deep stages near zero at initialisation. He scaling over the
  // kernel window alone (PyTorch's per-group fan-in) keeps them at unit scale; for a [kh, kw, C, 1]
  // kernel tfjs' 'fanOut' is exactly kh * kw.
  const depthwise = (kernelSize: [number, number], strides: [number, number], name: string) =>
    tf.layers.depthwiseConv2d({
      kernelSize,
      strides,
      padding: 'same',
      useBias: false,
      depthwiseInitializer: tf.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'truncatedNormal', seed: seed + 7919 * n++ }),
      name,
    });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor): tf.SymbolicTensor => layer.apply(x) as tf.SymbolicTensor;

  const input = tf.input({ shape: [config.inputFrames, config.inputBins], name: 'spectrogram' });
  let x = apply(tf.layers.reshape({ targetShape: [config.inputFrames, config.inputBins, 1], name: 'to_image' }), input);
  x = apply(
    tf.layers.conv2d({ filters: config.stemChannels, kernelSize: [...config.stemKernel], strides: [1, 2], padding: 'same', useBias: false, kernelInitializer: init(), name: 'stem' }),
    x,
  );
  x = apply(tf.layers.reLU({ name: 'stem_relu' }), apply(bn('stem_bn'), x));

  let channels = config.stemChannels;
  config.stages.forEach((stage, s) => {
    for (let k = 0; k < stage.blocks; k++) {
      const name = `block_${s + 1}_${k + 1}`;
      const transition = k === 0 && (stage.channels !== channels || stage.freqStride !== 1);
      let h = x;
      if (transition) h = apply(tf.layers.reLU({ name: `${name}_expand_relu` }), apply(bn(`${name}_expand_bn`), apply(pointwise(stage.channels, `${name}_expand`), h)));
      // f2: frequency-wise depthwise conv, downsampling frequency in a transition block.
      const aux = apply(bn(`${name}_freq_bn`), apply(depthwise([1, 3], [1, k === 0 ? stage.freqStride : 1], `${name}_freq_dw`), h));
      const bins = aux.shape[2] as number;
      // f1: collapse frequency, then a temporal depthwise conv on the [T, 1, C] summary.
      let t = apply(tf.layers.averagePooling2d({ poolSize: [1, bins], strides: [1, bins], padding: 'valid', name: `${name}_freq_avg` }), aux);
      t = apply(bn(`${name}_time_bn`), apply(depthwise([3, 1], [1, 1], `${name}_time_dw`), t));
      t = apply(tf.layers.activation({ activation: 'swish', name: `${name}_swish` }), t);
      t = apply(pointwise(stage.channels, `${name}_time_pw`), t);
      if (config.dropout > 0) t = apply(tf.layers.dropout({ rate: config.dropout, seed: seed + 104729 * (s + 1) + k, name: `${name}_dropout` }), t);
      const terms = transition ? [aux, t] : [x, aux, t];
      x = apply(tf.layers.reLU({ name: `${name}_relu` }), tf.layers.add({ name: `${name}_add` }).apply(terms) as tf.SymbolicTensor);
      channels = stage.channels;
    }
  });

  x = apply(depthwise([5, 5], [1, 1], 'head_dw'), x);
  x = apply(tf.layers.reLU({ name: 'head_relu' }), apply(bn('head_bn'), apply(pointwise(config.headChannels, 'head_pw'), x)));
  x = apply(tf.layers.globalAveragePooling2d({ name: 'pool' }), x);
  const logits = apply(tf.layers.dense({ units: config.numClasses, kernelInitializer: init(), name: 'logits' }), x);
  return tf.model({ inputs: input, outputs: logits, name: config.name });
}
