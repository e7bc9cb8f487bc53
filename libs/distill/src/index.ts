// Public API of @whittle/distill: tfjs backend selection, model zoo, training loop, model files.

export * from './backend/index.ts';
export { buildDsCnn, countMacs, DS_CNN_S } from './models/ds-cnn.ts';
export type { DsCnnConfig } from './models/ds-cnn.ts';
export { getModelSpec, MODEL_REGISTRY } from './models/registry.ts';
export type { ModelSpec } from './models/registry.ts';
export { DEFAULT_TRAIN_CONFIG, resolveTrainConfig } from './train/train-config.ts';
export type { TrainConfig } from './train/train-config.ts';
export { accuracyOf, predictLogits, trainClassifier } from './train/train-classifier.ts';
export type { EpochRecord, TrainResult } from './train/train-classifier.ts';
export { loadLayersModel, saveLayersModel } from './train/layers-model-io.ts';
