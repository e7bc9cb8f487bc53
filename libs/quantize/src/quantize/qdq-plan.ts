// Decide, from the fp32 graph alone, which tensors get Q/DQ: shared by calibration (phase 1) and quantization (phase 2).

import type { OnnxGraph } from '../onnx/onnx-model.ts';
import { getOpQuantizer } from '../registry.ts';
import { GraphIndex } from './graph-index.ts';

export interface QdqPlan {
  /** Activations whose range must be calibrated, in graph order. */
  readonly calibrated: readonly string[];
  /** Every quantized activation -> the calibrated tensor whose scale and zero point it uses. */
  readonly paramsOf: ReadonlyMap<string, string>;
  /** Weight initializer -> quantization axis. */
  readonly weights: ReadonlyMap<string, number>;
  /** Bias initializer -> the activation and weight whose scales multiply into its scale. */
  readonly biases: ReadonlyMap<string, { readonly input: string; readonly weight: string }>;
}

/**
 * Ask each node's op quantizer (registry.ts) what it wants quantized, then resolve activations that
 * come out of data-movement ops (Reshape, Flatten, ...) to the tensor that went in, so both share
 * one scale and zero point. Ops without a quantizer stay float.
 */
export function planQdq(graph: OnnxGraph): QdqPlan {
  const index = new GraphIndex(graph);
  const requested: string[] = [];
  const weights = new Map<string, number>();
  const biases = new Map<string, { input: string; weight: string }>();
  for (const node of graph.nodes) {
    const quantizer = getOpQuantizer(node.opType);
    if (quantizer?.kind !== 'compute') continue;
    const request = quantizer.request(node, index);
    if (request === undefined) continue;
    requested.push(...request.activations);
    for (const w of request.weights) if (!weights.has(w.tensor)) weights.set(w.tensor, w.axis);
    for (const b of request.biases) if (!biases.has(b.tensor)) biases.set(b.tensor, { input: b.input, weight: b.weight });
  }

  const calibrated: string[] = [];
  const paramsOf = new Map<string, string>();
  const resolve = (tensor: string): string => {
    const known = paramsOf.get(tensor);
    if (known !== undefined) return known;
    const producer = index.producer(tensor);
    const source = producer?.inputs[0];
    const root = producer !== undefined && getOpQuantizer(producer.opType)?.kind === 'data-movement' && source !== undefined && index.isActivation(source) ? resolve(source) : tensor;
    if (root === tensor) calibrated.push(tensor);
    paramsOf.set(tensor, root);
    return root;
  };
  for (const tensor of requested) resolve(tensor);
  return { calibrated, paramsOf, weights, biases };
}
