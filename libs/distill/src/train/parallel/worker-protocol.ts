// The messages between the data-parallel engine (main thread) and its gradient workers, and the buffers they share.

import type * as tf from '@tensorflow/tfjs';
import type { TrainingLoss } from '../training-loss.ts';

/** Backends a worker can load the way the main process did (see backend/candidates.ts). */
export const WORKER_BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type WorkerBackend = (typeof WORKER_BACKENDS)[number];

/** A Keras model topology as `model.toJSON(null, false)` returns it (tfjs does not export the type). */
export type ModelTopology = Exclude<ReturnType<tf.LayersModel['toJSON']>, string>;

/**
 * What a worker starts from (its `workerData`). Weights are indexed in `model.weights` order; `trainable` lists the
 * indices of the variables gradients are taken for (in the engine's `variables` order), `state` the non-trainable ones
 * (batch-norm moving statistics) a step updates and the main thread averages.
 */
export interface WorkerInit {
  /** 1-based: the main thread is worker 0. */
  readonly index: number;
  readonly workers: number;
  readonly backend: WorkerBackend;
  /** `model.toJSON(null, false)`: the Keras topology, rebuilt with tf.models.modelFromJSON. */
  readonly modelTopology: ModelTopology;
  readonly weightShapes: readonly (readonly number[])[];
  readonly trainable: readonly number[];
  readonly state: readonly number[];
  readonly loss: TrainingLoss;
  /** TrainConfig.labelSmoothing: every shard's cross-entropy smooths its targets the same way. */
  readonly labelSmoothing: number;
  /** Every weight, packed in `model.weights` order; the main thread writes it before each step, workers only read. */
  readonly weights: SharedArrayBuffer;
  /** This worker's results, written by the worker during a step: gradients (in `trainable` order), then `state` values. */
  readonly output: SharedArrayBuffer;
}

/**
 * One step: compute the shard now in `input` (x, then labels, then teacher logits, then targets, each at the offsets
 * given). `input` is only sent when the main thread had to grow it; otherwise the worker keeps the one it has.
 */
export interface StepRequest {
  readonly type: 'step';
  readonly step: number;
  readonly count: number;
  readonly frames: number;
  readonly bins: number;
  /** Teacher logits per row, 0 without a teacher. */
  readonly numClasses: number;
  /** Soft target values per row (mixup), 0 when the shard's targets are its one-hot labels. */
  readonly targetClasses: number;
  readonly input?: SharedArrayBuffer;
}

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly step: number; readonly loss: number; readonly correct: number; readonly seconds: number }
  | { readonly type: 'error'; readonly step?: number; readonly message: string; readonly code?: string; readonly stack?: string };

/** Byte offsets of a shard's arrays in an input buffer: floats x, int32 labels, floats teacher logits, floats targets. */
export function shardInputLayout(
  count: number,
  frames: number,
  bins: number,
  numClasses: number,
  targetClasses = 0,
): { labels: number; teacher: number; targets: number; bytes: number } {
  const labels = count * frames * bins * 4;
  const teacher = labels + count * 4;
  const targets = teacher + count * numClasses * 4;
  return { labels, teacher, targets, bytes: targets + count * targetClasses * 4 };
}
