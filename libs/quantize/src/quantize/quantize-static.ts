// Quantization phase 2: rewrite an fp32 ONNX graph into static int8 QDQ form using calibrated ranges.

import { UnsupportedError, WhittleError } from '@whittle/datasets';
import { intAttr } from '../onnx/attribute.ts';
import { compactTensorNames } from '../onnx/compact-tensor-names.ts';
import type { OnnxNode, OnnxModel, OnnxTensor } from '../onnx/onnx-model.ts';
import { activationParams, biasScale, symmetricWeightParams, type QuantParams } from './math/quant-params.ts';
import { quantizeBias, quantizeWeights } from './math/quantize-values.ts';
import { GraphIndex } from './graph-index.ts';
import { QdqNames } from './qdq-names.ts';
import { planQdq, type QdqPlanOptions } from './qdq-plan.ts';
import { resolveStaticQuantizeConfig, type StaticQuantizeConfig } from './static-quantize-config.ts';
import type { TensorRanges } from './tensor-ranges.ts';

/** An added node; unnamed (names are optional in ONNX), as ~50 Q/DQ names would cost a few percent of a small file. */
function node(opType: string, inputs: string[], output: string, axis?: number): OnnxNode {
  return { name: '', opType, domain: '', inputs, outputs: [output], attributes: axis === undefined ? [] : [intAttr('axis', axis)] };
}

/**
 * Static int8 post-training quantization in QDQ form, following onnxruntime's conventions so its
 * CPU provider fuses the patterns into QLinearConv / QLinearGlobalAveragePool:
 * - activations around Conv/Gemm/pools: QuantizeLinear -> DequantizeLinear with calibrated params,
 *   placed after a following ReLU (with asymmetric activations its zero point is qmin, and
 *   onnxruntime then drops the ReLU into the quantizer);
 * - weights: int8 initializers, symmetric, per output channel, then DequantizeLinear;
 * - biases: int32 initializers with scale input_scale x weight_scale, zero point 0, then DequantizeLinear;
 * - graph outputs (logits) stay float;
 * - nodes named in `options.keepFloat` keep float32 weights and biases, and the tensors around
 *   them are quantized only where a quantized neighbour needs them (see planQdq).
 * Returns a new model (tensor names compacted, node names kept); `model` is not modified.
 *
 * @example
 * const ranges = await collectMinMax(fp32, feeds(), {});
 * const bytes = encodeOnnxModel(quantizeStatic(fp32, ranges, DEFAULT_STATIC_QUANTIZE_CONFIG));
 * const mixed = quantizeStatic(fp32, ranges, DEFAULT_STATIC_QUANTIZE_CONFIG, { keepFloat: ['conv_1'] });
 */
export function quantizeStatic(model: OnnxModel, ranges: TensorRanges, config: StaticQuantizeConfig, options: QdqPlanOptions = {}): OnnxModel {
  const cfg = resolveStaticQuantizeConfig(config);
  const opset = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < 13) throw new UnsupportedError(`quantizeStatic needs opset 13 or newer (per-channel DequantizeLinear); the model imports opset ${opset}`, 'export with opset 13');
  const { graph } = model;
  const index = new GraphIndex(graph);
  const plan = planQdq(graph, options);
  const perChannel = cfg.weights.granularity === 'per-channel';
  const names = new QdqNames(graph);

  // Activation params, one per calibrated tensor; tensors after data-movement ops reuse them.
  const activation = new Map<string, QuantParams>();
  for (const tensor of plan.calibrated) {
    const range = ranges.tensors[tensor];
    if (range === undefined) {
      throw new WhittleError('INVALID_ARGUMENT', `TensorRanges has no range for tensor '${tensor}' (it has ${Object.keys(ranges.tensors).length}: ${Object.keys(ranges.tensors).slice(0, 8).join(', ')}...)`, {
        hint: 'collect the ranges with collectRanges (or collectMinMax) on this same fp32 model',
      });
    }
    activation.set(tensor, activationParams(range, cfg.activations.type, cfg.activations.symmetric));
  }
  const paramsOf = (tensor: string): QuantParams => activation.get(plan.paramsOf.get(tensor) as string) as QuantParams;

  const initializers: OnnxTensor[] = graph.initializers.filter((t) => !plan.weights.has(t.name) && !plan.biases.has(t.name));
  const head: OnnxNode[] = [];

  // Weights: int8 + scale, dequantized back under the original name so readers need no rewiring.
  const weightScales = new Map<string, number[]>();
  for (const [name, axis] of plan.weights) {
    const w = index.floatInitializer(name) as Extract<OnnxTensor, { dataType: 'float32' }>;
    const qAxis = perChannel ? axis : undefined;
    const params = symmetricWeightParams(w.data, w.dims, qAxis);
    weightScales.set(name, params.map((p) => p.scale));
    initializers.push({ name: names.quantized(name), dataType: 'int8', dims: w.dims, data: quantizeWeights(w.data, w.dims, qAxis, params) });
    initializers.push({ name: names.scale(name), dataType: 'float32', dims: qAxis === undefined ? [] : [params.length], data: Float32Array.from(params, (p) => p.scale) });
    // Zero point omitted: DequantizeLinear defaults it to 0 of the input's type, which is symmetric int8.
    head.push(node('DequantizeLinear', [names.quantized(name), names.scale(name)], name, qAxis));
  }

  // Biases: int32 with scale = input scale x weight scale, so they add straight into the int32 accumulator.
  // The scale is a Mul of the two scales already in the file rather than another per-channel
  // initializer: same float32 product, 4 bytes per channel fewer (onnxruntime constant-folds it).
  for (const [name, { input, weight }] of plan.biases) {
    const b = index.floatInitializer(name) as Extract<OnnxTensor, { dataType: 'float32' }>;
    const inputScale = paramsOf(input).scale;
    const scales = (weightScales.get(weight) as number[]).map((s) => biasScale(inputScale, s));
    initializers.push({ name: names.quantized(name), dataType: 'int32', dims: b.dims, data: quantizeBias(b.data, scales) });
    head.push(node('Mul', [names.scale(plan.paramsOf.get(input) as string), names.scale(weight)], names.scale(name)));
    head.push(node('DequantizeLinear', [names.quantized(name), names.scale(name)], name, scales.length > 1 ? 0 : undefined));
  }

  // Activations: one scale/zero point per calibrated tensor (shared through data-movement ops), Q -> DQ after each producer.
  for (const [tensor, p] of activation) {
    initializers.push({ name: names.scale(tensor), dataType: 'float32', dims: [], data: Float32Array.of(p.scale) });
    initializers.push(
      cfg.activations.type === 'int8'
        ? { name: names.zeroPoint(tensor), dataType: 'int8', dims: [], data: Int8Array.of(p.zeroPoint) }
        : { name: names.zeroPoint(tensor), dataType: 'uint8', dims: [], data: Uint8Array.of(p.zeroPoint) },
    );
  }
  const qdq = (tensor: string): OnnxNode[] => {
    const root = plan.paramsOf.get(tensor) as string;
    const params = [names.scale(root), names.zeroPoint(root)];
    return [node('QuantizeLinear', [tensor, ...params], names.quantized(tensor)), node('DequantizeLinear', [names.quantized(tensor), ...params], names.dequantized(tensor))];
  };
  const qdqAfter = (tensors: readonly string[]): OnnxNode[] => tensors.filter((t) => plan.paramsOf.has(t)).flatMap(qdq);

  // Readers of a quantized activation read its dequantized copy; the QuantizeLinear reads the original.
  const reader = (n: OnnxNode): OnnxNode => ({ ...n, inputs: n.inputs.map((i) => (plan.paramsOf.has(i) ? names.dequantized(i) : i)) });
  const nodes: OnnxNode[] = [...head, ...qdqAfter(graph.inputs.map((i) => i.name))];
  for (const n of graph.nodes) nodes.push(reader(n), ...qdqAfter(n.outputs));

  const kept = plan.quantizable.filter((n) => !plan.quantized.includes(n));
  const keptNote = kept.length === 0 ? '' : `; kept float: ${kept.join(', ')}`;

  // Compact names: the int8 file should be about a quarter of the fp32 one, and descriptive
  // names of ~80 tensors would otherwise be ~15% of it. Node names (layers) are kept.
  return compactTensorNames({
    ...model,
    graph: { ...graph, nodes, initializers },
    metadata: {
      ...model.metadata,
      whittle_quantization: `static ${cfg.weights.type} ${cfg.weights.granularity} weights, ${cfg.activations.symmetric ? 'symmetric' : 'asymmetric'} ${cfg.activations.type} activations, ${ranges.method}${ranges.parameters ? ` (${Object.entries(ranges.parameters).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''} on ${ranges.samples} samples${keptNote}`,
    },
  });
}
