// A BatchNormalization layer whose training branch is one fused op (batchNormTraining); saved, loaded and exported as the stock layer.

import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '@whittle/datasets';
import { batchNormTraining } from '../backend/gradients/batch-norm-training.ts';

/** tf.layers.batchNormalization's arguments; the fused layer normalises over the last axis only. */
export type FusedBatchNormalizationArgs = Omit<NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>, 'axis'> & { readonly axis?: -1 };

type Kwargs = Parameters<tf.layers.Layer['call']>[1];

/** The stock layer's fields this subclass reads (tfjs does not export the class or its type). */
interface StockBatchNormalization extends tf.layers.Layer {
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly gamma?: tf.LayerVariable;
  readonly beta?: tf.LayerVariable;
  readonly movingMean: tf.LayerVariable;
  readonly movingVariance: tf.LayerVariable;
}

type StockBatchNormalizationClass = (new (args?: FusedBatchNormalizationArgs) => StockBatchNormalization) & { readonly className: string };

// Marks the subclass so that a second evaluation of this module (vitest without isolation, two
// import paths) still extends tfjs' class rather than the subclass registered by the first one.
const FUSED = Symbol.for('whittle.FusedBatchNormalization');

// Taken from the serialization registry rather than from a throwaway tf.layers.batchNormalization({}):
// constructing a layer would advance tfjs' auto-naming counter and rename later unnamed layers.
function stockBatchNormalization(): StockBatchNormalizationClass {
  let cls = tf.serialization.SerializationMap.getMap().classNameMap['BatchNormalization']?.[0] as unknown as StockBatchNormalizationClass | undefined;
  while (cls !== undefined && FUSED in cls) cls = Object.getPrototypeOf(cls) as StockBatchNormalizationClass;
  if (cls === undefined) throw new Error('tfjs-layers has no registered BatchNormalization class');
  return cls;
}

/**
 * tf.layers.batchNormalization with the training branch (batch moments, normalize, moving-average
 * update) done by batchNormTraining: one fused op with a closed-form gradient instead of tf.moments +
 * tf.batchNorm and their ~16 full-size gradient passes (a DS-CNN step at ~0.8x the time on wasm).
 *
 * Everything a user sees is the stock layer's: the class name (so model.json, tf.loadLayersModel
 * elsewhere and the ONNX exporter see 'BatchNormalization'), the config and weights, inference
 * (the stock call), and in training the same values and gradients up to float rounding. Cases the
 * fused op does not cover (a non-last axis, center or scale off, non-float32 or rank-1 input) run
 * the stock code unchanged, errors included.
 */
export class FusedBatchNormalization extends stockBatchNormalization() {
  /** The stock name: serialized configs stay loadable by any tfjs, and the exporter dispatches on it. */
  static override readonly className: string = 'BatchNormalization';
  static readonly [FUSED] = true;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    // The stock layer's test, verbatim: a missing flag means inference, any truthy value training.
    const training = kwargs['training'] == null ? false : kwargs['training'];
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    const { gamma, beta } = this;
    if (!training || x === undefined || gamma === undefined || beta === undefined || !this.fusable(x)) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormTraining(x, gamma.read() as tf.Tensor1D, beta.read() as tf.Tensor1D, this.epsilon);
      // tfjs' (and Keras') update, op for op: moving -= (moving - batch) * (1 - momentum), with the
      // population (biased) batch variance as tf.moments gives it.
      for (const [variable, value] of [[this.movingMean, mean], [this.movingVariance, variance]] as const) {
        tf.tidy(() => {
          const previous = variable.read();
          variable.write(tf.sub(previous, tf.mul(tf.sub(previous, value), 1 - this.momentum)));
        });
      }
      return y;
    });
  }

  /** Whether batchNormTraining computes exactly what the stock training branch would for `x`. */
  private fusable(x: tf.Tensor): boolean {
    const axis = this.axis >= 0 ? this.axis : this.axis + x.rank;
    return x.rank >= 2 && axis === x.rank - 1 && x.dtype === 'float32' && this.center && this.scale;
  }
}

// Deserialization (tf.loadLayersModel, tf.models.modelFromJSON in gradient workers) now builds the
// fused layer for every 'BatchNormalization' in this process. Safe because inference is the stock
// code and training matches it within float rounding (fused-batch-normalization.test.ts); the saved
// JSON is unchanged, so other processes and stock tfjs still load the stock class.
tf.serialization.registerClass(FusedBatchNormalization as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

/**
 * Build a FusedBatchNormalization: tf.layers.batchNormalization's arguments, last axis only.
 *
 * @example
 * model.add(fusedBatchNormalization({ momentum: 0.9, name: 'conv_1_bn' }));
 */
export function fusedBatchNormalization(args: FusedBatchNormalizationArgs = {}): tf.layers.Layer {
  const axis: unknown = (args as { axis?: unknown }).axis;
  if (axis !== undefined && axis !== -1) {
    throw new ConfigError(
      `Argument 'axis' passed to 'fusedBatchNormalization'${args.name === undefined ? '' : ` (layer '${args.name}')`} must be -1 (the channel axis); got ${JSON.stringify(axis)}`,
      'the fused training op normalises over the last axis only; use tf.layers.batchNormalization for another axis',
    );
  }
  return new FusedBatchNormalization(args);
}
