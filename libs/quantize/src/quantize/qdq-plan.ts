// Decide, from the fp32 graph alone, which tensors get Q/DQ: shared by calibration (phase 1) and quantization (phase 2).

import { WhittleError } from '@whittle/datasets';
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
  /** Names of the compute nodes that could be quantized (an op quantizer accepts them), in graph order. */
  readonly quantizable: readonly string[];
  /** The quantizable nodes this plan quantizes: `quantizable` minus the ones kept float. */
  readonly quantized: readonly string[];
}

export interface QdqPlanOptions {
  /**
   * Node names (the fp32 graph's, i.e. the exported layer names) to leave in float: their own
   * weights and biases stay float32 and they request no Q/DQ; a tensor around them is still
   * quantized when a quantized neighbour asks for it.
   */
  readonly keepFloat?: readonly string[];
}

/**
 * Ask each node's op quantizer (registry.ts) what it wants quantized, then resolve activations that
 * come out of data-movement ops (Reshape, Flatten, ...) to the tensor that went in, so both share
 * one scale and zero point. Ops without a quantizer, and nodes named in `keepFloat`, stay float.
 */
export function planQdq(graph: OnnxGraph, options: QdqPlanOptions = {}): QdqPlan {
  const index = new GraphIndex(graph);
  const keepFloat = new Set(options.keepFloat ?? []);
  const requested: string[] = [];
  const weights = new Map<string, number>();
  const biases = new Map<string, { input: string; weight: string }>();
  const quantizable: string[] = [];
  const quantized: string[] = [];
  for (const node of graph.nodes) {
    const quantizer = getOpQuantizer(node.opType);
    if (quantizer?.kind !== 'compute') continue;
    const request = quantizer.request(node, index);
    if (request === undefined) continue;
    quantizable.push(node.name);
    if (keepFloat.has(node.name)) continue;
    quantized.push(node.name);
    requested.push(...request.activations);
    for (const w of request.weights) if (!weights.has(w.tensor)) weights.set(w.tensor, w.axis);
    for (const b of request.biases) if (!biases.has(b.tensor)) biases.set(b.tensor, { input: b.input, weight: b.weight });
  }
  const unknown = [...keepFloat].filter((name) => name === '' || !quantizable.includes(name));
  if (unknown.length > 0) {
    throw new WhittleError('INVALID_ARGUMENT', `keepFloat names ${unknown.map((n) => `'${n}'`).join(', ')}, which ${unknown.length === 1 ? 'is not a quantizable node' : 'are not quantizable nodes'}. Quantizable: ${quantizable.join(', ')}`, {
      hint: 'pass node names of the fp32 graph (the exported layer names), e.g. from layerQuantizationReport',
    });
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
  return { calibrated, paramsOf, weights, biases, quantizable, quantized };
}
