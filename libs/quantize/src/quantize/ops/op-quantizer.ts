// The contract of per-op QDQ quantizers: each says which tensors around one node get Q/DQ (registry.ts lists them).

import type { OnnxNode } from '../../onnx/onnx-model.ts';
import type { GraphIndex } from '../graph-index.ts';

/** What quantizing one compute node asks for; tensors are names in the fp32 graph. */
export interface NodeQdqRequest {
  /** Activations (inputs and outputs) to surround with QuantizeLinear -> DequantizeLinear. */
  readonly activations: readonly string[];
  /** Float weight initializers to store as int8, quantized per channel along `axis`. */
  readonly weights: readonly { readonly tensor: string; readonly axis: number }[];
  /** Float bias initializers to store as int32 with scale = scale(input) x scale(weight). */
  readonly biases: readonly { readonly tensor: string; readonly input: string; readonly weight: string }[];
}

/**
 * 'compute' ops (Conv, Gemm, Add, pooling) run on integers once onnxruntime fuses their Q/DQ; 'data-movement'
 * ops (Reshape, Flatten, Transpose, MaxPool) only rearrange values, so their output reuses the input's
 * scale and zero point and onnxruntime drops the Q/DQ pair around them.
 */
export type OpQuantizer =
  | { readonly kind: 'compute'; readonly opType: string; request(node: OnnxNode, graph: GraphIndex): NodeQdqRequest | undefined }
  | { readonly kind: 'data-movement'; readonly opType: string };

/**
 * The tensor to quantize for `node`'s output: when its only reader is a Relu (or a Clip, i.e. ReLU6),
 * the activation's output instead, so Q sees the clipped range and onnxruntime can fold the
 * activation into the quantizer. Graph outputs are never quantized (logits stay float).
 */
export function quantizedOutput(node: OnnxNode, graph: GraphIndex): string | undefined {
  const output = node.outputs[0];
  if (output === undefined || graph.isGraphOutput(output)) return undefined;
  const readers = graph.consumersOf(output);
  const only = readers[0];
  if (readers.length === 1 && only !== undefined && (only.opType === 'Relu' || only.opType === 'Clip') && only.inputs[0] === output) {
    const activated = only.outputs[0];
    return activated === undefined || graph.isGraphOutput(activated) ? undefined : activated;
  }
  return output;
}
