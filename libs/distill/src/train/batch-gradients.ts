// One minibatch's loss, hit count and mean-loss gradients: the unit of work a training step (or a worker's shard) does.

import * as tf from '@tensorflow/tfjs';
import { trainingLossValue, type TrainingLoss } from './training-loss.ts';

/** A minibatch as plain arrays, so it can be built on one thread and computed on another. */
export interface TrainBatch {
  /** `count` rows of frames × bins, row-major. */
  readonly x: Float32Array;
  /** The label each row's training hit is counted against; also the loss's one-hot targets when `targets` is absent. */
  readonly labels: Int32Array;
  /** `count` rows of numClasses target distributions (mixup's soft targets); absent: one-hot `labels`. */
  readonly targets?: Float32Array;
  /** `count` rows of numClasses teacher logits; required by the distillation loss. */
  readonly teacherLogits?: Float32Array;
  readonly count: number;
  readonly frames: number;
  readonly bins: number;
}

/** What a gradient computation hands back: gradients in the order of the variables it was given. */
export interface BatchGradients {
  readonly grads: tf.Tensor[];
  /** Mean loss over the batch's rows. */
  readonly loss: number;
  /** Rows whose argmax logit equals the label. */
  readonly correct: number;
}

/** Where gradients are computed: in this thread, or split over worker threads (see parallel/). */
export interface GradientEngine {
  readonly workers: number;
  /** Mean-loss gradients of `batch` at the model's current weights; in training mode, so batch-norm statistics move. */
  compute(batch: TrainBatch): Promise<BatchGradients>;
  dispose(): Promise<void>;
}

/**
 * Gradients of the mean training loss over `batch` with respect to `variables` (same order), computed with
 * `model` in training mode; `labelSmoothing` as in trainingLossValue. The caller owns and disposes the returned gradient tensors.
 */
export async function batchGradients(model: tf.LayersModel, variables: readonly tf.Variable[], batch: TrainBatch, loss: TrainingLoss, labelSmoothing = 0): Promise<BatchGradients> {
  const numClasses = (model.outputs[0]?.shape.at(-1) as number | undefined) ?? 0;
  const { grads, lossValue, hits } = tf.tidy(() => {
    const x = tf.tensor3d(batch.x.subarray(0, batch.count * batch.frames * batch.bins), [batch.count, batch.frames, batch.bins]);
    const labels = tf.tensor1d(batch.labels.subarray(0, batch.count), 'int32');
    const y = batch.targets === undefined ? tf.oneHot(labels, numClasses) : tf.tensor2d(batch.targets.subarray(0, batch.count * numClasses), [batch.count, numClasses]);
    const teacher = batch.teacherLogits === undefined ? undefined : tf.tensor2d(batch.teacherLogits.subarray(0, batch.count * numClasses), [batch.count, numClasses]);
    let logits: tf.Tensor | undefined;
    const result = tf.variableGrads(() => {
      // keep(): variableGrads disposes the forward pass's intermediates, and the hit count needs the logits.
      logits = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
      return trainingLossValue(loss, logits, y, teacher, labelSmoothing);
    }, [...variables]);
    const hitCount = tf.sum(tf.cast(tf.equal(tf.argMax(logits as tf.Tensor, -1), labels), 'float32'));
    logits?.dispose();
    return { grads: variables.map((v) => result.grads[v.name] as tf.Tensor), lossValue: result.value, hits: hitCount };
  });
  const lossNumber = (await lossValue.data())[0] as number;
  const correct = (await hits.data())[0] as number;
  lossValue.dispose();
  hits.dispose();
  return { grads, loss: lossNumber, correct };
}

/** The engine that computes every batch in this thread. */
export function localGradientEngine(model: tf.LayersModel, variables: readonly tf.Variable[], loss: TrainingLoss, labelSmoothing = 0): GradientEngine {
  return {
    workers: 1,
    compute: (batch) => batchGradients(model, variables, batch, loss, labelSmoothing),
    dispose: async () => {},
  };
}
