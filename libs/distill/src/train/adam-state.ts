// Adam's full state as tensors (moments, iteration count, bias-correction powers) for exact checkpoint/resume.

import * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@whittle/datasets';

/** A named tensor as tfjs optimizers exchange them (tfjs does not export the type from its umbrella package). */
export type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

/** Everything Adam carries between steps. Tensors are owned by the holder (dispose them). */
export interface AdamState {
  /** `optimizer.getWeights()`: the int32 iteration count, then first and second moments per variable. */
  readonly weights: NamedTensor[];
  /** beta1^t and beta2^t as Adam accumulated them, step by step, in float32. */
  readonly accBeta1: tf.Scalar;
  readonly accBeta2: tf.Scalar;
}

interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function internals(optimizer: tf.AdamOptimizer): AdamInternals {
  const o = optimizer as unknown as Partial<AdamInternals>;
  if (!(o.accBeta1 instanceof tf.Variable) || !(o.accBeta2 instanceof tf.Variable)) {
    throw new UnsupportedError(`This tfjs version's AdamOptimizer has no accBeta1/accBeta2 variables (tfjs ${tf.version.tfjs})`, 'checkpointing needs them to resume exactly; pin @tensorflow/tfjs 4.22');
  }
  return o as AdamInternals;
}

/** Copy Adam's state out (clones: later steps do not change what was captured). */
export async function captureAdamState(optimizer: tf.AdamOptimizer): Promise<AdamState> {
  const { accBeta1, accBeta2 } = internals(optimizer);
  const live = await optimizer.getWeights();
  // getWeights() returns a fresh iteration scalar but the live moment variables: clone those only.
  const weights = live.map((w, i) => (i === 0 ? w : { name: w.name, tensor: w.tensor.clone() }));
  return { weights, accBeta1: accBeta1.clone() as tf.Scalar, accBeta2: accBeta2.clone() as tf.Scalar };
}

/**
 * Put a captured state into a fresh optimizer. tfjs' setWeights() recomputes beta^t with pow(),
 * which differs in the last float32 bits from the product Adam accumulated step by step, so the
 * accumulated values are assigned afterwards: without that a resumed run drifts from an uninterrupted one.
 * Does not take ownership of `state`'s tensors.
 */
export async function restoreAdamState(optimizer: tf.AdamOptimizer, state: AdamState): Promise<void> {
  const { accBeta1, accBeta2 } = internals(optimizer);
  await optimizer.setWeights(state.weights);
  accBeta1.assign(state.accBeta1);
  accBeta2.assign(state.accBeta2);
}

/** Release the tensors of a captured state. */
export function disposeAdamState(state: AdamState): void {
  state.weights.forEach((w) => w.tensor.dispose());
  state.accBeta1.dispose();
  state.accBeta2.dispose();
}
