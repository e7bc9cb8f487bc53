// Multiply-accumulates of one forward pass of a zoo model, counted per layer from the built model's shapes.

import type * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@whittle/datasets';

type Layer = tf.LayersModel['layers'][number];

/** Output positions of a layer: height x width for an image output, 1 for a vector. */
function outputPositions(layer: Layer): number {
  const out = layer.outputShape as (number | null)[];
  return out.length === 4 ? (out[1] ?? 1) * (out[2] ?? 1) : 1;
}

/** Every kernel weight is used once per output position: kh*kw*Cin*Cout (conv), kh*kw*C*M (depthwise), in*out (dense). */
const kernelTimesPositions = (layer: Layer): number => (layer.weights[0]?.shape ?? [0]).reduce((a: number, d) => a * (d ?? 1), 1) * outputPositions(layer);
const none = (): number => 0;

/**
 * MACs per layer class. Only the weight layers count. Batch norm counts 0 because the exporter folds it
 * into the conv before it; pooling, Add, activations and reshapes count 0 too: they are adds, compares
 * and element-wise ops (at most one per output element), a few percent of the conv MACs in these models,
 * and "MACs" in the Hello Edge and BC-ResNet tables count the same way.
 */
const MAC_RULES: Readonly<Record<string, (layer: Layer) => number>> = Object.freeze({
  Conv2D: kernelTimesPositions,
  DepthwiseConv2D: kernelTimesPositions,
  Dense: kernelTimesPositions,
  InputLayer: none,
  Reshape: none,
  Flatten: none,
  BatchNormalization: none,
  ReLU: none,
  Activation: none,
  Dropout: none,
  Add: none,
  MaxPooling2D: none,
  AveragePooling2D: none,
  GlobalAveragePooling2D: none,
  // A mean and a subtraction per input value (plus a variance and a division with scale): element-wise, like pooling.
  WhittleUtteranceNormalization: none,
});

/**
 * Multiply-accumulates of one forward pass of one example (see MAC_RULES for what counts).
 * A layer class without a rule is an error listing the classes that have one.
 *
 * @example
 * countMacs(buildDsCnn(DS_CNN_S, 1)); // 20_823_808
 */
export function countMacs(model: tf.LayersModel): number {
  let macs = 0;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const rule = Object.hasOwn(MAC_RULES, cls) ? MAC_RULES[cls] : undefined;
    if (rule === undefined) throw new UnsupportedError(`countMacs: no MAC rule for layer class '${cls}' (layer '${layer.name}'). Supported: ${Object.keys(MAC_RULES).join(', ')}`);
    macs += rule(layer);
  }
  return macs;
}
