// Dynamic int8 quantization: rewrite every dense layer (Gemm/MatMul with a constant weight) to DynamicQuantizeLinear + MatMulInteger.

import { UnsupportedError } from '@whittle/datasets';
import { intAttr } from '../onnx/attribute.ts';
import { compactTensorNames } from '../onnx/compact-tensor-names.ts';
import { ONNX_DATA_TYPES, type OnnxModel, type OnnxNode, type OnnxTensor } from '../onnx/onnx-model.ts';
import { symmetricWeightParams } from '../quantize/math/quant-params.ts';
import { quantizeWeights } from '../quantize/math/quantize-values.ts';
import { GraphIndex } from '../quantize/graph-index.ts';
import { QdqNames } from '../quantize/qdq-names.ts';
import { denseOperand, type DenseOperand } from './dense-operand.ts';
import { resolveDynamicQuantizeConfig, type DynamicQuantizeConfig } from './dynamic-quantize-config.ts';

/** An added node; only the MatMulInteger keeps the layer's name (so the layer stays findable), the rest are unnamed like quantizeStatic's Q/DQ. */
function node(opType: string, inputs: string[], outputs: string[], name = '', to?: number): OnnxNode {
  return { name, opType, domain: '', inputs, outputs, attributes: to === undefined ? [] : [intAttr('to', to)] };
}

/**
 * Dynamic int8 post-training quantization of the dense layers, in standard ai.onnx ops only (opset >= 11),
 * so onnx.checker and any runtime accept it. Each Gemm/MatMul `y = x @ W + b` with a constant W becomes
 *
 *   DynamicQuantizeLinear(x) -> x_q (uint8), x_scale, x_zp        (range of this x, at run time)
 *   Mul(x_scale, W_scale) -> y_scale                              (W_scale: [] per-tensor, [out] per-channel)
 *   MatMulInteger(x_q, W_q, x_zp) -> int32                        (W_q: int8 [in, out], zero point 0 so omitted)
 *   Cast(to float) -> Mul(., y_scale) -> Add(., b) -> y
 *
 * which is the pattern onnxruntime's CPU provider fuses into MatMulIntegerToFloat and then
 * DynamicQuantizeMatMul (its fusion wants the scale Mul as (x_scale, W_scale), each DynamicQuantizeLinear
 * output read once, and the bias as the Add's second input, so each layer gets its own DynamicQuantizeLinear).
 * Gemm transB = 1 is stored transposed, alpha is folded into W and beta into a constant C. Conv and every
 * other node stay float, as the issue scopes this mode to dense layers: onnxruntime has no fusion for
 * DynamicQuantizeLinear + ConvInteger, so a dynamic Conv would run as five unfused kernels and lose the
 * Conv+Relu fusion; quantizeStatic is the way to quantize convolutions.
 * Throws UnsupportedError when there is nothing to rewrite, rather than returning an unchanged "int8" model.
 * Returns a new model (tensor names compacted, node names kept); `model` is not modified.
 *
 * @example
 * const int8 = quantizeDynamic(fp32, resolveDynamicQuantizeConfig({ weights: { granularity: 'per-tensor' } }));
 */
export function quantizeDynamic(model: OnnxModel, config: DynamicQuantizeConfig): OnnxModel {
  const cfg = resolveDynamicQuantizeConfig(config);
  const opset = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < 11) throw new UnsupportedError(`quantizeDynamic needs opset 11 or newer (DynamicQuantizeLinear); the model imports opset ${opset}`, 'export with opset 13');
  const { graph } = model;
  const index = new GraphIndex(graph);
  const names = new QdqNames(graph);
  const perChannel = cfg.weights.granularity === 'per-channel';

  const dense = new Map<OnnxNode, DenseOperand>();
  for (const n of graph.nodes) {
    if (n.domain !== '' && n.domain !== 'ai.onnx') continue;
    if (!(cfg.ops as readonly string[]).includes(n.opType)) continue;
    const operand = denseOperand(n, index);
    if (operand !== undefined) dense.set(n, operand);
  }
  if (dense.size === 0) {
    const ops = [...new Set(graph.nodes.map((n) => n.opType))].join(', ');
    throw new UnsupportedError(`quantizeDynamic: no ${cfg.ops.join('/')} with a constant weight; dynamic int8 would not change this model (its ops: ${ops})`, 'use quantizeStatic to quantize convolutions');
  }

  // One int8 copy per weight and layout, shared by the layers that read it.
  const added: OnnxTensor[] = [];
  const weights = new Map<string, { q: string; scale: string }>();
  const weightOf = (op: DenseOperand): { q: string; scale: string } => {
    const base = op.variant === '' ? op.weightName : `${op.weightName}_${op.variant}`;
    const known = weights.get(base);
    if (known !== undefined) return known;
    // Output columns are axis 1 of [in, out].
    const axis = perChannel ? 1 : undefined;
    const params = symmetricWeightParams(op.weight, op.dims, axis);
    const entry = { q: names.quantized(base), scale: names.scale(base) };
    added.push({ name: entry.q, dataType: 'int8', dims: op.dims, data: quantizeWeights(op.weight, op.dims, axis, params) });
    added.push({ name: entry.scale, dataType: 'float32', dims: axis === undefined ? [] : [params.length], data: Float32Array.from(params, (p) => p.scale) });
    weights.set(base, entry);
    return entry;
  };
  const biasOf = (bias: NonNullable<DenseOperand['bias']>): string => {
    if (bias.scaledBy === undefined) return bias.name;
    const c = index.floatInitializer(bias.name) as Extract<OnnxTensor, { dataType: 'float32' }>;
    // Named as C's float stand-in: readers of the rewritten layer use it instead of C.
    const name = names.dequantized(`${bias.name}_beta${bias.scaledBy}`);
    if (!added.some((t) => t.name === name)) added.push({ name, dataType: 'float32', dims: c.dims, data: c.data.map((v) => Math.fround(v * (bias.scaledBy as number))) });
    return name;
  };

  const nodes: OnnxNode[] = [];
  for (const n of graph.nodes) {
    const op = dense.get(n);
    if (op === undefined) {
      nodes.push(n);
      continue;
    }
    const y = n.outputs[0] as string;
    // The activation's quantized names are per layer, since each layer gets its own DynamicQuantizeLinear.
    const xBase = `${op.input}_for_${y}`;
    const [xq, xScale, xZp] = [names.quantized(xBase), names.scale(xBase), names.zeroPoint(xBase)];
    const w = weightOf(op);
    const accumulator = names.quantized(y);
    const product = op.bias === undefined ? y : names.dequantized(y);
    nodes.push(
      node('DynamicQuantizeLinear', [op.input], [xq, xScale, xZp]),
      node('Mul', [xScale, w.scale], [names.scale(y)]),
      node('MatMulInteger', [xq, w.q, xZp], [accumulator], n.name),
      node('Cast', [accumulator], [names.dequantized(accumulator)], '', ONNX_DATA_TYPES.float32),
      node('Mul', [names.dequantized(accumulator), names.scale(y)], [product]),
    );
    if (op.bias !== undefined) nodes.push(node('Add', [product, biasOf(op.bias)], [y]));
  }

  // Float weights (and beta-scaled Cs) that no node reads any more leave the file; that is the whole saving.
  const read = new Set(nodes.flatMap((n) => n.inputs));
  const replaced = new Set([...dense.values()].flatMap((op) => [op.weightName, ...(op.bias?.scaledBy === undefined ? [] : [op.bias.name])]));
  const dropped = (name: string): boolean => replaced.has(name) && !read.has(name);
  const ops = [...new Set([...dense.keys()].map((n) => n.opType))].join('/');
  return compactTensorNames({
    ...model,
    // Neither is ever a graph input (denseOperand treats those as run-time values), so graph.inputs stays as it is.
    graph: { ...graph, nodes, initializers: [...graph.initializers.filter((t) => !dropped(t.name)), ...added] },
    metadata: {
      ...model.metadata,
      whittle_quantization: `dynamic int8 ${cfg.weights.granularity} weights, uint8 activations quantized at run time, on ${dense.size} ${ops} node${dense.size === 1 ? '' : 's'}; other ops float`,
    },
  });
}
