// Reads a Gemm or MatMul with a constant weight as `x @ W [+ bias]`, the form MatMulInteger computes, or says why it cannot.

import { UnsupportedError } from '@whittle/datasets';
import { findAttribute, intAttribute } from '../onnx/attribute.ts';
import type { OnnxNode } from '../onnx/onnx-model.ts';
import type { GraphIndex } from '../quantize/graph-index.ts';

/** A dense layer as MatMulInteger needs it: activation `x` times a constant float weight laid out [in, out]. */
export interface DenseOperand {
  /** The run-time activation (Gemm's A, MatMul's first input). */
  readonly input: string;
  /** The weight initializer's name in the fp32 graph. */
  readonly weightName: string;
  /** The weight as [in, out] (Gemm transB = 1 transposed back, alpha folded in), ready to quantize per output column. */
  readonly weight: Float32Array;
  readonly dims: readonly [number, number];
  /** A tag for the layout/scaling applied to the stored weight ('' when stored as is); nodes sharing a weight and tag share its int8 copy. */
  readonly variant: string;
  /** What to add after the matmul: Gemm's C (already multiplied by beta when `scaledBy` is set), or undefined. */
  readonly bias: { readonly name: string; readonly scaledBy?: number } | undefined;
}

function floatAttribute(node: OnnxNode, name: string, fallback: number): number {
  const attr = findAttribute(node.attributes, name);
  return attr?.type === 'float' ? attr.value : fallback;
}

/** [rows, cols] row-major -> [cols, rows], each value times `factor`. */
function transposed(data: Float32Array, rows: number, cols: number, factor: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = Math.fround((data[r * cols + c] as number) * factor);
  return out;
}

/** The constant float initializer `tensor`, unless it is also a graph input (then callers may override it at run time). */
function constantWeight(tensor: string | undefined, graph: GraphIndex) {
  if (tensor === undefined || tensor === '' || graph.graph.inputs.some((i) => i.name === tensor)) return undefined;
  return graph.floatInitializer(tensor);
}

/**
 * `node` as `input @ weight [+ bias]`, or undefined when it has no constant float weight (then it is not a
 * dense layer and stays as it is). Throws UnsupportedError, naming the node, for forms MatMulInteger cannot
 * express: Gemm transA = 1, Gemm beta != 1 on a run-time C, a weight that is not 2-D.
 */
export function denseOperand(node: OnnxNode, graph: GraphIndex): DenseOperand | undefined {
  const [a, b, c] = node.inputs;
  const w = constantWeight(b, graph);
  if (a === undefined || b === undefined || w === undefined || !graph.isActivation(a)) return undefined;
  const where = `${node.opType} node '${node.name}' (weight '${b}')`;
  if (w.dims.length !== 2) {
    throw new UnsupportedError(`quantizeDynamic: ${where} has a ${w.dims.length}-D weight [${w.dims.join(', ')}]; only 2-D weights are supported`, "leave MatMul out of the config's 'ops' to keep it float");
  }
  const [rows, cols] = w.dims as [number, number];
  if (node.opType === 'MatMul') return { input: a, weightName: b, weight: w.data, dims: [rows, cols], variant: '', bias: undefined };

  // Gemm: Y = alpha * A' @ B' + beta * C.
  if (intAttribute(node.attributes, 'transA', 0) !== 0) {
    throw new UnsupportedError(`quantizeDynamic: ${where} has transA = 1; MatMulInteger has no transposed input`, 'export the layer with transA = 0 (the Whittle exporter always does)');
  }
  const alpha = floatAttribute(node, 'alpha', 1);
  const beta = floatAttribute(node, 'beta', 1);
  const transB = intAttribute(node.attributes, 'transB', 0) === 1;
  // alpha is folded into the float weight before quantizing: the int8 grid then covers alpha * W exactly.
  const weight = transB ? transposed(w.data, rows, cols, alpha) : alpha === 1 ? w.data : w.data.map((v) => Math.fround(v * alpha));
  const variant = `${transB ? 't' : ''}${alpha === 1 ? '' : `a${alpha}`}`;
  const dims: [number, number] = transB ? [cols, rows] : [rows, cols];
  if (c === undefined || c === '') return { input: a, weightName: b, weight, dims, variant, bias: undefined };
  if (beta === 1) return { input: a, weightName: b, weight, dims, variant, bias: { name: c } };
  if (constantWeight(c, graph) === undefined) {
    throw new UnsupportedError(`quantizeDynamic: ${where} has beta = ${beta} on a run-time C '${c}'; only a constant C can absorb beta`, 'fold beta into C before quantizing');
  }
  return { input: a, weightName: b, weight, dims, variant, bias: { name: c, scaledBy: beta } };
}
