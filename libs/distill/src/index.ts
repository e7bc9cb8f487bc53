// Public API of @whittle/distill: tfjs backend selection, model zoo, training loop, model files.

export * from './backend/index.ts';
export { buildDsCnn, DS_CNN_L, DS_CNN_M, DS_CNN_S } from './models/ds-cnn.ts';
export type { DsCnnConfig } from './models/ds-cnn.ts';
export { BC_RESNET_1, buildBcResNet } from './models/bc-resnet.ts';
export type { BcResNetConfig, BcResNetStage } from './models/bc-resnet.ts';
export { buildImageCnn, IMAGE_CNN_S } from './models/image-cnn.ts';
export type { ImageCnnConfig } from './models/image-cnn.ts';
export { countMacs } from './models/count-macs.ts';
export { getModelSpec, MODEL_NAMES, MODEL_REGISTRY } from './models/registry.ts';
export type { ModelShape, ModelSpec } from './models/registry.ts';
export { DEFAULT_TRAIN_CONFIG, resolveTrainConfig } from './train/train-config.ts';
export type { TrainConfig } from './train/train-config.ts';
export { accuracyOf, predictLogits, trainClassifier } from './train/train-classifier.ts';
export type { EpochRecord, TrainOptions, TrainResult } from './train/train-classifier.ts';
export { CROSS_ENTROPY_LOSS, DEFAULT_DISTILLATION_LOSS, resolveTrainingLoss } from './train/training-loss.ts';
export type { TrainingLoss } from './train/training-loss.ts';
export { batchGradients, localGradientEngine } from './train/batch-gradients.ts';
export type { BatchGradients, GradientEngine, TrainBatch } from './train/batch-gradients.ts';
export { TrainingInterruptedError } from './train/training-interrupted-error.ts';
export { loadLayersModel, saveLayersModel } from './train/layers-model-io.ts';
