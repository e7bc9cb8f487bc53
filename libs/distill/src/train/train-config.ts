// Typed training configuration with validated defaults.

import { ConfigError, NO_AUGMENT_CONFIG, resolveAugmentConfig, type SpecAugmentConfig } from '@whittle/datasets';
import { NO_MIXUP, type MixupConfig } from './mixup.ts';
import { CROSS_ENTROPY_LOSS, resolveTrainingLoss, type TrainingLoss } from './training-loss.ts';

export interface TrainConfig {
  /** Registry name of the architecture (see MODEL_REGISTRY). */
  readonly model: string;
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** Peak Adam learning rate; decays along a cosine to `learningRate * finalLearningRateFraction`. */
  readonly learningRate: number;
  readonly finalLearningRateFraction: number;
  /** Stop after this many epochs without a validation-accuracy gain of at least `minDelta` (with `keep: 'best-validation'`). */
  readonly earlyStopping: { readonly patience: number; readonly minDelta: number };
  /**
   * Which epoch's weights the run ends with. 'best-validation': the epoch with the best validation accuracy, with
   * early stopping. 'last-epoch': every epoch runs and the last one's weights are kept (the end of the cosine
   * schedule), for when validation is saturated and its best epoch is decided by a handful of clips.
   */
  readonly keep: TrainKeep;
  /** Cross-entropy on the labels, or distillation from a teacher's logits (see TrainingLoss). */
  readonly loss: TrainingLoss;
  /**
   * Threads computing each batch's gradients (data parallel, gradients averaged every step). More than 1 changes
   * batch-norm statistics to per-shard ones, like PyTorch DDP without SyncBatchNorm, so it is part of the run's identity.
   */
  readonly workers: number;
  /** Time and frequency masks drawn anew for every row of every batch (all zero: off). */
  readonly specAugment: SpecAugmentConfig;
  /**
   * ε in [0, 1): the cross-entropy term learns (1−ε)·target + ε/K instead of the target, so the model is not pushed to
   * ever larger logits on voices it has memorised. 0: off.
   */
  readonly labelSmoothing: number;
  /** Mix pairs of rows and their targets (Zhang et al. 2018) in a fraction of the batches; probability 0: off. */
  readonly mixup: MixupConfig;
  /**
   * Decay in [0, 1) of an exponential moving average of the weights (WeightAverage), updated every step: validation,
   * the best epoch and the result use the averaged weights. 0: off (the weights as trained). 0.999 averages over
   * roughly the last thousand steps.
   */
  readonly weightAverageDecay: number;
}

export type TrainKeep = 'best-validation' | 'last-epoch';
export const TRAIN_KEEP_CHOICES: readonly TrainKeep[] = Object.freeze(['best-validation', 'last-epoch']);

export const DEFAULT_TRAIN_CONFIG: TrainConfig = Object.freeze({
  model: 'ds-cnn-s',
  seed: 42,
  epochs: 16,
  batchSize: 64,
  learningRate: 3e-3,
  finalLearningRateFraction: 0.05,
  earlyStopping: Object.freeze({ patience: 4, minDelta: 0.001 }),
  keep: 'best-validation',
  loss: CROSS_ENTROPY_LOSS,
  workers: 1,
  specAugment: NO_AUGMENT_CONFIG.specAugment,
  labelSmoothing: 0,
  mixup: NO_MIXUP,
  weightAverageDecay: 0,
});

function check(ok: boolean, field: string, expected: string, got: unknown): void {
  if (!ok) throw new ConfigError(`Argument '${field}' passed to 'train' must be ${expected}; got ${JSON.stringify(got)}`);
}

/** Merge a partial config over the defaults and validate every field. */
export function resolveTrainConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
  const c: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    ...partial,
    earlyStopping: { ...DEFAULT_TRAIN_CONFIG.earlyStopping, ...(partial.earlyStopping ?? {}) },
    specAugment: { ...DEFAULT_TRAIN_CONFIG.specAugment, ...(partial.specAugment ?? {}) },
    mixup: { ...DEFAULT_TRAIN_CONFIG.mixup, ...(partial.mixup ?? {}) },
  };
  check(typeof c.model === 'string' && c.model.length > 0, 'model', 'a model name', c.model);
  check(Number.isInteger(c.seed) && c.seed >= 0, 'seed', 'an integer ≥ 0', c.seed);
  check(Number.isInteger(c.epochs) && c.epochs >= 1, 'epochs', 'an integer ≥ 1', c.epochs);
  check(Number.isInteger(c.batchSize) && c.batchSize >= 1 && c.batchSize <= 4096, 'batchSize', 'an integer in [1, 4096]', c.batchSize);
  check(Number.isInteger(c.workers) && c.workers >= 1 && c.workers <= 64, 'workers', 'an integer in [1, 64]', c.workers);
  check(c.workers <= c.batchSize, 'workers', `at most batchSize (${c.batchSize}) so every worker gets rows`, c.workers);
  check(c.learningRate > 0 && c.learningRate < 1, 'learningRate', 'in (0, 1)', c.learningRate);
  check(c.finalLearningRateFraction > 0 && c.finalLearningRateFraction <= 1, 'finalLearningRateFraction', 'in (0, 1]', c.finalLearningRateFraction);
  check(Number.isInteger(c.earlyStopping.patience) && c.earlyStopping.patience >= 1, 'earlyStopping.patience', 'an integer ≥ 1', c.earlyStopping.patience);
  check(c.earlyStopping.minDelta >= 0, 'earlyStopping.minDelta', '≥ 0', c.earlyStopping.minDelta);
  check(TRAIN_KEEP_CHOICES.includes(c.keep), 'keep', `one of ${TRAIN_KEEP_CHOICES.map((k) => `'${k}'`).join(', ')}`, c.keep);
  check(typeof c.labelSmoothing === 'number' && c.labelSmoothing >= 0 && c.labelSmoothing < 1, 'labelSmoothing', 'a number in [0, 1)', c.labelSmoothing);
  check(typeof c.mixup.probability === 'number' && c.mixup.probability >= 0 && c.mixup.probability <= 1, 'mixup.probability', 'a number in [0, 1]', c.mixup.probability);
  check(typeof c.weightAverageDecay === 'number' && c.weightAverageDecay >= 0 && c.weightAverageDecay < 1, 'weightAverageDecay', 'a number in [0, 1)', c.weightAverageDecay);
  check(typeof c.mixup.alpha === 'number' && c.mixup.alpha > 0 && Number.isFinite(c.mixup.alpha), 'mixup.alpha', 'a finite number > 0', c.mixup.alpha);
  // Mask counts and widths are validated where they are defined, by the augmentation config.
  const specAugment = resolveAugmentConfig({ specAugment: c.specAugment }).specAugment;
  const mixup = Object.freeze({ probability: c.mixup.probability, alpha: c.mixup.alpha });
  return Object.freeze({ ...c, loss: resolveTrainingLoss(c.loss), specAugment, mixup });
}

/** A TrainConfig as a run's identity: the regularisers added after the rest are left out while they are off. */
export type TrainConfigIdentity = Omit<TrainConfig, 'labelSmoothing' | 'mixup' | 'weightAverageDecay' | 'keep'> & Partial<Pick<TrainConfig, 'labelSmoothing' | 'mixup' | 'weightAverageDecay' | 'keep'>>;

/**
 * `config` without `labelSmoothing` when it is 0, without `mixup` when its probability is 0 (alpha then changes
 * nothing), without `weightAverageDecay` when it is 0 and without `keep` when it is 'best-validation'. A run with all
 * at those values has the identity it had before they existed, so checkpoints and caches keyed by the config stay valid.
 * @example configHash({ role, train: trainConfigIdentity(config) }) // same key as before for a default config
 */
export function trainConfigIdentity(config: TrainConfig): TrainConfigIdentity {
  const { labelSmoothing, mixup, weightAverageDecay, keep, ...rest } = config;
  return {
    ...rest,
    ...(labelSmoothing === 0 ? {} : { labelSmoothing }),
    ...(mixup.probability === 0 ? {} : { mixup }),
    ...(weightAverageDecay === 0 || weightAverageDecay === undefined ? {} : { weightAverageDecay }),
    ...(keep === 'best-validation' || keep === undefined ? {} : { keep }),
  };
}
