// The closed set of trainable architectures (the model zoo), looked up by name.

import type * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@whittle/datasets';
import { BC_RESNET_1, buildBcResNet } from './bc-resnet.ts';
import { buildDsCnn, DS_CNN_128, DS_CNN_96, DS_CNN_L, DS_CNN_M, DS_CNN_S, DS_CNN_S_CMN, DS_CNN_S_CMVN, DS_CNN_96_CMN, DS_CNN_M_CMN } from './ds-cnn.ts';
import { buildImageCnn, IMAGE_CNN_S } from './image-cnn.ts';

/** Input [frames, bins] (height x width for images) and class count a model is built for. */
export interface ModelShape {
  readonly inputFrames: number;
  readonly inputBins: number;
  readonly numClasses: number;
}

export interface ModelSpec {
  readonly name: string;
  readonly description: string;
  /** The shape the model is designed for; `build` accepts others. */
  readonly shape: ModelShape;
  /** Parameters (trainable + BN statistics) and MACs per example (countMacs) when built at `shape`; tests hold these. */
  readonly params: number;
  readonly macs: number;
  readonly build: (shape: ModelShape, seed: number) => tf.LayersModel;
}

const shapeOf = (c: ModelShape): ModelShape => Object.freeze({ inputFrames: c.inputFrames, inputBins: c.inputBins, numClasses: c.numClasses });

export const MODEL_REGISTRY: Readonly<Record<string, ModelSpec>> = Object.freeze({
  'ds-cnn-s': {
    name: 'ds-cnn-s',
    description: 'DS-CNN-S (Hello Edge): conv 64 10x4/2, 4 depthwise-separable blocks, GAP, dense',
    shape: shapeOf(DS_CNN_S),
    params: 24_332,
    macs: 20_823_808,
    build: (shape, seed) => buildDsCnn({ ...DS_CNN_S, ...shape }, seed),
  },
  'ds-cnn-s-cmn': {
    name: 'ds-cnn-s-cmn',
    description: 'DS-CNN-S after per-clip mean normalisation of each mel bin (CMN): a fixed spectral tilt of voice or microphone cancels',
    shape: shapeOf(DS_CNN_S_CMN),
    params: 24_332,
    macs: 20_823_808,
    build: (shape, seed) => buildDsCnn({ ...DS_CNN_S_CMN, ...shape }, seed),
  },
  'ds-cnn-s-cmvn': {
    name: 'ds-cnn-s-cmvn',
    description: 'DS-CNN-S after per-clip mean and variance normalisation of each mel bin (CMVN)',
    shape: shapeOf(DS_CNN_S_CMVN),
    params: 24_332,
    macs: 20_823_808,
    build: (shape, seed) => buildDsCnn({ ...DS_CNN_S_CMVN, ...shape }, seed),
  },
  'ds-cnn-96': {
    name: 'ds-cnn-96',
    description: 'DS-CNN-S widened to 96 channels: conv 96 10x4/2, 4 depthwise-separable blocks, GAP, dense',
    shape: shapeOf(DS_CNN_96),
    params: 48_780,
    macs: 43_277_952,
    build: (shape, seed) => buildDsCnn({ ...DS_CNN_96, ...shape }, seed),
  },
  'ds-cnn-96-cmn': {
    name: 'ds-cnn-96-cmn',
    description: 'DS-CNN-96 after per-clip mean normalisation of each mel bin (CMN)',
    shape: shapeOf(DS_CNN_96_CMN),
    params: 48_780,
    macs: 43_277_952,
    build: (shape, seed) => buildDsCnn({ ...DS_CNN_96_CMN, ...shape }, seed),
  },
  'ds-cnn-128': {
    name: 'ds-cnn-128',
    description: 'DS-CNN-S widened to 128 channels: conv 128 10x4/2, 4 depthwise-separable blocks, GAP, dense',
    shape: shapeOf(DS_CNN_128),
    params: 81_420,
    macs: 73_760_256,
    build: (shape, seed) => buildDsCnn({ ...DS_CNN_128, ...shape }, seed),
  },
  'ds-cnn-m': {
    name: 'ds-cnn-m',
    description: 'DS-CNN-M (Hello Edge): conv 172 10x4/2, 4 depthwise-separable blocks, GAP, dense',
    shape: shapeOf(DS_CNN_M),
    params: 139_676,
    macs: 128_781_904,
    build: (shape, seed) => buildDsCnn({ ...DS_CNN_M, ...shape }, seed),
  },
  'ds-cnn-m-cmn': {
    name: 'ds-cnn-m-cmn',
    description: 'DS-CNN-M after per-clip mean normalisation of each mel bin (CMN): the teacher-sized model on the default student\'s input',
    shape: shapeOf(DS_CNN_M_CMN),
    params: 139_676,
    macs: 128_781_904,
    build: (shape, seed) => buildDsCnn({ ...DS_CNN_M_CMN, ...shape }, seed),
  },
  'ds-cnn-l': {
    name: 'ds-cnn-l',
    description: 'DS-CNN-L (Hello Edge): conv 276 10x4/2, 5 depthwise-separable blocks, GAP, dense',
    shape: shapeOf(DS_CNN_L),
    params: 419_808,
    macs: 396_256_512,
    build: (shape, seed) => buildDsCnn({ ...DS_CNN_L, ...shape }, seed),
  },
  'bc-resnet-1': {
    name: 'bc-resnet-1',
    description: 'BC-ResNet-1-sized (broadcasted residual learning): stem conv 16 5x5, 4 stages 8-12-16-20 x 2 blocks, head, dense',
    shape: shapeOf(BC_RESNET_1),
    params: 6_384,
    macs: 2_599_736,
    build: (shape, seed) => buildBcResNet({ ...BC_RESNET_1, ...shape }, seed),
  },
  'image-cnn-s': {
    name: 'image-cnn-s',
    description: 'Small image CNN for 28x28x1 (Fashion-MNIST): 3 x (conv 3x3 + BN + ReLU + max pool) 16-32-32, dense',
    shape: shapeOf(IMAGE_CNN_S),
    params: 19_418,
    macs: 1_472_768,
    build: (shape, seed) => buildImageCnn({ ...IMAGE_CNN_S, ...shape }, seed),
  },
} satisfies Record<string, ModelSpec>);

/** Names of every registered model, in registry order. */
export const MODEL_NAMES: readonly string[] = Object.freeze(Object.keys(MODEL_REGISTRY));

/** Look a model up by name; a miss lists the valid names. */
export function getModelSpec(name: string): ModelSpec {
  const spec = Object.hasOwn(MODEL_REGISTRY, name) ? MODEL_REGISTRY[name] : undefined;
  if (spec === undefined) {
    throw new UnsupportedError(`Unknown model '${name}'. Supported: ${MODEL_NAMES.join(', ')}`);
  }
  return spec;
}
