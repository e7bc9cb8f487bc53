// The training objective: plain cross-entropy, or Hinton's distillation loss against a teacher's logits.

import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '@whittle/datasets';

/**
 * `distillation`: α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1−α)·CE(labels, student).
 * Label smoothing (TrainConfig.labelSmoothing) applies to the CE term of either kind.
 * The T² keeps the soft term's gradient scale independent of T (Hinton et al. 2015), so α means the same at any T.
 */
export type TrainingLoss =
  | { readonly kind: 'cross-entropy' }
  | { readonly kind: 'distillation'; readonly alpha: number; readonly temperature: number };

export const CROSS_ENTROPY_LOSS: TrainingLoss = Object.freeze({ kind: 'cross-entropy' });

/**
 * Defaults for keyword spotting: a mostly-soft objective at a moderate temperature. With 12 classes and a
 * teacher near 99% on training data, T = 4 exposes its second choices ("off" vs "up") without flattening them away.
 */
export const DEFAULT_DISTILLATION_LOSS: TrainingLoss = Object.freeze({ kind: 'distillation', alpha: 0.7, temperature: 4 });

/** Validate a loss config; errors name the field and the value. */
export function resolveTrainingLoss(loss: TrainingLoss): TrainingLoss {
  if (loss.kind === 'cross-entropy') return CROSS_ENTROPY_LOSS;
  if (loss.kind !== 'distillation') throw new ConfigError(`Loss kind '${(loss as { kind: string }).kind}' is not supported. Supported: cross-entropy, distillation`);
  if (!(loss.alpha >= 0 && loss.alpha <= 1)) throw new ConfigError(`Argument 'alpha' passed to 'distillation' must be in [0, 1]; got ${loss.alpha}`);
  if (!(loss.temperature > 0 && Number.isFinite(loss.temperature))) {
    throw new ConfigError(`Argument 'temperature' passed to 'distillation' must be a finite number > 0; got ${loss.temperature}`);
  }
  return Object.freeze({ kind: 'distillation', alpha: loss.alpha, temperature: loss.temperature });
}

/**
 * Mean loss over the batch. `targets` holds one distribution per row (one-hot labels, or mixup's soft targets).
 * `labelSmoothing` ε replaces them by (1−ε)·targets + ε/K in the cross-entropy term only: the teacher's distribution
 * already is soft. At ε = 0 the loss is exactly what it was before smoothing existed.
 * `teacherLogits` is required for distillation and ignored otherwise.
 */
export function trainingLossValue(loss: TrainingLoss, logits: tf.Tensor, targets: tf.Tensor, teacherLogits?: tf.Tensor, labelSmoothing = 0): tf.Scalar {
  return tf.tidy((): tf.Scalar => {
    // tfjs smooths inside softmaxCrossEntropy with this very formula (K = the targets' last dimension).
    const ce = tf.losses.softmaxCrossEntropy(targets, logits, undefined, labelSmoothing);
    if (loss.kind === 'cross-entropy') return ce as tf.Scalar;
    if (teacherLogits === undefined) throw new ConfigError("The 'distillation' loss needs teacher logits for every batch; none were given");
    const t = loss.temperature;
    const teacherLogProbs = tf.logSoftmax(tf.div(teacherLogits, t));
    const studentLogProbs = tf.logSoftmax(tf.div(logits, t));
    const kl = tf.mean(tf.sum(tf.mul(tf.exp(teacherLogProbs), tf.sub(teacherLogProbs, studentLogProbs)), -1));
    return tf.add(tf.mul(loss.alpha * t * t, kl), tf.mul(1 - loss.alpha, ce)) as tf.Scalar;
  });
}
